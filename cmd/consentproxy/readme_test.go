package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEConfigReference: every flag is in the README's configuration
// table with its real default, and the table names no flag that does not
// exist, so the reference cannot drift from the code.
func TestREADMEConfigReference(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // flag → default column
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `--") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`-")
		rows[name] = strings.TrimSpace(cells[2])
	}
	known := map[string]bool{}
	for _, f := range flagSpecs {
		known[f.name] = true
		def, ok := rows[f.name]
		if !ok {
			t.Errorf("README lacks --%s", f.name)
			continue
		}
		if f.def != "" && !strings.Contains(def, "`"+f.def+"`") {
			t.Errorf("README gives --%s the default %q, the code %q", f.name, def, f.def)
		}
	}
	for name := range rows {
		if !known[name] {
			t.Errorf("README documents --%s, which is no flag", name)
		}
	}
}
