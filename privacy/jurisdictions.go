package privacy

import (
	"fmt"
	"strings"
	"time"
)

// Jurisdiction is one row of the consent rules by place (the --regions
// table), as the consent package resolves it. privacy does not import
// consent: cmd copies its Regions.All() into these plain fields.
type Jurisdiction struct {
	Group     string        // "eea", "us-opt-out", "elsewhere", "unknown", or the owner's rule name
	Model     string        // "opt-in", "opt-out", "notice-only"
	Where     []string      // as configured: "EEA", "GB", "US-CA" … (empty for elsewhere/unknown)
	Marketing bool          // marketing granted by default (only opt-out/notice-only)
	Reask     time.Duration // how long a refusal is respected before asking again
}

// Consent models, the two groups no rule names, and the location sources,
// spelled as the consent package and the JSON notice spell them.
const (
	ModelOptIn      = "opt-in"
	ModelOptOut     = "opt-out"
	ModelNoticeOnly = "notice-only"

	GroupElsewhere = "elsewhere" // a known place no rule names
	GroupUnknown   = "unknown"   // no place known

	LocationNone   = ""             // no place: everyone is "unknown"
	LocationHeader = "header"       // a trusted CDN header
	LocationGeoIP  = "geoip"        // the GeoIP database
	LocationBoth   = "header,geoip" // the header, else the database
)

// The GeoIP lookup sees only the network of an address (geoip.IPv4Bits,
// geoip.IPv6Bits): the notice states these.
const (
	geoIPv4Bits = 24
	geoIPv6Bits = 48
)

// strictness orders the models as consent does: a visitor whose place is
// not known gets the strictest model of the table.
var strictness = map[string]int{ModelOptIn: 3, ModelOptOut: 2, ModelNoticeOnly: 1}

// eeaCountries are the members of the European Economic Area: a rule
// naming one of them (or the groups EEA, EU) is under the GDPR.
var eeaCountries = map[string]bool{
	"AT": true, "BE": true, "BG": true, "CY": true, "CZ": true, "DE": true, "DK": true, "EE": true, "ES": true, "FI": true,
	"FR": true, "GR": true, "HR": true, "HU": true, "IE": true, "IT": true, "LT": true, "LU": true, "LV": true, "MT": true,
	"NL": true, "PL": true, "PT": true, "RO": true, "SE": true, "SI": true, "SK": true, "IS": true, "LI": true, "NO": true,
	"EEA": true, "EU": true,
}

func validateJurisdictions(f *Facts) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !known(f.LocationSource, LocationNone, LocationHeader, LocationGeoIP, LocationBoth) {
		bad("privacy facts: location source %q", f.LocationSource)
	}
	if len(f.Jurisdictions) == 0 {
		return errs
	}
	seen := map[string]bool{}
	strictest := ""
	var unknown *Jurisdiction
	for i, j := range f.Jurisdictions {
		other := j.Group == GroupElsewhere || j.Group == GroupUnknown
		if !validGroup(j.Group) || seen[j.Group] || strictness[j.Model] == 0 || j.Reask <= 0 ||
			other != (len(j.Where) == 0) || j.Marketing && j.Model == ModelOptIn {
			bad("privacy facts: jurisdiction %+v", j)
		}
		seen[j.Group] = true
		if j.Group == GroupUnknown {
			unknown = &f.Jurisdictions[i]
		} else if strictness[j.Model] > strictness[strictest] {
			strictest = j.Model
		}
	}
	switch {
	case unknown == nil:
		bad("privacy facts: no %q jurisdiction", GroupUnknown)
	case strictest != "" && unknown.Model != strictest:
		// The notice says the unknown place gets the strictest model.
		bad("privacy facts: jurisdiction %q has model %s, but the strictest is %s", GroupUnknown, unknown.Model, strictest)
	}
	return errs
}

