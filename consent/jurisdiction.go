package consent

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy/dims"
)

// Model is how consent is obtained where a visitor is. The zero value is
// the strictest, ModelOptIn, so that anything that does not know the
// visitor's place treats them as the law of the strictest place would.
type Model uint8

const (
	// ModelOptIn (GDPR and ePrivacy: the EEA, the UK, Switzerland): a
	// banner, and nothing is measured before an explicit grant.
	ModelOptIn Model = iota
	// ModelOptOut (the US states with a universal opt-out, California's
	// CPRA first): no banner, measurement runs until the visitor opts out,
	// by GPC or by the "Do not sell or share" link; marketing stays
	// opt-in unless the rule says otherwise.
	ModelOptOut
	// ModelNoticeOnly: a notice that measurement runs, with a way to
	// refuse it; GPC as the deployment's --honor-gpc says.
	ModelNoticeOnly
)

var modelNames = [...]string{ModelOptIn: "opt-in", ModelOptOut: "opt-out", ModelNoticeOnly: "notice-only"}

func (m Model) String() string {
	if int(m) < len(modelNames) {
		return modelNames[m]
	}
	return fmt.Sprintf("Model(%d)", m)
}

// ParseModel reads "opt-in", "opt-out" or "notice-only".
func ParseModel(s string) (Model, error) {
	for m, n := range modelNames {
		if s == n {
			return Model(m), nil
		}
	}
	return 0, fmt.Errorf("consent model %q: want opt-in, opt-out or notice-only", s)
}

// MarshalText and UnmarshalText make a Model a YAML and JSON string.
func (m Model) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a model's name.
func (m *Model) UnmarshalText(b []byte) error {
	v, err := ParseModel(string(b))
	*m = v
	return err
}

// strictness orders the models: unknown places get the strictest.
func (m Model) strictness() int {
	switch m {
	case ModelOptIn:
		return 3
	case ModelOptOut:
		return 2
	}
	return 1
}

// Measures reports whether the model lets analytics run without a choice.
func (m Model) Measures() bool { return m != ModelOptIn }

// Default re-ask periods: how long a refusal is respected before the banner
// asks again. Six months where consent is opt-in (the EU's 2025 "Digital
// Omnibus" proposal; today's guidance says "a reasonable period"), twelve
// where it is opt-out (CCPA §1798.135(c)(4): wait at least 12 months before
// asking a consumer who opted out to opt back in).
const (
	DefaultReaskOptIn  = 182 * 24 * time.Hour
	DefaultReaskOptOut = 365 * 24 * time.Hour
)

// DefaultReask is the model's re-ask period.
func (m Model) DefaultReask() time.Duration {
	if m == ModelOptIn {
		return DefaultReaskOptIn
	}
	return DefaultReaskOptOut
}

// Rule maps places to a model: one row of the --regions table.
type Rule struct {
	// Name labels the rule's places in the consent-choice counts and the
	// privacy notice: 1–32 of a-z 0-9 -. Required.
	Name string `yaml:"name" json:"name"`
	// Where lists ISO 3166-1 countries ("DE"), ISO 3166-2 subdivisions
	// ("US-CA") and groups ("EEA", "EU"). A subdivision beats its country,
	// and a named country beats a group. Required.
	Where []string `yaml:"where" json:"where"`
	// Model is the rule's consent model. Default opt-in.
	Model Model `yaml:"model" json:"model"`
	// Marketing grants marketing (ad_storage and the like) by default
	// where the model measures without a choice. Default false: marketing
	// stays opt-in everywhere.
	Marketing bool `yaml:"marketing" json:"marketing"`
	// Reask is how long a refusal is respected before the banner asks
	// again, separate from the consent lifetime. Default: the model's
	// (DefaultReaskOptIn, DefaultReaskOptOut).
	Reask time.Duration `yaml:"reask" json:"reask"`
}

// Jurisdiction is the rule that applies to one visitor: their place's.
type Jurisdiction struct {
	// Group is the rule's name, "elsewhere" (a known place no rule names)
	// or "unknown" (no place known). It is all that is counted of a
	// visitor's place with a consent choice.
	Group     string
	Model     Model
	Marketing bool
	Reask     time.Duration
	// Where is the rule's places as configured (groups unexpanded).
	Where []string
}

// Group names of the two jurisdictions no rule names.
const (
	GroupElsewhere = "elsewhere"
	GroupUnknown   = "unknown"
)

// Place groups a rule's Where may name.
var placeGroups = map[string][]string{
	// The 27 member states of the European Union.
	"EU": {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
		"LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"},
	// The European Economic Area: the EU, Iceland, Liechtenstein, Norway.
	"EEA": {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
		"LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO"},
}

