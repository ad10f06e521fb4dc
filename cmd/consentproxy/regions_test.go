package main

import (
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/consent"
)

// TestRegionsConfig: the table from a flag, from @path and from a mapping
// in the config file, with periods as --retention takes them; every
// problem reported.
func TestRegionsConfig(t *testing.T) {
	base := []string{"--measurement-ids", "G-TEST123", "--secret", "0123456789abcdef0123456789abcdef"}
	cfg, errs, err := parseConfig(t, base, nil)
	if err != nil || len(errs) > 0 {
		t.Fatalf("%v %v", err, errs)
	}
	if j := cfg.Regions.Lookup("US-CA"); j.Group != "us-opt-out" || j.Model != consent.ModelOptOut {
		t.Errorf("built in: US-CA is %+v", j)
	}

	flag := `{"elsewhere": "notice-only", "rules": [{"name": "brazil", "where": ["BR"], "model": "opt-out", "reask": "400d"}]}`
	file := writeFile(t, "regions.yaml", "rules:\n  - name: germany\n    where: [DE]\n    model: opt-in\n    reask: 3mo\n")
	yml := writeFile(t, "c.yaml", "measurement-ids: G-TEST123\nsecret: 0123456789abcdef0123456789abcdef\n"+
		"regions:\n  builtin: false\n  rules:\n    - name: us\n      where: [US]\n      model: opt-out\n      marketing: true\n")
	for _, tt := range []struct {
		name   string
		args   []string
		region string
		want   consent.Jurisdiction
	}{
		{"flag", append(base, "--regions", flag), "BR", consent.Jurisdiction{Group: "brazil", Model: consent.ModelOptOut, Reask: 400 * 24 * time.Hour}},
		{"flag, elsewhere", append(base, "--regions", flag), "JP", consent.Jurisdiction{Group: "elsewhere", Model: consent.ModelNoticeOnly, Reask: consent.DefaultReaskOptOut}},
		{"@path", append(base, "--regions", "@"+file), "DE", consent.Jurisdiction{Group: "germany", Model: consent.ModelOptIn, Reask: 3 * time.Duration(365.25*24/12*float64(time.Hour))}},
		{"config file", []string{"--config", yml}, "US-TX", consent.Jurisdiction{Group: "us", Model: consent.ModelOptOut, Marketing: true, Reask: consent.DefaultReaskOptOut}},
		{"config file, no built-in", []string{"--config", yml}, "FR", consent.Jurisdiction{Group: "elsewhere", Model: consent.ModelOptIn, Reask: consent.DefaultReaskOptIn}},
	} {
		cfg, errs, err := parseConfig(t, tt.args, nil)
		if err != nil || len(errs) > 0 {
			t.Fatalf("%s: %v %v", tt.name, err, errs)
		}
		j := cfg.Regions.Lookup(tt.region)
		j.Where = nil
		if j.Group != tt.want.Group || j.Model != tt.want.Model || j.Marketing != tt.want.Marketing || j.Reask.Round(time.Hour) != tt.want.Reask.Round(time.Hour) {
			t.Errorf("%s: %s is %+v, want %+v", tt.name, tt.region, j, tt.want)
		}
	}

	_, errs, err = parseConfig(t, append(base, "--regions", `{"rules": [{"name": "x", "where": ["XX"], "model": "opt-maybe"}], "typo": 1}`), nil)
	if err != nil || len(errs) != 1 || !strings.Contains(errs[0], "regions") {
		t.Errorf("a bad table: %v %v", err, errs)
	}
	_, errs, _ = parseConfig(t, append(base, "--regions", `{"rules": [{"name": "a", "where": ["DE"]}, {"name": "b", "where": ["DE"], "reask": "soon"}]}`), nil)
	if len(errs) != 1 || !strings.Contains(errs[0], "reask") {
		t.Errorf("a bad period: %v", errs)
	}
}

// TestRegionsWarning: subdivision rules with only a country header match
// nobody, and --check-config says so.
func TestRegionsWarning(t *testing.T) {
	base := []string{"--measurement-ids", "G-TEST123", "--secret", "0123456789abcdef0123456789abcdef"}
	for _, tt := range []struct {
		args []string
		warn bool
	}{
		{append(base, "--country-header", "CF-IPCountry"), true},
		{append(base, "--country-header", "CF-IPCountry", "--region-header", "CF-Region-Code"), false},
		{append(base, "--country-header", "CF-IPCountry", "--regions", `{"builtin": false, "rules": [{"name": "us", "where": ["US"], "model": "opt-out"}]}`), false},
		{base, false},
	} {
		cfg, errs, err := parseConfig(t, tt.args, nil)
		if err != nil || len(errs) > 0 {
			t.Fatalf("%v %v", err, errs)
		}
		got := strings.Contains(strings.Join(cfg.warnings, "\n"), "--regions: rules name subdivisions")
		if got != tt.warn {
			t.Errorf("%v: warned %v, want %v (%v)", tt.args, got, tt.warn, cfg.warnings)
		}
	}
}
