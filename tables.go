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
	// Since is the migration that created the table (0: the first). A store
	// pinned to an older schema (the previous release, in upgrade tests)
	// neither writes nor rolls up a table it does not have.
	Since uint32
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
	// TableGoals counts the site owner's goals (an event name or a page
	// path pattern, configured per site) by the converting visit's channel,
	// utm_source, utm_campaign and entry page (entry_path): Events are
	// completions, Visits the visits that reached the goal (once each),
	// visitors the daily-salted uniq state. Two rows every site has, goals
	// or not: the goal "(visits)" (GoalAll) counts every visit under the
	// same four dimensions, so that a conversion rate has its denominator
	// in the same table whichever of them a query breaks down by; "(ga4)"
	// (GoalGA4) counts the visits that sent Google at least one hit, so
	// that GA4's coverage of what was counted is a conversion rate too.
	TableGoals = Table{Name: "goals", Dims: []string{"goal", "channel", "utm_source", "utm_campaign", "entry_path"}, Visitors: true, Since: 6}
	// TableFunnels counts, per funnel and step (1-based, as a decimal
	// string) with the step's goal, the visits that reached that step after
	// every earlier one, in order, within one visit. The order is followed
	// in the aggregator's memory; no sequence is ever stored.
	TableFunnels = Table{Name: "funnels", Dims: []string{"funnel", "step", "goal"}, Visitors: true, Since: 6}
	// TablePageFlow follows visits through a page (path, as in pages):
	// Pageviews its page views, Visits the visits that ended there (+1 at
	// a page view, -1 when the same visit views another page after it),
	// Events its scroll events (GA4's "scroll", sent at 90 % depth), and
	// the visitors who viewed it, so exits, exit rate and scroll rate come
	// from one row.
	TablePageFlow = Table{Name: "page_flow", Dims: []string{"path"}, Visitors: true, Since: 6}
	// TableEventProps counts events by the site owner's allowlisted event
	// properties (GA4's ep.*/epn.*, --event-properties): per event name,
	// property and value (one of the configured values, a bucket of a
	// number, or, where the owner allows free text, the value redacted and
	// cut), Events and visitors.
	TableEventProps = Table{Name: "event_props", Dims: []string{"name", "prop", "value"}, Visitors: true, Since: 6}
	// TableRevenue sums purchase events (GA4's purchase with epn.value and
	// cu) per currency and the visit's channel, utm_source and
	// utm_campaign: Events are purchases, Visits the visits with one (once
	// each), visitors the purchasers, and Hits the revenue in millionths of
	// the currency's unit (the one money column: no other metric fits).
	TableRevenue = Table{Name: "revenue", Dims: []string{"currency", "channel", "utm_source", "utm_campaign"}, Visitors: true, Since: 6}
	// TableCampaignDetails counts visits by their landing URL's
	// utm_source, utm_campaign, utm_term and utm_content: Visits and
	// visitors, at the visit's first hit.
	TableCampaignDetails = Table{Name: "campaign_details", Dims: []string{"utm_source", "utm_campaign", "utm_term", "utm_content"}, Visitors: true, Since: 6}
	// TableRegions counts visits by country and ISO 3166-2 subdivision
	// ("US-CA"), from the trusted CDN region header: Visits and visitors,
	// at the visit's first hit; region "" where only the country is known.
	TableRegions = Table{Name: "regions", Dims: []string{"country", "region"}, Visitors: true, Since: 6}
	// TablePageCountries crosses pages with the visit's country, written
	// only when the site owner opts in (--breakdowns page_country):
	// Pageviews and visitors per path and country.
	TablePageCountries = Table{Name: "page_countries", Dims: []string{"path", "country"}, Visitors: true, Since: 6}
	// TableOutcomes counts hits per decision reason and nothing else: it is the
	// only table that opted-out, DNT, GPC, bot and invalid hits ever touch.
	TableOutcomes = Table{Name: "outcomes", Dims: []string{"reason"}}
	// TableConsentChoices counts banner decisions per policy revision and
	// outcome (accept_all, reject_all, custom, withdraw), never per visitor.
	TableConsentChoices = Table{Name: "consent_choices", Dims: []string{"revision", "outcome"}}
	// TableFiltered says why hits were filtered: reason "bot" with the bot
	// class (crawler, ai_crawler, monitor, headless, library, other), or
	// reason "excluded" with the site owner's rule (internal_ip,
	// referrer_spam, staff). Like outcomes, it counts hits and nothing else.
	TableFiltered = Table{Name: "filtered", Dims: []string{"reason", "class"}, Since: 4}
	// TableConsentJurisdictions counts banner decisions per jurisdiction
	// group (a region rule's name such as "eea" or "us-opt-out", or
	// "elsewhere", or JurisdictionUnknown: never a country or anything
	// finer) and outcome, never per visitor: like consent_choices it keeps
	// no visitors estimate.
	TableConsentJurisdictions = Table{Name: "consent_jurisdictions", Dims: []string{"jurisdiction", "outcome"}, Since: 5}
	// TableRemovedParams counts, per class (a proxy drop reason such as
	// "unknown", "identifier", "user", "client_ip", "personal_data"), the
	// parameters of forwarded hits that were kept from Google: Hits is the
	// number of parameters. It carries nothing else.
	TableRemovedParams = Table{Name: "removed_params", Dims: []string{"class"}, Since: 6}
)

// The goals of TableGoals' rows that every site has. A configured goal's
// name can never take them (goal names are a-z, 0-9, _ and -).
const (
	// GoalAll counts every visit: the denominator of a conversion rate.
	GoalAll = "(visits)"
	// GoalGA4 counts the visits with at least one hit forwarded to Google.
	GoalGA4 = "(ga4)"
)

// JurisdictionUnknown is the jurisdiction of a consent choice whose
// visitor's place is not known.
const JurisdictionUnknown = "unknown"

// Exclusion rules a site owner sets; the class of a ReasonExcluded hit in
// TableFiltered.
const (
	ExcludedInternalIP   = "internal_ip"   // the client address is in --exclude-ips
	ExcludedReferrerSpam = "referrer_spam" // the referrer is on the referrer-spam list
	ExcludedStaff        = "staff"         // the browser carries the staff exclusion cookie
)

// Tables lists every aggregate table in a stable order.
func Tables() []Table {
	return []Table{TableTotals, TablePages, TableEntryPages, TableEvents, TableSources,
		TableDevices, TableCountries, TableLanguages, TableGoals, TableFunnels, TablePageFlow, TableEventProps, TableRevenue,
		TableCampaignDetails, TableRegions, TablePageCountries, TableOutcomes, TableConsentChoices, TableFiltered,
		TableConsentJurisdictions, TableRemovedParams}
}

// TablesAt lists the tables a schema pinned at migration upTo has (0: the
// newest, all of them).
func TablesAt(upTo uint32) []Table {
	all := Tables()
	if upTo == 0 {
		return all
	}
	out := all[:0]
	for _, t := range all {
		if t.Since <= upTo {
			out = append(out, t)
		}
	}
	return out
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
