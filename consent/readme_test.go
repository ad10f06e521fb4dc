package consent

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestREADMEDecisionTable holds the README's decision table and Decide to each
// other: each row's condition is built here as Signals that match that row and
// every earlier row's opposite, and the outcome Decide gives must be the one
// the README prints. Editing either side alone fails this test.
func TestREADMEDecisionTable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| (\\d+) \\| (.+?) \\| `([a-z_]+)`[^|]*\\| (.+?) \\|$")
	got := map[int]string{}
	reaches := map[int]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			got[n], reaches[n] = m[3], m[4]
		}
	}
	honour := Policy{HonorGPC: true, HonorDNT: true}
	granted := Signals{Consent: StateGranted}
	rows := map[int]Signals{
		1:  {Invalid: true, Consent: StateGranted},
		2:  {OptOut: true, Consent: StateGranted},
		3:  {GPC: true, Consent: StateGranted},
		4:  {DNT: true, Consent: StateGranted},
		5:  {Bot: true, Excluded: true, Consent: StateGranted},
		6:  {Excluded: true, Consent: StateGranted},
		7:  {Consent: StateInvalid, GCS: GCSGranted},
		8:  {Consent: StateDenied, GCS: GCSGranted},
		9:  {Consent: StateGranted, GCS: GCSDenied},
		10: granted,
	}
	if len(got) != len(rows) {
		t.Fatalf("README has %d decision rows, the code has %d", len(got), len(rows))
	}
	for n, s := range rows {
		want := got[n]
		if d := Decide(s, honour).String(); d != want {
			t.Errorf("row %d: Decide = %s, README says %s", n, d, want)
		}
		forwarded := Decide(s, honour).String() == "forwarded"
		if forwarded != (reaches[n] != "nothing") {
			t.Errorf("row %d: README says %q reaches Google", n, reaches[n])
		}
	}
}