// BuiltinRules are the regions table without a --regions file: opt-in in
// the EEA, the UK and Switzerland; opt-out in the twelve US states whose
// laws make a universal opt-out signal (GPC) binding, as of 2026-12
// (California, Colorado, Connecticut, Delaware, Maryland, Minnesota,
// Montana, Nebraska, New Hampshire, New Jersey, Oregon, Texas). Anywhere
// else the elsewhere model applies, opt-in unless configured.
func BuiltinRules() []Rule {
	return []Rule{
		{Name: "eea", Where: []string{"EEA", "GB", "CH"}, Model: ModelOptIn},
		{Name: "us-opt-out", Where: []string{"US-CA", "US-CO", "US-CT", "US-DE", "US-MD", "US-MN",
			"US-MT", "US-NE", "US-NH", "US-NJ", "US-OR", "US-TX"}, Model: ModelOptOut},
	}
}

// Regions resolves a visitor's region to the jurisdiction that applies.
// The zero value and nil are "no table": everyone is unknown and opt-in.
type Regions struct {
	rules     []Jurisdiction
	byPlace   map[string]int // "DE", "US-CA" → index in rules
	elsewhere Jurisdiction
	unknown   Jurisdiction
}

// RegionsConfig is the --regions table.
type RegionsConfig struct {
	// Rules are the site owner's rows. A rule named like a built-in one
	// replaces it; the others are added, and their places win over the
	// built-in ones. Default none.
	Rules []Rule `yaml:"rules" json:"rules"`
	// Builtin keeps BuiltinRules under the owner's. Default true.
	Builtin *bool `yaml:"builtin" json:"builtin"`
	// Elsewhere is the model of a known place no rule names. Default
	// opt-in.
	Elsewhere *Model `yaml:"elsewhere" json:"elsewhere"`
	// ElsewhereMarketing, ElsewhereReask: the elsewhere rule's Marketing
	// and Reask. Defaults false and the model's.
	ElsewhereMarketing bool          `yaml:"elsewhere_marketing" json:"elsewhere_marketing"`
	ElsewhereReask     time.Duration `yaml:"elsewhere_reask" json:"elsewhere_reask"`
}

// NewRegions builds the table. Every problem is reported at once.
func NewRegions(cfg RegionsConfig) (*Regions, error) {
	var errs []error
	own := map[string]bool{}
	for _, r := range cfg.Rules {
		if own[r.Name] {
			errs = append(errs, fmt.Errorf("regions: rule %q is defined twice", r.Name))
		}
		own[r.Name] = true
	}
	var rules []Rule
	if cfg.Builtin == nil || *cfg.Builtin {
		for _, r := range BuiltinRules() {
			if !own[r.Name] {
				rules = append(rules, r)
			}
		}
	}
	builtin := len(rules)
	rules = append(rules, cfg.Rules...)

	rg := &Regions{byPlace: map[string]int{}}
	// Precedence of a place: the owner's rules over the built-in ones, and
	// within each a named country or subdivision over a group. Two rules of
	// the same precedence claiming one place is an error.
	level := map[string]int{}
	for i, r := range rules {
		for _, w := range r.Where {
			places, isGroup := placeGroups[strings.ToUpper(strings.TrimSpace(w))]
			if !isGroup {
				p, err := place(w)
				if err != nil {
					errs = append(errs, fmt.Errorf("regions: rule %q: %w", r.Name, err))
					continue
				}
				places = []string{p}
			}
			lv := 1
			if isGroup {
				lv = 0
			}
			if i >= builtin {
				lv += 2
			}
			for _, p := range places {
				prev, seen := rg.byPlace[p]
				switch {
				case seen && prev != i && level[p] == lv:
					errs = append(errs, fmt.Errorf("regions: %s is in both %q and %q", p, rules[prev].Name, r.Name))
				case !seen || lv > level[p]:
					rg.byPlace[p], level[p] = i, lv
				}
			}
		}
	}
	strictest := ModelNoticeOnly
	reask := map[Model]time.Duration{}
	for _, r := range rules {
		if !validGroup(r.Name) || r.Name == GroupElsewhere || r.Name == GroupUnknown {
			errs = append(errs, fmt.Errorf("regions: rule name %q: want 1-32 of a-z 0-9 - (and not %q or %q)", r.Name, GroupElsewhere, GroupUnknown))
		}
		if len(r.Where) == 0 {
			errs = append(errs, fmt.Errorf("regions: rule %q names no place", r.Name))
		}
		if r.Model > ModelNoticeOnly {
			errs = append(errs, fmt.Errorf("regions: rule %q: unknown model", r.Name))
		}
		if r.Reask < 0 {
			errs = append(errs, fmt.Errorf("regions: rule %q: negative reask", r.Name))
		}
		j := jurisdictionOf(r)
		rg.rules = append(rg.rules, j)
		if j.Model.strictness() > strictest.strictness() {
			strictest = j.Model
		}
		reask[j.Model] = max(reask[j.Model], j.Reask)
	}
	other := Rule{Name: GroupElsewhere, Marketing: cfg.ElsewhereMarketing, Reask: cfg.ElsewhereReask}
	if cfg.Elsewhere != nil {
		other.Model = *cfg.Elsewhere
	}
	if other.Reask < 0 {
		errs = append(errs, errors.New("regions: negative elsewhere_reask"))
	}
	rg.elsewhere = jurisdictionOf(other)
	if rg.elsewhere.Model.strictness() > strictest.strictness() {
		strictest = rg.elsewhere.Model
	}
	reask[rg.elsewhere.Model] = max(reask[rg.elsewhere.Model], rg.elsewhere.Reask)
	// Nobody knows where this visitor is: the strictest model any place
	// has, with its longest re-ask period and marketing opt-in.
	rg.unknown = Jurisdiction{Group: GroupUnknown, Model: strictest, Reask: reask[strictest]}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rg, nil
}

