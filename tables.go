package consentproxy

// Table describes one aggregate table. Each table holds time, site and exactly
// one attribute family, so no stored row links a visitor's attributes across
// families (a row never says "Firefox × Germany × campaign X × /pricing").
type Table struct {
	// Name is the table's name in ClickHouse.
	Name string
	// Dims are the family's dimension columns, in key order. All are strings.
	Dims []string
	// Visitors says whether the table keeps a unique-visitor estimate. Tables
	// that count suppressed or unconsented outcomes must not.
	Visitors bool
}

// The aggregate tables. Their names and columns are part of the public schema
// that marketing queries directly, so renaming one needs a migration.
var (
	TableTotals     = Table{Name: "totals", Visitors: true}
	TablePages      = Table{Name: "pages", Dims: []string{"path"}, Visitors: true}
	TableEntryPages = Table{Name: "entry_pages", Dims: []string{"path"}, Visitors: true}
	TableEvents     = Table{Name: "events", Dims: []string{"name"}, Visitors: true}
	TableSources    = Table{Name: "sources", Dims: []string{"referrer", "channel", "utm_source", "utm_medium", "utm_campaign"}, Visitors: true}
	TableDevices    = Table{Name: "devices", Dims: []string{"browser", "browser_version", "os", "os_version", "device"}, Visitors: true}
	TableCountries  = Table{Name: "countries", Dims: []string{"country"}, Visitors: true}
	TableLanguages  = Table{Name: "languages", Dims: []string{"language"}, Visitors: true}
	// TableOutcomes counts hits per decision reason and nothing else: it is the
	// only table that opted-out, DNT, GPC, bot and invalid hits ever touch.
	TableOutcomes = Table{Name: "outcomes", Dims: []string{"reason"}}
	// TableConsentChoices counts banner decisions per policy revision and
	// outcome (accept_all, reject_all, custom, withdraw), never per visitor.
	TableConsentChoices = Table{Name: "consent_choices", Dims: []string{"revision", "outcome"}}
)

// Tables lists every aggregate table in a stable order.
func Tables() []Table {
	return []Table{TableTotals, TablePages, TableEntryPages, TableEvents, TableSources,
		TableDevices, TableCountries, TableLanguages, TableOutcomes, TableConsentChoices}
}

// TableByName finds a table by its name.
func TableByName(name string) (Table, bool) {
	for _, t := range Tables() {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// Other is the value a dimension takes when a bucket's cardinality cap is
// reached, or when a value is too rare to show (query-time suppression).
const Other = "(other)"
