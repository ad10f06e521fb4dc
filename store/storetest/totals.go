package storetest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// testRoundTrip writes rows for every table, two sites, three hours and three
// dim values, then checks totals, per-dims and per-hour breakdowns.
func testRoundTrip(t *testing.T, s consentproxy.Store) {
	h0 := baseHour()
	b := consentproxy.Batch{Instance: "inst-a", Version: 1}
	type agg struct {
		m    consentproxy.Metrics
		vis  [][]uint64
		dims map[string]int64 // dims joined by tab → pageviews
		hour map[string]int64 // rendered hour → hits
	}
	want := map[string]map[string]*agg{} // table → site → agg
	seed := int64(0)
	for _, tb := range consentproxy.Tables() {
		tr := consentproxy.TableRows{Table: tb}
		want[tb.Name] = map[string]*agg{}
		for _, site := range []string{"G-SITE1", "G-SITE2"} {
			a := &agg{dims: map[string]int64{}, hour: map[string]int64{}}
			want[tb.Name][site] = a
			for h := 0; h < 3; h++ {
				for k := 0; k < 3 && (k == 0 || len(tb.Dims) > 0); k++ {
					seed++
					r := consentproxy.Row{Site: site, Hour: h0.Add(time.Duration(h) * time.Hour),
						Dims: dimsFor(tb, k), Metrics: metricsFor(seed), Visitors: visitorsFor(tb, int(seed), 5)}
					tr.Rows = append(tr.Rows, r)
					a.m.Add(r.Metrics)
					a.vis = append(a.vis, r.Visitors)
					a.dims[strings.Join(r.Dims, "\t")] += r.Metrics.Pageviews
					a.hour[r.Hour.Format("2006-01-02 15:04:05")] += r.Metrics.Hits
				}
			}
		}
		b.Tables = append(b.Tables, tr)
	}
	write(t, s, b)

	for _, tb := range consentproxy.Tables() {
		for _, site := range []string{"G-SITE1", "G-SITE2"} {
			a := want[tb.Name][site]
			wantRows(t, tb.Name+" totals of "+site, query(t, s, totalsQuery(tb), site),
				totalsLine(tb, a.m, distinct(a.vis...)))
		}
		a := want[tb.Name]["G-SITE1"]
		if len(tb.Dims) > 0 {
			cols := strings.Join(tb.Dims, ", ")
			q := fmt.Sprintf("SELECT %s, sum(pageviews) FROM %s FINAL WHERE site = ? GROUP BY %s ORDER BY %s", cols, tb.Name, cols, cols)
			wantRows(t, tb.Name+" by dims", query(t, s, q, "G-SITE1"), sortedLines(a.dims)...)
		}
		q := fmt.Sprintf("SELECT hour, sum(hits) FROM %s FINAL WHERE site = ? AND hour >= ? AND hour < ? GROUP BY hour ORDER BY hour", tb.Name)
		wantRows(t, tb.Name+" by hour", query(t, s, q, "G-SITE1", h0, h0.Add(3*time.Hour)), sortedLines(a.hour)...)
	}
}

func sortedLines(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s\t%d", k, v))
	}
	sort.Strings(out)
	return out
}

// testIdempotency replays batches the way a crashing, retrying aggregator
// would: the same batch twice, an older version after a newer one, and a
// partial replay. Only the newest cumulative row per key may count.
func testIdempotency(t *testing.T, s consentproxy.Store) {
	h0 := baseHour()
	tb := consentproxy.TablePages
	mk := func(version uint64, scale int64, paths ...string) consentproxy.Batch {
		var rows []consentproxy.Row
		for i, p := range paths {
			rows = append(rows, consentproxy.Row{Site: "G-IDEM", Hour: h0, Dims: []string{p},
				Metrics: metricsFor(scale * int64(i+1)), Visitors: visitorsFor(tb, i*10, int(scale))})
		}
		tot := consentproxy.TableRows{Table: consentproxy.TableTotals, Rows: []consentproxy.Row{{
			Site: "G-IDEM", Hour: h0, Metrics: metricsFor(scale), Visitors: visitorsFor(tb, 0, int(scale))}}}
		return consentproxy.Batch{Instance: "inst-idem", Version: version,
			Tables: []consentproxy.TableRows{{Table: tb, Rows: rows}, tot}}
	}
	v1 := mk(1, 1, "/a", "/b")
	v2 := mk(2, 3, "/a", "/b", "/c") // cumulative: /a and /b grew, /c is new
	check := func(step string) {
		t.Helper()
		var m consentproxy.Metrics
		var vis [][]uint64
		for _, r := range v2.Tables[0].Rows {
			m.Add(r.Metrics)
			vis = append(vis, r.Visitors)
		}
		wantRows(t, step+": pages", query(t, s, totalsQuery(tb), "G-IDEM"), totalsLine(tb, m, distinct(vis...)))
		tr := v2.Tables[1].Rows[0]
		wantRows(t, step+": totals", query(t, s, totalsQuery(consentproxy.TableTotals), "G-IDEM"),
			totalsLine(consentproxy.TableTotals, tr.Metrics, distinct(tr.Visitors)))
	}
	write(t, s, v1)
	write(t, s, v2)
	check("v1 then v2")
	write(t, s, v2)
	check("v2 replayed")
	write(t, s, v1)
	check("older v1 after v2")
	partial := v2
	partial.Tables = []consentproxy.TableRows{{Table: tb, Rows: v2.Tables[0].Rows[1:2]}}
	write(t, s, partial)
	check("partial replay of v2")
}

