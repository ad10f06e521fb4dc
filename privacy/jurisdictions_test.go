package privacy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// everyModel is a regions table with a row of each model and both kinds of
// marketing default.
func everyModel() []Jurisdiction {
	day := 24 * time.Hour
	return []Jurisdiction{
		{Group: "eea", Model: ModelOptIn, Where: []string{"EEA", "GB", "CH"}, Reask: 182 * day},
		{Group: "us-opt-out", Model: ModelOptOut, Where: []string{"US-CA", "US-TX"}, Reask: 365 * day},
		{Group: "latam", Model: ModelNoticeOnly, Where: []string{"BR", "AR"}, Marketing: true, Reask: 90 * day},
		{Group: GroupElsewhere, Model: ModelNoticeOnly, Reask: 365 * day},
		{Group: GroupUnknown, Model: ModelOptIn, Reask: 182 * day},
	}
}

func renderLang(t *testing.T, f Facts, format, lang string) string {
	t.Helper()
	b, err := Render(f, format, lang, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section cuts the jurisdictions section out of a Markdown notice.
func jurisdictionsMD(t *testing.T, md, title string) string {
	t.Helper()
	i := strings.Index(md, "### "+title+"\n")
	if i < 0 {
		t.Fatalf("no section %q in:\n%s", title, md)
	}
	rest := md[i+4:]
	if j := strings.Index(rest, "\n### "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestJurisdictionRows: each model's row, in both languages, says where,
// which model, what the visitor sees, what runs before a choice, how long
// a refusal holds and why.
func TestJurisdictionRows(t *testing.T) {
	f := testFacts()
	f.Jurisdictions = everyModel()
	for lang, want := range map[string][]string{
		"en": {
			"| Where | Model | What you see | Before you choose | A refusal is respected for | Why |",
			"| European Economic Area, United Kingdom, Switzerland | Opt-in: consent first | A consent banner, in which refusing is as easy as accepting. | Nothing is sent to Google, and no analytics or marketing cookie is set. | 182 days | Consent comes before any non-essential storage on your device and any measurement, following the GDPR (Art. 6(1)(a)) and the ePrivacy Directive (Art. 5(3)) in the European Economic Area, PECR (regulation 6) in the United Kingdom and the revised Federal Act on Data Protection (nFADP, revFADP) in Switzerland. Refusing is as easy as accepting, and after a refusal you are not asked again for 182 days. |",
			"| `US-CA` (California), `US-TX` (Texas) | Opt-out: measured unless you object | No banner. The link “Do not sell or share my personal information” opts you out, and so does your browser's Global Privacy Control. | Analytics runs and is sent to Google; marketing stays off. | 1 year | US state privacy laws",
			"California's CPRA (Cal. Civ. Code §1798.120 and §1798.135; under regulation §7025 a Global Privacy Control signal is a valid opt-out request)",
			"§1798.135(c)(4) requires waiting at least 12 months before asking again. Measurement runs without a banner until Global Privacy Control",
			"| `BR`, `AR` | Notice: measured, with a way to refuse | A notice that measurement runs, with a way to refuse it. | Analytics and marketing run and are sent to Google. | 90 days | This site tells you here that it measures, instead of asking first. A notice tells you",
			"| Anywhere else | Notice: measured, with a way to refuse |",
			"| 1 year | No row above names your place; this site applies this model there. A notice tells you that measurement runs",
			"| Place not known | Opt-in: consent first |",
			"| 182 days | Your place is not known, so the strictest model of this table applies. Refusing is as easy",
			"- Your place comes from a header set by this site's content delivery network.",
			"- Only the name of your row (such as `eea` for the first row) is recorded with a consent choice, never your country or your address.",
		},
		"de": {
			"| Wo | Modell | Was Sie sehen | Bevor Sie wählen | Eine Ablehnung gilt | Warum |",
			"| Europäischer Wirtschaftsraum, Vereinigtes Königreich, Schweiz | Opt-in: erst die Einwilligung | Ein Einwilligungsbanner, in dem Ablehnen so einfach ist wie Zustimmen. | Nichts wird an Google gesendet, und kein Statistik- oder Marketing-Cookie wird gesetzt. | 182 Tage | Die Einwilligung kommt vor jeder nicht notwendigen Speicherung auf Ihrem Gerät und vor jeder Messung, entsprechend der DSGVO (Art. 6 Abs. 1 lit. a) und der ePrivacy-Richtlinie (Art. 5 Abs. 3) im Europäischen Wirtschaftsraum, den PECR (Regulation 6) im Vereinigten Königreich und dem revidierten Datenschutzgesetz (nDSG, revDSG) in der Schweiz. Ablehnen ist so einfach wie Zustimmen, und nach einer Ablehnung werden Sie 182 Tage lang nicht erneut gefragt. |",
			"| `US-CA` (Kalifornien), `US-TX` (Texas) | Opt-out: Messung, solange Sie nicht widersprechen | Kein Banner. Mit dem Link „Meine personenbezogenen Daten nicht verkaufen oder weitergeben“ widersprechen Sie",
			"| Statistik läuft und wird an Google gesendet; Marketing bleibt aus. | 1 Jahr | Datenschutzgesetze von US-Bundesstaaten",
			"nach Regulation §7025 ist ein Global-Privacy-Control-Signal ein gültiger Widerspruch",
			"Nach Ihrem Widerspruch werden Sie 1 Jahr lang nicht erneut gefragt.",
			"| `BR`, `AR` | Hinweis: Messung, mit Möglichkeit zur Ablehnung | Ein Hinweis, dass gemessen wird, mit einer Möglichkeit, das abzulehnen. | Statistik und Marketing laufen und werden an Google gesendet. | 90 Tage |",
			"| Überall sonst | Hinweis: Messung, mit Möglichkeit zur Ablehnung |",
			"| Ort unbekannt | Opt-in: erst die Einwilligung |",
			"Ihr Ort ist nicht bekannt, daher gilt das strengste Modell dieser Tabelle.",
			"- Mit einer Einwilligungsentscheidung wird nur der Name Ihrer Zeile (etwa `eea` für die erste Zeile) erfasst, nie Ihr Land oder Ihre Adresse.",
		},
	} {
		title := texts[lang]["sec.jurisdictions"]
		md := jurisdictionsMD(t, renderLang(t, f, FormatMarkdown, lang), title)
		for _, w := range want {
			if !strings.Contains(md, w) {
				t.Errorf("%s: the section lacks %q:\n%s", lang, w, md)
			}
		}
		html := renderLang(t, f, FormatHTML, lang)
		for _, w := range []string{
			`<section id="jurisdictions" aria-labelledby="jurisdictions-title">`,
			`<h2 id="jurisdictions-title">` + title + `</h2>`,
			`<th scope="row"><code>US-CA</code> (`,
			`<td data-label="` + texts[lang]["col.why"] + `">`,
		} {
			if !strings.Contains(html, w) {
				t.Errorf("%s: the page lacks %s", lang, w)
			}
		}
	}
	// Where the texts know no law for a model, the row says it is the
	// site's choice, not a law's.
	f.Jurisdictions[0].Where = []string{"BR"}
	if md := render(t, f, FormatMarkdown); strings.Contains(md, "GDPR") || !strings.Contains(md, "This site asks for your consent here") {
		t.Errorf("an opt-in rule for Brazil cites the GDPR:\n%s", md)
	}
}

// TestJurisdictionJSON: the table as data, and its words.
func TestJurisdictionJSON(t *testing.T) {
	f := testFacts()
	f.Jurisdictions, f.LocationSource = everyModel(), LocationBoth
	var doc struct {
		Jurisdictions []map[string]any `json:"jurisdictions"`
		Location      string           `json:"location_source"`
	}
	if err := json.Unmarshal([]byte(render(t, f, FormatJSON)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Location != "header,geoip" {
		t.Errorf("location_source %q", doc.Location)
	}
	if len(doc.Jurisdictions) != len(f.Jurisdictions) {
		t.Fatalf("%d jurisdictions, want %d", len(doc.Jurisdictions), len(f.Jurisdictions))
	}
	for i, j := range f.Jurisdictions {
		got := doc.Jurisdictions[i]
		where := []any{}
		for _, w := range j.Where {
			where = append(where, w)
		}
		for k, want := range map[string]any{"group": j.Group, "model": j.Model, "where": where,
			"marketing": j.Marketing, "reask_days": float64(j.Reask / (24 * time.Hour))} {
			if g, w := mustJSON(t, got[k]), mustJSON(t, want); g != w {
				t.Errorf("%s.%s = %s, want %s", j.Group, k, g, w)
			}
		}
		for _, k := range []string{"places", "model_text", "shown", "before_choice", "reask", "reason"} {
			if s, _ := got[k].(string); s == "" || strings.Contains(s, "{") {
				t.Errorf("%s.%s = %q", j.Group, k, got[k])
			}
		}
	}
	if g := doc.Jurisdictions[1]["places"]; g != "US-CA (California), US-TX (Texas)" {
		t.Errorf("places %q", g)
	}
	if g := doc.Jurisdictions[2]["before_choice"]; g != "Analytics and marketing run and are sent to Google." {
		t.Errorf("before_choice %q", g)
	}
}

// TestUnknownIsStrictest: the row for a visitor whose place is not known
// names the strictest model of the table, and facts that claim otherwise
// are refused.
func TestUnknownIsStrictest(t *testing.T) {
	day := 24 * time.Hour
	f := testFacts()
	f.Jurisdictions = []Jurisdiction{
		{Group: "us-opt-out", Model: ModelOptOut, Where: []string{"US-CA"}, Reask: 365 * day},
		{Group: GroupElsewhere, Model: ModelNoticeOnly, Reask: 365 * day},
		{Group: GroupUnknown, Model: ModelOptOut, Reask: 365 * day},
	}
	for lang, want := range map[string]string{
		"en": "| Place not known | Opt-out: measured unless you object | No banner.",
		"de": "| Ort unbekannt | Opt-out: Messung, solange Sie nicht widersprechen | Kein Banner.",
	} {
		if md := renderLang(t, f, FormatMarkdown, lang); !strings.Contains(md, want) || !strings.Contains(md, texts[lang]["juris.why.unknown"]) {
			t.Errorf("%s: the unknown row does not name the strictest model:\n%s", lang, md)
		}
	}
	f.Jurisdictions[2].Model = ModelNoticeOnly
	if err := f.Validate(); err == nil || !strings.Contains(err.Error(), "strictest is opt-out") {
		t.Errorf("unknown less strict than a rule: %v", err)
	}
	f.Jurisdictions = f.Jurisdictions[:2]
	if err := f.Validate(); err == nil || !strings.Contains(err.Error(), `no "unknown"`) {
		t.Errorf("no unknown row: %v", err)
	}
}

func TestJurisdictionsRefused(t *testing.T) {
	for name, change := range map[string]func(*Facts){
		"unknown model":     func(f *Facts) { f.Jurisdictions[0].Model = "opt-maybe" },
		"no reask":          func(f *Facts) { f.Jurisdictions[1].Reask = 0 },
		"rule, no place":    func(f *Facts) { f.Jurisdictions[0].Where = nil },
		"elsewhere, places": func(f *Facts) { f.Jurisdictions[2].Where = []string{"FR"} },
		"twice":             func(f *Facts) { f.Jurisdictions[1].Group = "eea" },
		"bad group":         func(f *Facts) { f.Jurisdictions[0].Group = "EEA" },
		"opt-in marketing":  func(f *Facts) { f.Jurisdictions[0].Marketing = true },
		"location source":   func(f *Facts) { f.LocationSource = "gps" },
	} {
		f := testFacts()
		change(&f)
		if _, err := Render(f, FormatMarkdown, "en", Options{}); err == nil {
			t.Errorf("%s: rendered", name)
		}
	}
}

// TestNoJurisdictionsKeepsTheNotice: without a table (older callers) the
// section says everyone is asked first, and every other section says what
// it said before there were jurisdictions; an all-opt-in table changes
// nothing outside its own section either.
func TestNoJurisdictionsKeepsTheNotice(t *testing.T) {
	const title = "Where you are decides how we ask"
	without := func(md string) string {
		return strings.Replace(md, "### "+jurisdictionsMD(t, md, title), "", 1)
	}
	none := variantNamed(t, "no jurisdictions")
	optIn := testFacts()
	optIn.Jurisdictions = []Jurisdiction{
		{Group: "eea", Model: ModelOptIn, Where: []string{"EEA"}, Reask: 182 * 24 * time.Hour},
		{Group: GroupElsewhere, Model: ModelOptIn, Reask: 182 * 24 * time.Hour},
		{Group: GroupUnknown, Model: ModelOptIn, Reask: 182 * 24 * time.Hour},
	}
	for _, mode := range []string{"basic", "advanced"} {
		none.BannerMode, optIn.BannerMode = mode, mode
		a, b := render(t, none, FormatMarkdown), render(t, optIn, FormatMarkdown)
		if !strings.Contains(jurisdictionsMD(t, a, title), "This site asks everyone the same way, wherever they are: consent first (opt-in).") {
			t.Errorf("no table, but the section does not say opt-in for everyone:\n%s", a)
		}
		if without(a) != without(b) {
			t.Errorf("%s: an all-opt-in table changes the notice outside its section", mode)
		}
		for _, s := range []string{"only if you have allowed analytics for policy revision `2026-01`. Without that consent",
			"Global Privacy Control (`Sec-GPC: 1`): honoured as an opt-out"} {
			if !strings.Contains(a, s) {
				t.Errorf("%s: the notice without a table lacks %q", mode, s)
			}
		}
		if strings.Contains(a, "your place's model") {
			t.Errorf("%s: the notice without a table speaks of places' models:\n%s", mode, a)
		}
	}
}

// TestMeasuredWithoutChoice: where some visitor's model measures before a
// choice, the Google, cookie and GPC texts say so; where nobody can get
// that model (no location source, an opt-in unknown row), they do not.
func TestMeasuredWithoutChoice(t *testing.T) {
	f := testFacts()
	f.Signals.GPC = false
	for _, mode := range []string{"basic", "advanced"} {
		f.BannerMode = mode
		md := render(t, f, FormatMarkdown)
		for _, s := range []string{
			"or if your place's model measures unless you object (see “Where you are decides how we ask”) and you have not objected",
			"or where your place's model measures unless you object. ",
			"not honoured on this site, except where your place's model is opt-out (see “Where you are decides how we ask”): there it is your opt-out.",
		} {
			if !strings.Contains(md, s) {
				t.Errorf("%s: the notice lacks %q:\n%s", mode, s, md)
			}
		}
		f.LocationSource = LocationNone
		md = render(t, f, FormatMarkdown)
		if strings.Contains(md, "your place's model") || !strings.Contains(md, "the row “Place not known” applies to everyone") {
			t.Errorf("%s: without a location everyone is unknown and opt-in:\n%s", mode, md)
		}
		f.LocationSource = LocationHeader
	}
}
