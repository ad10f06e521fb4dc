package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// testRollups: the daily and monthly rollups of every table answer exactly
// what the hourly tables answer (sums and merged visitor estimates), across
// a month boundary and two instances; StaleDays finds what is not rolled up
// yet, a late write makes its day stale again, and retention drops rollups
// with the hours they came from.
func testRollups(t *testing.T, s consentproxy.Store) {
	ru, ok := s.(consentproxy.Rollups)
	if !ok {
		t.Fatalf("%T does not implement consentproxy.Rollups", s)
	}
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC) // M
	d1, d2, d3 := month.AddDate(0, 0, -1), month, month.AddDate(0, 0, 1) // last day of M-1, first two of M
	hours := []time.Time{d1.Add(22 * time.Hour), d1.Add(23 * time.Hour), d2, d2.Add(10 * time.Hour)}
	batch := func(inst string, version uint64, seed int64, hs []time.Time) consentproxy.Batch {
		b := consentproxy.Batch{Instance: inst, Version: version}
		for _, tb := range consentproxy.Tables() {
			tr := consentproxy.TableRows{Table: tb}
			for i, h := range hs {
				for k := 0; k < 2; k++ {
					tr.Rows = append(tr.Rows, consentproxy.Row{Site: "G-ROLL", Hour: h, Dims: dimsFor(tb, k),
						Metrics: metricsFor(seed + int64(i*2+k)), Visitors: visitorsFor(tb, int(seed)+i*3+k, 5)})
				}
			}
			b.Tables = append(b.Tables, tr)
		}
		return b
	}
	write(t, s, batch("a", 1, 1, hours))
	write(t, s, batch("b", 1, 50, hours[1:]))

	stale := func(what string, want ...time.Time) {
		t.Helper()
		got, err := ru.StaleDays(ctx(t), d1.AddDate(0, 0, -3), d3.AddDate(0, 0, 3))
		if err != nil {
			t.Fatalf("StaleDays: %v", err)
		}
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("%s: StaleDays = %v, want %v", what, got, want)
		}
	}
	stale("nothing rolled up", d1, d2)
	if err := ru.Rollup(ctx(t), d1, d3, 1); err != nil {
		t.Fatalf("Rollup: %v", err)
	}
	stale("all rolled up")
	same := func(what string) {
		t.Helper()
		for _, tb := range consentproxy.Tables() {
			// Per key and UTC day from the hourly table: sums, and visitors
			// as a merge of the day's states (days are disjoint: the salt
			// is daily); then per day or month.
			keys := keyList(tb)
			day := "SELECT " + keys + ", toDate(hour) AS d"
			var sums, rolled []string
			for i, c := range consentproxy.MetricColumns {
				day += fmt.Sprintf(", sum(%s) AS x%d", c.Name, i)
				sums = append(sums, fmt.Sprintf("sum(x%d)", i))
				rolled = append(rolled, "sum("+c.Name+")")
			}
			if tb.Visitors {
				day += ", uniqArrayMerge(visitors) AS xv"
				sums = append(sums, "sum(xv)")
				rolled = append(rolled, "sum(visitors)")
			}
			day += " FROM " + tb.Name + " FINAL WHERE site = ? GROUP BY " + keys + ", d"
			for grain, period := range map[string]string{"daily": "d", "monthly": "toStartOfMonth(d)"} {
				hourly := query(t, s, "SELECT "+keys+", "+period+" AS p, "+strings.Join(sums, ", ")+" FROM ("+day+") GROUP BY "+keys+", p ORDER BY "+keys+", p", "G-ROLL")
				got := query(t, s, "SELECT "+keys+", start, "+strings.Join(rolled, ", ")+" FROM "+tb.Name+"_"+grain+" FINAL WHERE site = ? GROUP BY "+keys+", start ORDER BY "+keys+", start", "G-ROLL")
				if len(hourly.Rows) == 0 {
					t.Fatalf("%s: %s has no rows", what, tb.Name)
				}
				wantRows(t, what+": "+tb.Name+"_"+grain+" vs hourly", got, rows(hourly)...)
			}
		}
	}
	same("after Rollup")

	// A late, cumulative write to d1 makes d1 (and only d1) stale; rolling
	// it up again, under a newer version, brings day and month back in line.
	write(t, s, batch("a", 2, 2, hours[:1]))
	stale("after a late write", d1)
	if err := ru.Rollup(ctx(t), d1, d2, 2); err != nil {
		t.Fatalf("Rollup(d1): %v", err)
	}
	stale("rolled up again")
	same("after the second Rollup")
	// Rolling up again changes nothing.
	if err := ru.Rollup(ctx(t), d1, d3, 3); err != nil {
		t.Fatalf("Rollup again: %v", err)
	}
	same("after a repeated Rollup")

	if err := ru.Rollup(ctx(t), d1.Add(time.Hour), d3, 4); err == nil {
		t.Errorf("Rollup from a time that is not a UTC midnight: no error")
	}
	if err := ru.Rollup(ctx(t), d2, d2, 4); err == nil {
		t.Errorf("Rollup of an empty range: no error")
	}

	// Retention drops the rollups of a month with its hours.
	if err := s.DropBefore(ctx(t), month); err != nil {
		t.Fatalf("DropBefore: %v", err)
	}
	for _, tbl := range []string{"pages_daily", "pages_monthly", "totals_daily", "outcomes_monthly"} {
		wantRows(t, tbl+" after DropBefore(M)", query(t, s, "SELECT toString(min(start)) FROM "+tbl+" FINAL WHERE site = ?", "G-ROLL"), d2.Format("2006-01-02"))
	}
}

// keyList is the site and dimension columns of a table, for SELECT and
// GROUP BY.
func keyList(tb consentproxy.Table) string {
	out := "site"
	for _, d := range tb.Dims {
		out += ", " + d
	}
	return out
}
