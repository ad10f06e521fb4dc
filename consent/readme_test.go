package consent

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestREADMEDecisionTable holds the README's decision table and Decide to each
// other: each row's condition is built here as Signals that match that row and
// every earlier row's opposite, and the outcome Decide gives must be the one
// the README prints, for every model its jurisdiction column names. Where
// the column names only some models, the others must not get the row's
// outcome unless an earlier row gives it to them. Editing either side
// alone fails this test.
func TestREADMEDecisionTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| (\\d+) \\| (.+?) \\| ([a-z, -]+) \\| `([a-z_]+)`[^|]*\\| (.+?) \\|$")
	type readme struct{ models, outcome, reaches string }
	got := map[int]readme{}
	for _, line := range strings.Split(string(b), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			got[n] = readme{m[3], m[4], m[5]}
		}
	}
	honour := Policy{HonorGPC: true, HonorDNT: true}
	dntOnly := Policy{HonorDNT: true}
	rows := map[int]struct {
		s Signals
		p Policy
		// earlier: models an earlier row already catches with these
		// signals, so the negative check does not apply to them.
		earlier []Model
	}{
		1:  {s: Signals{Invalid: true, Consent: StateGranted}, p: honour},
		2:  {s: Signals{OptOut: true, Consent: StateGranted}, p: honour},
		3:  {s: Signals{GPC: true, Consent: StateGranted}, p: honour, earlier: []Model{ModelOptOut}},
		4:  {s: Signals{GPC: true, Consent: StateGranted}, p: dntOnly},
		5:  {s: Signals{DNT: true, Consent: StateGranted}, p: honour},
		6:  {s: Signals{Bot: true, Excluded: true, Consent: StateGranted}, p: honour},
		7:  {s: Signals{Excluded: true, Consent: StateGranted}, p: honour},
		8:  {s: Signals{Consent: StateInvalid, GCS: GCSGranted}, p: honour},
		9:  {s: Signals{Consent: StateDenied, GCS: GCSGranted}, p: honour},
		10: {s: Signals{Consent: StateGranted, GCS: GCSDenied}, p: honour},
		11: {s: Signals{Consent: StateGranted}, p: honour},
	}
	if len(got) != len(rows) {
		t.Fatalf("README has %d decision rows, the code has %d", len(got), len(rows))
	}
	all := []Model{ModelOptIn, ModelOptOut, ModelNoticeOnly}
	for n, r := range rows {
		rm := got[n]
		listed := map[Model]bool{}
		for _, name := range strings.Split(rm.models, ", ") {
			if name == "any" {
				for _, m := range all {
					listed[m] = true
				}
				continue
			}
			m, err := ParseModel(name)
			if err != nil {
				t.Fatalf("row %d: jurisdiction %q: %v", n, rm.models, err)
			}
			listed[m] = true
		}
		for _, m := range all {
			s := r.s
			s.Model = m
			d := Decide(s, r.p).String()
			switch {
			case listed[m] && d != rm.outcome:
				t.Errorf("row %d, %v: Decide = %s, README says %s", n, m, d, rm.outcome)
			case !listed[m] && d == rm.outcome && !slices.Contains(r.earlier, m):
				t.Errorf("row %d, %v: Decide = %s, but the README does not list %v for it", n, m, d, m)
			}
			if listed[m] && (d == "forwarded") != (rm.reaches != "nothing") {
				t.Errorf("row %d: README says %q reaches Google", n, rm.reaches)
			}
		}
	}
	// Row 11's "where the model measures without a choice": no cookie at
	// all is forwarded exactly where the model measures.
	for _, m := range all {
		if d := Decide(Signals{Model: m}, honour); (d.String() == "forwarded") != m.Measures() {
			t.Errorf("%v without a cookie: Decide = %s", m, d)
		}
	}
}
