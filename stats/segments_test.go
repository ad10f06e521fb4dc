package stats

import (
	"strings"
	"testing"
	"time"
)

func TestSegments(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02T15", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		from, to string // UTC, 2006-01-02T15
		loc      *time.Location
		timeDim  string
		frontier string // "" = no rollups
		want     string
	}{
		{"no rollups yet", "2025-01-01T00", "2026-02-01T00", time.UTC, "", "", "h 2025-01-01..2026-02-01"},
		{"13 months", "2025-01-01T00", "2026-02-01T00", time.UTC, "", "2026-03-01T00", "m 2025-01-01..2026-02-01"},
		{"13 months, frontier inside", "2025-01-01T00", "2026-02-01T00", time.UTC, "", "2026-01-20T00",
			"m 2025-01-01..2026-01-01 d 2026-01-01..2026-01-20 h 2026-01-20..2026-02-01"},
		{"Berlin edges", "2025-12-31T23", "2026-03-31T22", berlin, "", "2026-06-01T00",
			"h 2025-12-31T23..2026-01-01 m 2026-01-01..2026-03-01 d 2026-03-01..2026-03-31 h 2026-03-31..2026-03-31T22"},
		{"days only", "2026-01-10T00", "2026-01-20T00", time.UTC, "", "2026-06-01T00", "d 2026-01-10..2026-01-20"},
		{"month dimension", "2025-12-15T00", "2026-03-01T00", time.UTC, "month", "2026-06-01T00",
			"d 2025-12-15..2026-01-01 m 2026-01-01..2026-03-01"},
		{"day dimension: no months", "2025-12-15T00", "2026-03-01T00", time.UTC, "day", "2026-06-01T00", "d 2025-12-15..2026-03-01"},
		{"week dimension: no months", "2026-01-05T00", "2026-03-02T00", time.UTC, "week", "2026-06-01T00", "d 2026-01-05..2026-03-02"},
		{"hour dimension: hours only", "2025-01-01T00", "2026-02-01T00", time.UTC, "hour", "2026-06-01T00", "h 2025-01-01..2026-02-01"},
		{"day dimension in Berlin: hours only", "2025-12-31T23", "2026-01-31T23", berlin, "day", "2026-06-01T00", "h 2025-12-31T23..2026-01-31T23"},
		{"day dimension in London's winter", "2026-01-01T00", "2026-02-01T00", london, "day", "2026-06-01T00", "d 2026-01-01..2026-02-01"},
		{"London across a DST change: hours", "2026-03-01T00", "2026-04-30T23", london, "day", "2026-06-01T00", "h 2026-03-01..2026-04-30T23"},
		{"less than a day", "2026-01-10T05", "2026-01-10T20", time.UTC, "", "2026-06-01T00", "h 2026-01-10T05..2026-01-10T20"},
		{"frontier before the range", "2026-01-10T00", "2026-01-20T00", time.UTC, "", "2026-01-05T00", "h 2026-01-10..2026-01-20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &plan{from: at(tc.from), to: at(tc.to), loc: tc.loc, timeDim: tc.timeDim}
			var frontier time.Time
			if tc.frontier != "" {
				frontier = at(tc.frontier)
			}
			var got []string
			for _, s := range p.segments(frontier) {
				g := map[string]string{"": "h", "daily": "d", "monthly": "m"}[s.grain]
				got = append(got, g+" "+short(s.from)+".."+short(s.to))
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("segments\n got %s\nwant %s", g, tc.want)
			}
		})
	}
}

func short(t time.Time) string {
	if t.Hour() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15")
}

// TestRollupExact: rollups are read only when each result row is one
// stored row per day, so that their visitor counts add up exactly.
func TestRollupExact(t *testing.T) {
	now := time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		query string
		want  bool
	}{
		{`"metrics":["visitors"]`, true},
		{`"metrics":["visitors"],"dimensions":["page"]`, true},
		{`"metrics":["visitors"],"filters":[["is","page","/"]]`, true},
		{`"metrics":["visitors"],"filters":[["in","page",["/","/a"]]]`, false},
		{`"metrics":["visitors"],"filters":[["contains","page","a"]]`, false},
		{`"metrics":["visitors"],"filters":[["is_not","page","/"]]`, false},
		{`"metrics":["visitors"],"dimensions":["channel"]`, false},
		{`"metrics":["visitors"],"dimensions":["source","channel","utm_source","utm_medium","utm_campaign"]`, true},
		{`"metrics":["choices"],"dimensions":["consent_outcome"]`, true},
		{`"metrics":["visitors"],"dimensions":["browser"]`, true},
		{`"metrics":["visitors","conversion_rate"],"dimensions":["goal","channel","utm_source","utm_campaign","entry_page"]`, true},
		{`"metrics":["visitors"],"dimensions":["channel","utm_source","utm_campaign","entry_page"]`, true},
		{`"metrics":["visitors","conversion_rate"],"dimensions":["channel","utm_source","utm_campaign","entry_page"]`, false},
		{`"metrics":["visitors"],"dimensions":["goal"]`, false},
	} {
		q, err := ParseJSON([]byte(`{"site":"G-X","date_range":"12mo",` + tc.query + `}`))
		if err != nil {
			t.Fatal(err)
		}
		p, err := validate(q, now)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if got := p.rollupExact(); got != tc.want {
			t.Errorf("%s: rollupExact %v, want %v", tc.query, got, tc.want)
		}
	}
}
