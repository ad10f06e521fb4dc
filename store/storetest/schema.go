package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
)

// testSchemaMatchesDomain: the migrated schema has exactly the columns the
// domain lists (consentproxy.Tables, MetricColumns), in every table of each
// family. A dimension or metric added to the code without a migration fails
// here, by name, rather than as a failed insert at run time.
func testSchemaMatchesDomain(t *testing.T, s consentproxy.Store) {
	cols := func(table string) []string {
		// In definition order: system.columns lists them so on every
		// engine (18.16 has no position column to sort by).
		return rows(query(t, s, "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ?", table))
	}
	for _, tb := range consentproxy.Tables() {
		want := store.InsertColumns(tb, 0)
		if got := cols(tb.Name + "_in"); !slices.Equal(got, want) {
			t.Errorf("%s_in has columns %v, the code inserts %v: write a new numbered migration (store/migrations) "+
				"that brings the schema to the code", tb.Name, got, want)
		}
		// The storage and rollup tables: every dim and metric, whatever
		// else they hold (instance, version, visitors; start for rollups).
		for _, table := range []string{tb.Name, tb.Name + "_daily", tb.Name + "_monthly"} {
			have := cols(table)
			var missing []string
			for _, c := range want {
				if c != "hour" && c != "instance" && c != "visitor_hashes" && !slices.Contains(have, c) {
					missing = append(missing, c)
				}
			}
			if len(missing) > 0 {
				t.Errorf("%s lacks %s: write a new numbered migration (store/migrations) that adds them", table, strings.Join(missing, ", "))
			}
		}
	}
}
