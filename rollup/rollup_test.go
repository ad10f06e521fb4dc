package rollup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/clickhouse"
)

// openServer opens a fresh database on the real ClickHouse server of the
// test run (scripts/test.sh starts one).
func openServer(t *testing.T) *clickhouse.Store {
	t.Helper()
	dsn := os.Getenv("CONSENTPROXY_TEST_CLICKHOUSE")
	if dsn == "" {
		msg := "CONSENTPROXY_TEST_CLICKHOUSE is unset; run scripts/clickhouse-server.sh start .cache/ch && export CONSENTPROXY_TEST_CLICKHOUSE=$(cat .cache/ch/dsn)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	db := "rolluptest_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := clickhouse.Open(ctx, dsn, store.Options{Database: db})
	if err != nil {
		t.Fatalf("open clickhouse: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Engine().Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Errorf("drop %s: %v", db, err)
		}
		s.Close()
	})
	return s
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time        { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)       { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func day0(d int) time.Time             { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
func at(d, h int) time.Time            { return day0(d).Add(time.Duration(h) * time.Hour) }
func ctx(t *testing.T) context.Context { return t.Context() }

func totals(inst string, version uint64, pageviews int64, hours ...time.Time) consentproxy.Batch {
	tr := consentproxy.TableRows{Table: consentproxy.TableTotals}
	for i, h := range hours {
		tr.Rows = append(tr.Rows, consentproxy.Row{Site: "G-R", Hour: h, Metrics: consentproxy.Metrics{Pageviews: pageviews},
			Visitors: []uint64{uint64(i+1) * 0x9E3779B97F4A7C15}})
	}
	return consentproxy.Batch{Instance: inst, Version: version, Tables: []consentproxy.TableRows{tr}}
}

// daily renders totals_daily as "day=pageviews" in day order.
func daily(t *testing.T, s consentproxy.Store) string {
	t.Helper()
	res, err := s.Query(ctx(t), "SELECT start, sum(pageviews) FROM totals_daily FINAL WHERE site = 'G-R' GROUP BY start ORDER BY start")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, r[0]+"="+r[1])
	}
	return strings.Join(out, " ")
}

func TestTracker(t *testing.T) {
	s := openServer(t)
	clk := &clock{t: at(12, 0).Add(10 * time.Minute)} // 5 minutes past the grace after midnight
	tr, err := New(s, Config{Now: clk.Now, Retention: 60 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	frontier := func(what string, want time.Time) {
		t.Helper()
		if got := tr.Frontier(); !got.Equal(want) {
			t.Errorf("%s: Frontier = %v, want %v", what, got, want)
		}
	}
	if err := tr.Write(ctx(t), totals("a", 1, 10, at(10, 10), at(11, 23), at(12, 0))); err != nil {
		t.Fatal(err)
	}
	if err := tr.Derive(ctx(t)); err != nil {
		t.Fatal(err)
	}
	frontier("derived, but never checked", time.Time{})
	if got := daily(t, s); got != "2026-03-10=10 2026-03-11=10" {
		t.Errorf("closed days derived, today not: %q", got)
	}

	if err := tr.Check(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := tr.Derive(ctx(t)); err != nil {
		t.Fatal(err)
	}
	frontier("checked and derived", day0(12))

	// A late write to a derived day pulls the frontier back at once.
	if err := tr.Write(ctx(t), totals("a", 2, 30, at(10, 10))); err != nil {
		t.Fatal(err)
	}
	frontier("after a late write", day0(10))
	if err := tr.Derive(ctx(t)); err != nil {
		t.Fatal(err)
	}
	frontier("derived again", day0(12))
	if got := daily(t, s); got != "2026-03-10=30 2026-03-11=10" {
		t.Errorf("after the late write: %q", got)
	}

	// Another instance writes straight to the store: only a check finds it.
	if err := s.Write(ctx(t), totals("b", 1, 5, at(11, 3))); err != nil {
		t.Fatal(err)
	}
	if err := tr.Derive(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := daily(t, s); got != "2026-03-10=30 2026-03-11=10" {
		t.Errorf("another instance's write is not known before a check: %q", got)
	}
	if err := tr.Check(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := tr.Derive(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := daily(t, s); got != "2026-03-10=30 2026-03-11=15" {
		t.Errorf("after a check: %q", got)
	}

	// The next day closes only after the grace period.
	clk.Set(at(13, 0).Add(2 * time.Minute))
	if err := tr.Derive(ctx(t)); err != nil {
		t.Fatal(err)
	}
	frontier("inside the grace period", day0(12))
	clk.Set(at(13, 0).Add(6 * time.Minute))
	if err := tr.Derive(ctx(t)); err != nil {
		t.Fatal(err)
	}
	frontier("after the grace period", day0(13))
	if got := daily(t, s); got != "2026-03-10=30 2026-03-11=15 2026-03-12=10" {
		t.Errorf("after the day closed: %q", got)
	}
	res, err := s.Query(ctx(t), "SELECT start, sum(pageviews), sum(visitors) FROM totals_monthly FINAL WHERE site = 'G-R' GROUP BY start")
	if err != nil || len(res.Rows) != 1 || strings.Join(res.Rows[0], " ") != "2026-03-01 55 4" {
		t.Errorf("monthly rollup: %v %v; want 2026-03-01 55 4", res.Rows, err)
	}
}

// TestRunCountsFailures: a store that fails keeps the frontier at zero
// (queries read hourly rows) and counts the failures; Run ends with ctx.
func TestRunCountsFailures(t *testing.T) {
	s := openServer(t)
	if err := s.Engine().Exec(ctx(t), "DROP TABLE "+s.Options().Database+".totals_daily"); err != nil {
		t.Fatal(err)
	}
	tr, err := New(s, Config{Interval: 5 * time.Millisecond, CheckEvery: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithCancel(ctx(t))
	done := make(chan struct{})
	go func() { tr.Run(c); close(done) }()
	deadline := time.Now().Add(20 * time.Second)
	for tr.Failures() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if tr.Failures() < 2 {
		t.Errorf("Failures = %d after a broken store; want ≥ 2", tr.Failures())
	}
	if !tr.Frontier().IsZero() {
		t.Errorf("Frontier = %v with every check failing; want zero", tr.Frontier())
	}
}

func TestNewNeedsRollups(t *testing.T) {
	type plain struct{ consentproxy.Store }
	if _, err := New(plain{}, Config{}); err == nil {
		t.Error("New accepted a store without rollups")
	}
}
