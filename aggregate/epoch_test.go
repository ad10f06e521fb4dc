package aggregate

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// epochRun records the same stream of hits into an aggregator with the
// given visitor-hash budget, collecting every 500 hits into a store with
// ReplacingMergeTree semantics per instance, and returns the store and the
// most visitor hashes held after any Collect.
func epochRun(t *testing.T, budget int) (*fakeStore, int64, *Aggregator) {
	t.Helper()
	a, c := newTestAgg(t, Config{MaxVisitorHashes: budget})
	s := newFakeStore(0)
	var peak int64
	collect := func() {
		if err := s.Write(t.Context(), a.Collect()); err != nil {
			t.Fatal(err)
		}
		peak = max(peak, a.held.Load())
	}
	paths := []string{"/", "/a", "/b", "/c"}
	for i := range 20_000 {
		v := i % 7_000 // 7,000 visitors, most of them come back
		at := t0.Add(time.Duration(i) * 90 * time.Minute / 20_000)
		c.Set(at)
		ip := netip.AddrFrom4([4]byte{203, 0, byte(v >> 8), byte(v)})
		ev := "page_view"
		if i%3 == 0 {
			ev = "scroll"
		}
		a.Record(&consentproxy.Observation{Time: at, Site: "G-EPOCH", Reason: consentproxy.ReasonForwarded, Event: ev,
			Location: "https://site.example" + paths[(i/7_000+v)%len(paths)], Language: "en", UserAgent: fmt.Sprintf("ua-%d", v%3),
			IP: ip, EngagementMS: int64(i % 900), Agent: consentproxy.Agent{Browser: "Firefox", OS: "Linux", Device: "desktop"}})
		if i%500 == 499 {
			collect()
		}
	}
	c.Set(t0.Add(3 * time.Hour))
	collect()
	collect()
	return s, peak, a
}

// TestEpochsKeepTotalsExact: with a visitor-hash budget far below what the
// hits need, the aggregator ends epochs (new instance ids), holds at most
// about the budget in memory, and the store sums to exactly what an
// unbounded aggregator writes: every metric, and every distinct visitor of
// every table.
func TestEpochsKeepTotalsExact(t *testing.T) {
	want, wantPeak, _ := epochRun(t, 1<<40)
	got, gotPeak, a := epochRun(t, 3_000)
	instances := map[string]bool{}
	for k := range got.rows {
		instances[k[:slices.Index([]byte(k), '|')]] = true
	}
	t.Logf("unbounded: %d hashes held at the peak; budget 3,000: %d, %d instances", wantPeak, gotPeak, len(instances))
	if len(instances) < 3 {
		t.Errorf("%d instances: the budget never ended an epoch", len(instances))
	}
	if a.Instance() == a.base || len(a.Instance()) <= len(a.base) {
		t.Errorf("instance %q after epochs, base %q", a.Instance(), a.base)
	}
	// A Collect may find up to one interval's growth (500 hits, nine
	// tables) on top of the budget before it ends the epoch.
	if gotPeak > 3_000+500*9 {
		t.Errorf("%d hashes held at the peak with a budget of 3,000", gotPeak)
	}
	for _, tb := range tables {
		wm, wv := want.sum(tb.Name)
		gm, gv := got.sum(tb.Name)
		if wm != gm || wv != gv {
			t.Errorf("%s: %+v and %d visitors with epochs, want %+v and %d", tb.Name, gm, gv, wm, wv)
		}
	}
	if m, v := want.sum("totals"); m.Pageviews == 0 || v != 7_000 {
		t.Fatalf("unbounded run: %+v, %d visitors; the test checks nothing", m, v)
	}
}

// TestEpochsThroughTheSpool: while the store is away, batches of several
// epochs go to the spool, one file per epoch (rows of different instances
// add up and must not be merged as one), and once the store is back the
// totals and visitors are exactly those of an aggregator that never ended
// an epoch.
func TestEpochsThroughTheSpool(t *testing.T) {
	run := func(budget int) (*fakeStore, int) {
		a, c := newTestAgg(t, Config{MaxVisitorHashes: budget})
		store := newFakeStore(1 << 30)
		dir := t.TempDir()
		log, _ := testLogger()
		f, err := NewFlusher(a, store, FlushConfig{SpoolDir: dir, MaxPendingBatches: 3, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 40 {
			c.Set(t0.Add(time.Duration(i) * time.Minute))
			for v := range 50 {
				a.Record(manyVisitor(i*37+v).pv(c.Now(), "G-S", fmt.Sprintf("https://x.example/%d", v%5)))
			}
			f.next = time.Time{}
			f.tick(t.Context())
		}
		files := len(spoolFiles(t, dir))
		store.setFail(0)
		if err := f.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		if left := spoolFiles(t, dir); len(left) != 0 {
			t.Fatalf("spool not emptied: %v", left)
		}
		return store, files
	}
	want, _ := run(1 << 40)
	got, files := run(400)
	t.Logf("%d spool files with a budget of 400 hashes", files)
	for _, tb := range tables {
		wm, wv := want.sum(tb.Name)
		gm, gv := got.sum(tb.Name)
		if wm != gm || wv != gv {
			t.Errorf("%s: %+v and %d visitors through the spool with epochs, want %+v and %d", tb.Name, gm, gv, wm, wv)
		}
	}
	if m, _ := want.sum("totals"); m.Pageviews != 40*50 {
		t.Fatalf("the unbounded run counted %d page views, want %d", m.Pageviews, 40*50)
	}
}

// TestSpoolFlatInOutageLength: while the store is away, the same visitors
// coming back again and again make every row dirty at every flush; the
// spool still holds each row once (one file per instance, merged and
// replaced), so its size does not grow with the outage's length, and once
// the store is back the totals are exact.
func TestSpoolFlatInOutageLength(t *testing.T) {
	a, c := newTestAgg(t, Config{})
	store := newFakeStore(1 << 30)
	dir := t.TempDir()
	log, _ := testLogger()
	f, err := NewFlusher(a, store, FlushConfig{SpoolDir: dir, MaxPendingBatches: 3, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		var n int64
		for _, name := range spoolFiles(t, dir) {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			n += fi.Size()
		}
		return n
	}
	var early int64
	const ticks, visitors = 120, 500
	for i := range ticks {
		c.Set(t0.Add(time.Duration(i) * 20 * time.Second)) // 40 minutes, one hour
		for v := range visitors {
			a.Record(manyVisitor(v).pv(c.Now(), "G-O", fmt.Sprintf("https://x.example/%d", v%5)))
		}
		f.next = time.Time{}
		f.tick(t.Context())
		if i == 11 {
			early = size()
		}
	}
	late, files := size(), len(spoolFiles(t, dir))
	t.Logf("spool after 12 flushes: %d bytes; after %d: %d bytes in %d file(s)", early, ticks, late, files)
	if early == 0 || late > early+early/10 {
		t.Errorf("the spool grew with the outage: %d bytes after 12 flushes, %d after %d", early, late, ticks)
	}
	store.setFail(0)
	if err := f.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if m, v := store.sum("totals"); m.Pageviews != ticks*visitors || v != visitors {
		t.Errorf("totals after the outage: %+v, %d visitors; want %d page views, %d visitors", m, v, ticks*visitors, visitors)
	}
}

// manyVisitor is visitor number n of up to 65,536.
func manyVisitor(n int) visitor {
	v := alice
	v.ip = netip.AddrFrom4([4]byte{198, 51, byte(n >> 8), byte(n)}).String()
	return v
}
