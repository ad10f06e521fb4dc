package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/consentproxy/consentproxy/aggregate"
	"github.com/consentproxy/consentproxy/stats"
)

// goalsFile is --goals as written: YAML (or JSON), inline or @path, or in
// the config file a mapping under "goals". A goal's name is its key:
//
//	signup:  {event: sign_up}
//	pricing: {page: /pricing}
//	thanks:  {page: "/**/thanks", sites: [G-AAAA1111]}
type goalsFile map[string]struct {
	Event    string   `yaml:"event"`
	Property string   `yaml:"property"` // with value: only events whose ep.property is value
	Value    string   `yaml:"value"`
	Page     string   `yaml:"page"`
	Sites    []string `yaml:"sites"`
}

// propertiesFile is --event-properties, in the same forms; a property's
// name (without ep./epn.) is its key:
//
//	plan:    {values: [free, pro, team]}
//	percent: {buckets: [25, 50, 75, 90]}
//	method:  {free_text: true}
type propertiesFile map[string]struct {
	Values   []string  `yaml:"values"`
	Buckets  []float64 `yaml:"buckets"`
	FreeText bool      `yaml:"free_text"`
	Sites    []string  `yaml:"sites"`
}

// funnelsFile is --funnels, in the same forms:
//
//	checkout: {steps: [pricing, signup, thanks]}
type funnelsFile map[string]struct {
	Steps []string `yaml:"steps"`
	Sites []string `yaml:"sites"`
}

// readGoals builds the goals and funnels from their flags' values; "" is
// none. Names are sorted, so a goal's place does not depend on the file's
// key order.
func readGoals(goalsV, funnelsV string) ([]aggregate.Goal, []aggregate.Funnel, error) {
	var gf goalsFile
	if err := decodeFlagYAML(goalsV, &gf); err != nil {
		return nil, nil, fmt.Errorf("goals: want {name: {event | page, sites}}: %w", err)
	}
	var ff funnelsFile
	if err := decodeFlagYAML(funnelsV, &ff); err != nil {
		return nil, nil, fmt.Errorf("funnels: want {name: {steps: [goal, …], sites}}: %w", err)
	}
	var goals []aggregate.Goal
	for _, name := range sortedKeys(gf) {
		g := gf[name]
		if g.Sites != nil && len(g.Sites) == 0 {
			return nil, nil, fmt.Errorf("goal %q: sites is empty, so it would count nowhere; leave it out for every site", name)
		}
		goals = append(goals, aggregate.Goal{Name: name, Event: g.Event, Property: g.Property, Value: g.Value, Page: g.Page, Sites: g.Sites})
	}
	var funnels []aggregate.Funnel
	for _, name := range sortedKeys(ff) {
		f := ff[name]
		if f.Sites != nil && len(f.Sites) == 0 {
			return nil, nil, fmt.Errorf("funnel %q: sites is empty, so it would count nowhere; leave it out for every site", name)
		}
		funnels = append(funnels, aggregate.Funnel{Name: name, Steps: f.Steps, Sites: f.Sites})
	}
	if err := aggregate.CheckGoals(goals, funnels, nil); err != nil {
		return nil, nil, err
	}
	return goals, funnels, nil
}

// readProperties builds the event properties from --event-properties.
func readProperties(v string) ([]aggregate.Property, error) {
	var pf propertiesFile
	if err := decodeFlagYAML(v, &pf); err != nil {
		return nil, fmt.Errorf("want {name: {values | buckets | free_text, sites}}: %w", err)
	}
	var props []aggregate.Property
	for _, name := range sortedKeys(pf) {
		p := pf[name]
		if p.Sites != nil && len(p.Sites) == 0 {
			return nil, fmt.Errorf("property %q: sites is empty, so it would count nowhere; leave it out for every site", name)
		}
		props = append(props, aggregate.Property{Name: name, Values: p.Values, Buckets: p.Buckets, FreeText: p.FreeText, Sites: p.Sites})
	}
	if err := aggregate.CheckGoals(nil, nil, props); err != nil {
		return nil, err
	}
	return props, nil
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// goalsOf lists, for the API, the goals and funnels that apply to a site.
func goalsOf(cfg Config) func(site string) ([]stats.GoalDef, []stats.FunnelDef) {
	applies := func(sites []string, site string) bool { return sites == nil || slices.Contains(sites, site) }
	return func(site string) ([]stats.GoalDef, []stats.FunnelDef) {
		var gs []stats.GoalDef
		for _, g := range cfg.Goals {
			if applies(g.Sites, site) {
				gs = append(gs, stats.GoalDef{Name: g.Name, Event: g.Event, Page: g.Page})
			}
		}
		var fs []stats.FunnelDef
		for _, f := range cfg.Funnels {
			if applies(f.Sites, site) {
				fs = append(fs, stats.FunnelDef{Name: f.Name, Steps: f.Steps})
			}
		}
		return gs, fs
	}
}

// readMarketing reads the flags of marketing's view: --breakdowns,
// --event-properties, --report-*, --goals and --funnels, checking every
// site they name against --measurement-ids (a site nobody serves would
// count nothing: a typo). Problems go to bad, as validate collects them.
func (c *Config) readMarketing(v func(string) string, bad func(name, format string, args ...any)) {
	served := func(flag, what, name string, sites []string) {
		for _, s := range sites {
			if !slices.Contains(c.MeasurementIDs, s) {
				bad(flag, "%s %q: site %s is not one of --measurement-ids", what, name, s)
			}
		}
	}
	for _, b := range list(v("breakdowns")) {
		switch b {
		case "page_country":
			c.PageCountries = true
		default:
			bad("breakdowns", "%q is no breakdown; possible: page_country (channel × landing page and campaign × goal are built in, in the goals table)", b)
		}
	}
	if p, err := readProperties(v("event-properties")); err != nil {
		bad("event-properties", "%v", err)
	} else {
		c.Properties = p
		for _, p := range p {
			served("event-properties", "property", p.Name, p.Sites)
		}
	}
	if r, err := readReportMail(v("report-smtp"), v("report-from"), v("report-to"), v("report-every")); err != nil {
		bad("report-smtp", "%v", err)
	} else {
		c.ReportMail = r
	}
	g, f, err := readGoals(v("goals"), v("funnels"))
	if err != nil {
		flag := "goals"
		if strings.HasPrefix(err.Error(), "funnel") {
			flag = "funnels"
		}
		bad(flag, "%v", err)
		return
	}
	c.Goals, c.Funnels = g, f
	for _, g := range g {
		served("goals", "goal", g.Name, g.Sites)
	}
	for _, f := range f {
		served("funnels", "funnel", f.Name, f.Sites)
	}
}
