package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// testRetention writes four consecutive months and drops before a cut-off
// inside the third: the two months entirely before it go, the month that
// straddles it and the newest stay whole.
func testRetention(t *testing.T, s consentproxy.Store) {
	now := time.Now().UTC()
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	months := []time.Time{cur.AddDate(0, -3, 0), cur.AddDate(0, -2, 0), cur.AddDate(0, -1, 0), cur}
	var b consentproxy.Batch
	b.Instance, b.Version = "ret", 1
	for _, tb := range []consentproxy.Table{consentproxy.TableTotals, consentproxy.TableOutcomes} {
		tr := consentproxy.TableRows{Table: tb}
		for i, m := range months {
			for _, h := range []time.Time{m, m.AddDate(0, 1, 0).Add(-time.Hour)} { // first and last hour
				tr.Rows = append(tr.Rows, consentproxy.Row{Site: "G-RET", Hour: h, Dims: dimsFor(tb, 0),
					Metrics: consentproxy.Metrics{Hits: int64(i + 1)}})
			}
		}
		b.Tables = append(b.Tables, tr)
	}
	write(t, s, b)
	perMonth := func(table string) consentproxy.Result {
		return query(t, s, "SELECT toYYYYMM(hour) AS month, count(), sum(hits) FROM "+table+" FINAL WHERE site = ? GROUP BY month ORDER BY month", "G-RET")
	}
	line := func(i int) string { return fmt.Sprintf("%s\t2\t%d", months[i].Format("200601"), 2*(i+1)) }
	wantRows(t, "before retention", perMonth("totals"), line(0), line(1), line(2), line(3))

	cut := months[2].Add(15 * 24 * time.Hour)
	if err := s.DropBefore(ctx(t), cut); err != nil {
		t.Fatalf("DropBefore(%v): %v", cut, err)
	}
	for _, table := range []string{"totals", "outcomes"} {
		wantRows(t, table+" after DropBefore(mid-month)", perMonth(table), line(2), line(3))
	}
	if err := s.DropBefore(ctx(t), cut); err != nil {
		t.Fatalf("DropBefore again: %v", err)
	}
	// A cut-off exactly at a month's end drops that month.
	if err := s.DropBefore(ctx(t), months[3]); err != nil {
		t.Fatalf("DropBefore(%v): %v", months[3], err)
	}
	wantRows(t, "after DropBefore(month start)", perMonth("totals"), line(3))
	// Writing after a drop works (the partition comes back).
	write(t, s, consentproxy.Batch{Instance: "ret", Version: 2, Tables: []consentproxy.TableRows{{Table: consentproxy.TableTotals,
		Rows: []consentproxy.Row{{Site: "G-RET", Hour: months[1], Metrics: consentproxy.Metrics{Hits: 9}}}}}})
	wantRows(t, "write into a dropped month", query(t, s, "SELECT sum(hits) FROM totals FINAL WHERE site = ? AND hour = ?", "G-RET", months[1]), "9")
}

// testBadInput: malformed batches and queries are errors, never panics, and
// a rejected batch writes nothing.
func testBadInput(t *testing.T, s consentproxy.Store) {
	h0 := baseHour()
	ok := consentproxy.Row{Site: "G-BAD", Hour: h0, Dims: []string{"/"}, Metrics: consentproxy.Metrics{Hits: 1}}
	bad := map[string]consentproxy.Batch{
		"no instance": {Version: 1, Tables: []consentproxy.TableRows{{Table: consentproxy.TablePages, Rows: []consentproxy.Row{ok}}}},
		"unknown table": {Instance: "i", Version: 1, Tables: []consentproxy.TableRows{{Table: consentproxy.Table{Name: "users"},
			Rows: []consentproxy.Row{ok}}}},
		"too few dims": {Instance: "i", Version: 1, Tables: []consentproxy.TableRows{{Table: consentproxy.TableSources,
			Rows: []consentproxy.Row{ok}}}},
		"hour not on the hour": {Instance: "i", Version: 1, Tables: []consentproxy.TableRows{{Table: consentproxy.TablePages,
			Rows: []consentproxy.Row{ok, {Site: "G-BAD", Hour: h0.Add(time.Minute), Dims: []string{"/"}}}}}},
		"visitors in outcomes": {Instance: "i", Version: 1, Tables: []consentproxy.TableRows{{Table: consentproxy.TableOutcomes,
			Rows: []consentproxy.Row{{Site: "G-BAD", Hour: h0, Dims: []string{"bot"}, Visitors: []uint64{1}}}}}},
		"hour before 1970": {Instance: "i", Version: 1, Tables: []consentproxy.TableRows{{Table: consentproxy.TableTotals,
			Rows: []consentproxy.Row{{Site: "G-BAD", Hour: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)}}}}},
	}
	for name, b := range bad {
		if err := s.Write(ctx(t), b); err == nil {
			t.Errorf("Write(%s) succeeded, want an error", name)
		}
	}
	wantRows(t, "nothing written by rejected batches", query(t, s, "SELECT count() FROM pages WHERE site = ?", "G-BAD"), "0")
	for _, q := range []string{"SELEC 1", "SELECT ? , ?", "SELECT * FROM no_such_table", ""} {
		if _, err := s.Query(ctx(t), q, "one"); err == nil {
			t.Errorf("Query(%q, one arg) succeeded, want an error", q)
		}
	}
	if _, err := s.Query(ctx(t), "SELECT ?", struct{}{}); err == nil {
		t.Errorf("Query with an unsupported arg type succeeded, want an error")
	}
	if err := s.Write(ctx(t), consentproxy.Batch{Instance: "i", Version: 1}); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}

// testConcurrent: several writers (one instance each) on one store.
func testConcurrent(t *testing.T, s consentproxy.Store) {
	const writers, flushes = 4, 5
	h0 := baseHour()
	var wg sync.WaitGroup
	errs := make(chan error, writers*flushes)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for f := 1; f <= flushes; f++ {
				// Cumulative: flush f reports f hits so far.
				b := consentproxy.Batch{Instance: fmt.Sprintf("w%d", w), Version: uint64(f), Tables: []consentproxy.TableRows{
					{Table: consentproxy.TableTotals, Rows: []consentproxy.Row{{Site: "G-CONC", Hour: h0, Metrics: consentproxy.Metrics{Hits: int64(f)}}}},
				}}
				if err := s.Write(ctx(t), b); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Write: %v", err)
	}
	wantRows(t, "concurrent totals", query(t, s, "SELECT sum(hits), count() FROM totals FINAL WHERE site = ?", "G-CONC"),
		fmt.Sprintf("%d\t%d", writers*flushes, writers))
}