func jurisdictionOf(r Rule) Jurisdiction {
	if r.Reask == 0 {
		r.Reask = r.Model.DefaultReask()
	}
	return Jurisdiction{Group: r.Name, Model: r.Model, Marketing: r.Marketing && r.Model.Measures(),
		Reask: r.Reask, Where: slices.Clone(r.Where)}
}

// place validates "DE" or "US-CA" and returns it upper-cased.
func place(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	cc, sub, hasSub := strings.Cut(s, "-")
	if dims.Country(cc) != cc || cc == "" {
		return "", fmt.Errorf("%q is no ISO 3166-1 country, ISO 3166-2 subdivision or group (EEA, EU)", s)
	}
	if hasSub && (Subdivision(sub) != sub) {
		return "", fmt.Errorf("%q: the subdivision must be 1-3 letters or digits", s)
	}
	return s, nil
}

// Subdivision accepts an ISO 3166-2 subdivision code (after the country):
// one to three letters or digits, upper-cased; anything else is "".
func Subdivision(s string) string {
	if len(s) == 0 || len(s) > 3 {
		return ""
	}
	var b [3]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return ""
		}
		b[i] = c
	}
	if string(b[:len(s)]) == s {
		return s
	}
	return string(b[:len(s)])
}

func validGroup(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Lookup returns the jurisdiction of a region as the proxy spells it:
// "US-CA", "DE" (only the country known) or "" (nothing known).
func (r *Regions) Lookup(region string) Jurisdiction {
	if r == nil || r.byPlace == nil {
		return Jurisdiction{Group: GroupUnknown, Model: ModelOptIn, Reask: DefaultReaskOptIn}
	}
	if region == "" {
		return r.unknown
	}
	if i, ok := r.byPlace[region]; ok {
		return r.rules[i]
	}
	if cc, _, ok := strings.Cut(region, "-"); ok {
		if i, ok := r.byPlace[cc]; ok {
			return r.rules[i]
		}
	}
	return r.elsewhere
}

// All lists every jurisdiction the table can return: the rules in order,
// then elsewhere and unknown.
func (r *Regions) All() []Jurisdiction {
	if r == nil || r.byPlace == nil {
		return []Jurisdiction{r.Lookup("")}
	}
	return append(slices.Clone(r.rules), r.elsewhere, r.unknown)
}

// Uniform reports whether every visitor gets the same model, marketing
// default and re-ask period wherever they are: then the banner needs no
// place, and neither does a hit's decision.
func (r *Regions) Uniform() bool {
	all := r.All()
	for _, j := range all[1:] {
		if j.Model != all[0].Model || j.Marketing != all[0].Marketing || j.Reask != all[0].Reask {
			return false
		}
	}
	return true
}

// OptInPlaces lists the places of the opt-in rules, sorted, groups expanded:
// the regions a banner elsewhere still gives Consent Mode's denied
// defaults, in case Google places the visitor there.
func (r *Regions) OptInPlaces() []string {
	if r == nil {
		return nil
	}
	var out []string
	for p, i := range r.byPlace {
		if r.rules[i].Model == ModelOptIn {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// NamesSubdivisions reports whether a rule names an ISO 3166-2
// subdivision ("US-CA"), which only a region header or GeoIP can match.
func (r *Regions) NamesSubdivisions() bool {
	if r == nil {
		return false
	}
	for p := range r.byPlace {
		if strings.Contains(p, "-") {
			return true
		}
	}
	return false
}

// LongestReask is the longest re-ask period of any jurisdiction: how long
// the proxy accepts a refusal's receipt (Codec.SetRefusalMaxAge).
func (r *Regions) LongestReask() time.Duration {
	var d time.Duration
	for _, j := range r.All() {
		d = max(d, j.Reask)
	}
	return d
}