func validGroup(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// applies reports whether a visitor can get j: without a location source
// every visitor's place is unknown.
func (f *Facts) applies(j Jurisdiction) bool {
	return f.LocationSource != LocationNone || j.Group == GroupUnknown
}

// measuresWithoutChoice reports whether some visitor is measured before a
// choice, which the Google and cookie texts must then admit.
func (f *Facts) measuresWithoutChoice() bool {
	for _, j := range f.Jurisdictions {
		if j.Model != ModelOptIn && f.applies(j) {
			return true
		}
	}
	return false
}

// optOutGPC reports whether some visitor's model is opt-out, where GPC is
// an opt-out whatever --honor-gpc says (CCPA regulations §7025).
func (f *Facts) optOutGPC() bool {
	for _, j := range f.Jurisdictions {
		if j.Model == ModelOptOut && f.applies(j) {
			return true
		}
	}
	return false
}

// jurisdictionRow is one row of the table, in words.
type jurisdictionRow struct {
	j                                        Jurisdiction
	places, model, shown, before, reask, why para
}

func jurisdictionRows(f *Facts, l *lang) []jurisdictionRow {
	var out []jurisdictionRow
	for _, j := range f.Jurisdictions {
		r := jurisdictionRow{j: j, places: l.places(j), model: l.p("model." + j.Model),
			shown: l.p("juris.shown." + j.Model), reask: para{{Text: l.duration(j.Reask)}}}
		switch {
		case j.Model == ModelOptIn:
			r.before = l.p("juris.before.opt-in")
		case j.Marketing:
			r.before = l.p("juris.before.measures.marketing")
		default:
			r.before = l.p("juris.before.measures")
		}
		r.why = append(append(l.basis(j), inline{Text: " "}), l.p("juris.why."+j.Model, "reask", l.duration(j.Reask))...).merge()
		out = append(out, r)
	}
	return out
}

// places spells a rule's places out: groups and countries by name,
// subdivisions as their code with the name ("US-CA (California)"), and
// what the texts do not name as its code.
func (l *lang) places(j Jurisdiction) para {
	switch j.Group {
	case GroupElsewhere, GroupUnknown:
		return l.p("juris.where." + j.Group)
	}
	var out para
	for i, w := range j.Where {
		w = strings.ToUpper(strings.TrimSpace(w))
		if i > 0 {
			out = append(out, inline{Text: ", "})
		}
		name, ok := l.m["place."+w]
		switch {
		case !ok:
			out = append(out, code(w))
		case strings.Contains(w, "-"):
			out = append(out, code(w), inline{Text: " (" + name + ")"})
		default:
			out = append(out, inline{Text: name})
		}
	}
	return out.merge()
}

// basis is why a row has its model: the laws of its places, or the site's
// own choice where the texts know no law for the model there.
func (l *lang) basis(j Jurisdiction) para {
	switch j.Group {
	case GroupElsewhere, GroupUnknown:
		return l.p("juris.why." + j.Group)
	}
	var eu, uk, ch, us bool
	for _, w := range j.Where {
		w = strings.ToUpper(strings.TrimSpace(w))
		cc, _, _ := strings.Cut(w, "-")
		eu = eu || eeaCountries[w]
		uk = uk || w == "GB"
		ch = ch || w == "CH"
		us = us || cc == "US"
	}
	switch j.Model {
	case ModelOptIn:
		var laws []para
		for _, law := range []struct {
			on  bool
			key string
		}{{eu, "juris.law.eu"}, {uk, "juris.law.uk"}, {ch, "juris.law.ch"}} {
			if law.on {
				laws = append(laws, l.p(law.key))
			}
		}
		if len(laws) > 0 {
			return l.p("juris.why.opt-in.law", "laws", l.list(laws))
		}
	case ModelOptOut:
		if us {
			return l.p("juris.why.opt-out.law")
		}
	}
	return l.p("juris.why." + j.Model + ".own")
}

// list joins "a, b and c".
func (l *lang) list(ps []para) para {
	var out para
	for i, p := range ps {
		switch {
		case i == 0:
		case i == len(ps)-1:
			out = append(out, inline{Text: l.s("list.and")})
		default:
			out = append(out, inline{Text: ", "})
		}
		out = append(out, p...)
	}
	return out.merge()
}

func jurisdictionSection(f *Facts, l *lang) section {
	s := section{ID: "jurisdictions", Title: l.s("sec.jurisdictions")}
	if len(f.Jurisdictions) == 0 {
		s.Blocks = []block{{Para: l.p("juris.everyone")}}
		return s
	}
	t := &table{Head: []string{l.s("col.places"), l.s("col.model"), l.s("col.shown"), l.s("col.before"), l.s("col.reask"), l.s("col.why")}}
	for _, r := range jurisdictionRows(f, l) {
		t.Rows = append(t.Rows, []para{r.places, r.model, r.shown, r.before, r.reask, r.why})
	}
	source := "none"
	switch f.LocationSource {
	case LocationHeader, LocationGeoIP:
		source = f.LocationSource
	case LocationBoth:
		source = "both"
	}
	s.Blocks = []block{
		{Para: l.p("juris.intro")},
		{Table: t},
		{Items: []para{
			l.p("juris.source."+source, "v4", geoIPv4Bits, "v6", geoIPv6Bits),
			l.p("juris.recorded", "group", code(f.Jurisdictions[0].Group)),
		}},
	}
	return s
}

type jsonJurisdiction struct {
	Group     string   `json:"group"`
	Model     string   `json:"model"`
	Where     []string `json:"where"`
	Marketing bool     `json:"marketing"`
	ReaskDays int64    `json:"reask_days"`
	// The row's words, as the HTML table says them.
	Places       string `json:"places"`
	ModelText    string `json:"model_text"`
	Shown        string `json:"shown"`
	BeforeChoice string `json:"before_choice"`
	Reask        string `json:"reask"`
	Reason       string `json:"reason"`
}

func jsonJurisdictions(f *Facts, l *lang) []jsonJurisdiction {
	out := []jsonJurisdiction{}
	for _, r := range jurisdictionRows(f, l) {
		out = append(out, jsonJurisdiction{
			Group: r.j.Group, Model: r.j.Model, Where: nonNil(r.j.Where), Marketing: r.j.Marketing,
			ReaskDays: int64(r.j.Reask / (24 * time.Hour)),
			Places:    r.places.plain(), ModelText: r.model.plain(), Shown: r.shown.plain(),
			BeforeChoice: r.before.plain(), Reask: r.reask.plain(), Reason: r.why.plain(),
		})
	}
	return out
}

// locationSourceJSON is LocationSource as the JSON states it ("none" for "").
func locationSourceJSON(s string) string {
	if s == LocationNone {
		return "none"
	}
	return s
}