// testInstances: rows of two instances for the same key add up.
func testInstances(t *testing.T, s consentproxy.Store) {
	h0 := baseHour()
	var want consentproxy.Metrics
	var vis [][]uint64
	for i, inst := range []string{"inst-1", "inst-2", "inst-3"} {
		r := consentproxy.Row{Site: "G-INST", Hour: h0, Dims: []string{"/same"}, Metrics: metricsFor(int64(i + 5)),
			Visitors: visitorsFor(consentproxy.TablePages, i*100, 4)}
		want.Add(r.Metrics)
		vis = append(vis, r.Visitors)
		write(t, s, consentproxy.Batch{Instance: inst, Version: 7,
			Tables: []consentproxy.TableRows{{Table: consentproxy.TablePages, Rows: []consentproxy.Row{r}}}})
	}
	wantRows(t, "three instances", query(t, s, totalsQuery(consentproxy.TablePages), "G-INST"),
		totalsLine(consentproxy.TablePages, want, distinct(vis...)))
	wantRows(t, "rows kept per instance", query(t, s, "SELECT count() FROM pages FINAL WHERE site = ?", "G-INST"), "3")
}

// testUniq: the same visitor hash seen by two instances and in two hours is
// one visitor over the day, while per-hour counts keep it in each hour.
func testUniq(t *testing.T, s consentproxy.Store) {
	h0 := baseHour()
	shared := []uint64{0xDEADBEEF, 0xFEEDFACE, 1<<64 - 1}
	onlyA := []uint64{11, 12}
	onlyB := []uint64{21}
	row := func(h time.Time, v []uint64) consentproxy.Row {
		return consentproxy.Row{Site: "G-UNIQ", Hour: h, Metrics: metricsFor(1), Visitors: v}
	}
	tb := consentproxy.TableTotals
	write(t, s, consentproxy.Batch{Instance: "a", Version: 1, Tables: []consentproxy.TableRows{{Table: tb,
		Rows: []consentproxy.Row{row(h0, append(append([]uint64{}, shared...), onlyA...))}}}})
	write(t, s, consentproxy.Batch{Instance: "b", Version: 1, Tables: []consentproxy.TableRows{{Table: tb,
		Rows: []consentproxy.Row{row(h0.Add(time.Hour), append(append([]uint64{}, shared...), onlyB...))}}}})
	day := distinct(shared, onlyA, onlyB)
	wantRows(t, "visitors over both hours", query(t, s, "SELECT uniqArrayMerge(visitors) FROM totals FINAL WHERE site = ?", "G-UNIQ"),
		fmt.Sprint(day))
	wantRows(t, "visitors per hour",
		query(t, s, "SELECT hour, uniqArrayMerge(visitors) FROM totals FINAL WHERE site = ? GROUP BY hour ORDER BY hour", "G-UNIQ"),
		fmt.Sprintf("%s\t%d", h0.Format("2006-01-02 15:04:05"), len(shared)+len(onlyA)),
		fmt.Sprintf("%s\t%d", h0.Add(time.Hour).Format("2006-01-02 15:04:05"), len(shared)+len(onlyB)))
	// A row without visitors contributes no visitor and no error.
	write(t, s, consentproxy.Batch{Instance: "c", Version: 1, Tables: []consentproxy.TableRows{{Table: tb,
		Rows: []consentproxy.Row{row(h0, nil)}}}})
	wantRows(t, "after an empty visitor list", query(t, s, "SELECT uniqArrayMerge(visitors) FROM totals FINAL WHERE site = ?", "G-UNIQ"),
		fmt.Sprint(day))
}
