package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/clickhouse"
)

// timedPageviews is p.send with each answer's latency.
func timedPageviews(t testing.TB, p *pageviews, n int, gap time.Duration) []time.Duration {
	t.Helper()
	out := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		p.send(t, 1, 0)
		out = append(out, time.Since(start))
		time.Sleep(gap)
	}
	return out
}

// TestStoreHangs: the ClickHouse server accepts connections but never
// answers (a stalled relay in front of the real server). Collect keeps
// answering 204 as fast as before, writes time out and are retried,
// /readyz names the store within its own deadline, and once the server
// answers again every total is exact.
func TestStoreHangs(t *testing.T) {
	d := freshDB(t, engineClickHouse)
	var rl *relay
	d.DSN, rl = viaRelay(t, d.DSN)
	m := mustRunMainOn(t, d, nil)
	r := rigOf(t, m)
	avoidMidnight(t, time.Minute)
	p := &pageviews{c: r.client, cookie: r.consent(true, false, siteA), perPath: map[string]int{}, perIP: map[string]int{}}

	timedPageviews(t, p, 10, 0)
	eventually(t, 10*time.Second, "a first batch to be written", func() bool { return m.Flusher.Stats().RowsWritten > 0 })
	before := p99(timedPageviews(t, p, 100, 0))

	rl.hang()
	// A write waits for its timeout (10s) before it counts as failed;
	// hits keep coming meanwhile, with the flusher stuck in that write.
	var during []time.Duration
	deadline := time.Now().Add(30 * time.Second)
	for m.Flusher.Stats().WriteFailures == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no write failed after 30s of a hanging server: %+v", m.Flusher.Stats())
		}
		during = append(during, timedPageviews(t, p, 10, 20*time.Millisecond)...)
	}
	notSlower(t, "while ClickHouse hangs", before, func() []time.Duration {
		if b := during; b != nil { // the hits sent while the write hung come first
			during = nil
			return b
		}
		return timedPageviews(t, p, 100, 0)
	})
	start := time.Now()
	status, checks := probe(t, r.client, "/readyz")
	took := time.Since(start)
	t.Logf("/readyz with ClickHouse hanging: %d %v in %v; flusher %+v", status, checks, took, m.Flusher.Stats())
	if status != http.StatusServiceUnavailable || checks["store"] != "failing" {
		t.Errorf("/readyz with the server hanging: %d %v, want 503 naming the store", status, checks)
	}
	if took > 3*time.Second {
		t.Errorf("/readyz took %v with the server hanging; its checks have 2s", took)
	}

	rl.unhang()
	eventually(t, 30*time.Second, "/readyz after the server answers again", func() bool {
		s, _ := probe(t, r.client, "/readyz")
		return s == http.StatusOK
	})
	timedPageviews(t, p, 10, 0)
	if err := r.close(t); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st := m.Flusher.Stats()
	t.Logf("flusher: %d batches written, %d failed writes, %d batches spooled", st.BatchesWritten, st.WriteFailures, st.BatchesSpooled)
	if st.Pending != 0 || st.Spooled != 0 || st.BatchesDropped != 0 {
		t.Errorf("after Close: %+v; want nothing pending, spooled or dropped", st)
	}
	s := d.open(t)
	defer s.Close()
	checkSome(t, storeQuerier(s), p.want())
}

// TestStoreErrors: the server answers, but refuses some batches with a real
// error: one of the aggregate tables is renamed away for a while, so every
// batch fails midway, after the tables written before it were accepted.
// Collect keeps answering as fast as before, and once the table is back
// every total is exact: the retried batches count nothing twice.
func TestStoreErrors(t *testing.T) {
	d := freshDB(t, engineClickHouse)
	m := mustRunMainOn(t, d, nil)
	r := rigOf(t, m)
	avoidMidnight(t, time.Minute)
	p := &pageviews{c: r.client, cookie: r.consent(true, false, siteA), perPath: map[string]int{}, perIP: map[string]int{}}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := clickhouse.Open(ctx, d.DSN, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	exec := func(sql string) {
		t.Helper()
		if err := admin.Engine().Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}

	timedPageviews(t, p, 10, 0)
	eventually(t, 10*time.Second, "a first batch to be written", func() bool { return m.Flusher.Stats().RowsWritten > 0 })
	before := p99(timedPageviews(t, p, 100, 0))

	// Not the first table a batch writes, so the failures come midway.
	const away = "pages"
	exec("RENAME TABLE " + d.Database + "." + away + " TO " + d.Database + "." + away + "_away")
	failed := m.Flusher.Stats().WriteFailures
	notSlower(t, "while ClickHouse refuses batches", before, func() []time.Duration {
		return timedPageviews(t, p, 50, 20*time.Millisecond)
	})
	eventually(t, 10*time.Second, "writes to fail", func() bool { return m.Flusher.Stats().WriteFailures > failed+1 })
	logs := r.logs.String()
	if !strings.Contains(logs, "aggregate flush failed") || !strings.Contains(logs, away) {
		t.Errorf("no flush failure naming the table logged:\n%s", logs)
	}
	exec("RENAME TABLE " + d.Database + "." + away + "_away TO " + d.Database + "." + away)

	timedPageviews(t, p, 10, 0)
	if err := r.close(t); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st := m.Flusher.Stats()
	t.Logf("flusher: %d batches written, %d failed writes, %d batches spooled", st.BatchesWritten, st.WriteFailures, st.BatchesSpooled)
	if st.Pending != 0 || st.Spooled != 0 || st.BatchesDropped != 0 {
		t.Errorf("after Close: %+v; want nothing pending, spooled or dropped", st)
	}
	assertNoSecrets(t, "logs", r.logs.String(), "203.0.113.10", uaChromeWin)
	s := d.open(t)
	defer s.Close()
	checkSome(t, storeQuerier(s), p.want())
}
