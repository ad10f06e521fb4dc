package consent

import (
	"strings"
	"testing"
	"time"
)

func TestRegionsBuiltin(t *testing.T) {
	r, err := NewRegions(RegionsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		region string
		group  string
		model  Model
		reask  time.Duration
	}{
		{"DE", "eea", ModelOptIn, DefaultReaskOptIn},
		{"DE-BY", "eea", ModelOptIn, DefaultReaskOptIn},
		{"NO", "eea", ModelOptIn, DefaultReaskOptIn},
		{"GB", "eea", ModelOptIn, DefaultReaskOptIn},
		{"CH", "eea", ModelOptIn, DefaultReaskOptIn},
		{"US-CA", "us-opt-out", ModelOptOut, DefaultReaskOptOut},
		{"US-TX", "us-opt-out", ModelOptOut, DefaultReaskOptOut},
		{"US-FL", GroupElsewhere, ModelOptIn, DefaultReaskOptIn},
		{"US", GroupElsewhere, ModelOptIn, DefaultReaskOptIn},
		{"JP", GroupElsewhere, ModelOptIn, DefaultReaskOptIn},
		{"", GroupUnknown, ModelOptIn, DefaultReaskOptIn},
	} {
		j := r.Lookup(tt.region)
		if j.Group != tt.group || j.Model != tt.model || j.Reask != tt.reask || j.Marketing {
			t.Errorf("Lookup(%q) = %+v, want %s %v %v", tt.region, j, tt.group, tt.model, tt.reask)
		}
	}
	if r.Uniform() {
		t.Error("the built-in table is not uniform")
	}
	places := r.OptInPlaces()
	if len(places) != 32 || !strings.Contains(strings.Join(places, ","), "GB") || strings.Contains(strings.Join(places, ","), "US") {
		t.Errorf("OptInPlaces = %v", places)
	}
	if got := r.LongestReask(); got != DefaultReaskOptOut {
		t.Errorf("LongestReask = %v", got)
	}
}

func TestRegionsOwner(t *testing.T) {
	optOut, notice := ModelOptOut, ModelNoticeOnly
	r, err := NewRegions(RegionsConfig{
		Rules: []Rule{
			// Replaces the built-in rule of this name.
			{Name: "us-opt-out", Where: []string{"US"}, Model: ModelOptOut, Marketing: true},
			// A named country beats the built-in group.
			{Name: "germany", Where: []string{"de"}, Model: ModelOptIn, Reask: 30 * 24 * time.Hour},
			{Name: "brazil", Where: []string{"BR"}, Model: ModelNoticeOnly},
		},
		Elsewhere: &notice,
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(region, group string, m Model, marketing bool) {
		t.Helper()
		if j := r.Lookup(region); j.Group != group || j.Model != m || j.Marketing != marketing {
			t.Errorf("Lookup(%q) = %+v, want %s %v marketing=%v", region, j, group, m, marketing)
		}
	}
	check("US-CA", "us-opt-out", ModelOptOut, true)
	check("US-FL", "us-opt-out", ModelOptOut, true)
	check("DE", "germany", ModelOptIn, false)
	check("FR", "eea", ModelOptIn, false)
	check("BR", "brazil", ModelNoticeOnly, false)
	check("JP", GroupElsewhere, ModelNoticeOnly, false)
	check("", GroupUnknown, ModelOptIn, false) // the strictest configured
	if j := r.Lookup("DE"); j.Reask != 30*24*time.Hour {
		t.Errorf("germany reask = %v", j.Reask)
	}

	// Without the built-in rules and without an opt-in anywhere, unknown
	// is the strictest of what is left, with its longest re-ask period.
	no := false
	r, err = NewRegions(RegionsConfig{Builtin: &no, Elsewhere: &notice, Rules: []Rule{
		{Name: "us", Where: []string{"US"}, Model: optOut, Reask: 400 * 24 * time.Hour},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if j := r.Lookup(""); j.Model != ModelOptOut || j.Reask != 400*24*time.Hour || j.Group != GroupUnknown || j.Marketing {
		t.Errorf("unknown = %+v", j)
	}
	if j := r.Lookup("FR"); j.Group != GroupElsewhere {
		t.Errorf("FR = %+v", j)
	}
}

func TestRegionsInvalid(t *testing.T) {
	for name, cfg := range map[string]RegionsConfig{
		"bad place":       {Rules: []Rule{{Name: "x", Where: []string{"XX"}}}},
		"bad subdivision": {Rules: []Rule{{Name: "x", Where: []string{"US-CALI"}}}},
		"no place":        {Rules: []Rule{{Name: "x"}}},
		"bad name":        {Rules: []Rule{{Name: "Big Name", Where: []string{"DE"}}}},
		"reserved name":   {Rules: []Rule{{Name: "unknown", Where: []string{"DE"}}}},
		"twice":           {Rules: []Rule{{Name: "x", Where: []string{"DE"}}, {Name: "x", Where: []string{"FR"}}}},
		"overlap":         {Rules: []Rule{{Name: "x", Where: []string{"DE"}}, {Name: "y", Where: []string{"DE"}}}},
		"group overlap":   {Rules: []Rule{{Name: "x", Where: []string{"EU"}}, {Name: "y", Where: []string{"EEA"}}}},
		"negative reask":  {Rules: []Rule{{Name: "x", Where: []string{"DE"}, Reask: -time.Hour}}},
	} {
		if _, err := NewRegions(cfg); err == nil {
			t.Errorf("%s: NewRegions accepted %+v", name, cfg)
		}
	}
}

func TestRegionsNil(t *testing.T) {
	var r *Regions
	if j := r.Lookup("US-CA"); j.Model != ModelOptIn || j.Group != GroupUnknown {
		t.Errorf("nil Lookup = %+v", j)
	}
	if !r.Uniform() {
		t.Error("nil table is uniform")
	}
}

func TestRefusalOutlivesRevision(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c, err := NewCodec([][]byte{[]byte("0123456789abcdef0123")}, 100*time.Hour, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	c.SetRefusalMaxAge(300 * time.Hour)
	refuse, _ := c.NewRecord("1", Categories{})
	grant, _ := c.NewRecord("1", Categories{Analytics: true})
	rv, gv := c.Encode(refuse, "example.com"), c.Encode(grant, "example.com")
	if s := c.StateOf(rv, "example.com", "2"); s != StateDenied {
		t.Errorf("refusal of revision 1 under 2: %v", s)
	}
	if s := c.StateOf(gv, "example.com", "2"); s != StateInvalid {
		t.Errorf("grant of revision 1 under 2: %v", s)
	}
	now = now.Add(200 * time.Hour)
	if s := c.StateOf(rv, "example.com", "1"); s != StateDenied {
		t.Errorf("refusal after 200 h (refusals last 300 h): %v", s)
	}
	if s := c.StateOf(gv, "example.com", "1"); s != StateInvalid {
		t.Errorf("grant after 200 h (grants last 100 h): %v", s)
	}
	now = now.Add(101 * time.Hour)
	if s := c.StateOf(rv, "example.com", "1"); s != StateInvalid {
		t.Errorf("refusal after 301 h: %v", s)
	}
}
