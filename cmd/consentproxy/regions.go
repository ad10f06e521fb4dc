package main

import (
	"fmt"
	"time"

	"github.com/consentproxy/consentproxy/consent"
)

// regionsFile is the --regions table as written: YAML (or JSON, which is
// YAML), inline or @path, or in the config file a mapping under
// "regions". Periods are durations as --retention takes them ("182d",
// "12mo", "4368h").
//
//	elsewhere: opt-in          # a known place no rule names (default opt-in)
//	builtin: true              # keep the built-in rules under these (default true)
//	rules:
//	  - name: us-opt-out       # a built-in rule's name replaces it
//	    where: [US]            # countries, subdivisions (US-CA), groups (EEA, EU)
//	    model: opt-out         # opt-in, opt-out or notice-only
//	    marketing: false       # marketing granted by default where the model measures
//	    reask: 12mo            # how long a refusal is respected (default: the model's)
type regionsFile struct {
	Elsewhere          *consent.Model `yaml:"elsewhere"`
	ElsewhereMarketing bool           `yaml:"elsewhere_marketing"`
	ElsewhereReask     string         `yaml:"elsewhere_reask"`
	Builtin            *bool          `yaml:"builtin"`
	Rules              []struct {
		Name      string        `yaml:"name"`
		Where     []string      `yaml:"where"`
		Model     consent.Model `yaml:"model"`
		Marketing bool          `yaml:"marketing"`
		Reask     string        `yaml:"reask"`
	} `yaml:"rules"`
}

// readRegions builds the regions table from the flag's value; "" is the
// built-in table.
func readRegions(v string) (*consent.Regions, error) {
	var f regionsFile
	if err := decodeFlagYAML(v, &f); err != nil {
		return nil, fmt.Errorf("want {elsewhere, builtin, rules: [{name, where, model, marketing, reask}]}: %w", err)
	}
	cfg := consent.RegionsConfig{Elsewhere: f.Elsewhere, ElsewhereMarketing: f.ElsewhereMarketing, Builtin: f.Builtin}
	var err error
	if cfg.ElsewhereReask, err = period(f.ElsewhereReask); err != nil {
		return nil, fmt.Errorf("elsewhere_reask: %w", err)
	}
	for _, r := range f.Rules {
		reask, err := period(r.Reask)
		if err != nil {
			return nil, fmt.Errorf("rule %q: reask: %w", r.Name, err)
		}
		cfg.Rules = append(cfg.Rules, consent.Rule{Name: r.Name, Where: r.Where, Model: r.Model, Marketing: r.Marketing, Reask: reask})
	}
	return consent.NewRegions(cfg)
}

func period(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return parseDuration(s)
}
