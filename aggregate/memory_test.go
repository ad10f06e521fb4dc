//go:build !race

package aggregate

import (
	"runtime"
	"testing"
	"time"
)

// This file is left out of -race builds, where heap sizes mean nothing;
// scripts/test.sh runs it in a second pass without the race detector.

// TestMemoryBounded: the heap grows with distinct visitors and keys, not with
// hits: doubling the hits of the same 100k visitors adds (almost) nothing.
func TestMemoryBounded(t *testing.T) {
	base := liveHeap()
	h1, a1 := heapAfter(t, 100_000, 1_000_000)
	s1 := a1.Stats()
	runtime.KeepAlive(a1)
	a1 = nil
	h2, a2 := heapAfter(t, 100_000, 2_000_000)
	s2 := a2.Stats()
	runtime.KeepAlive(a2)
	t.Logf("heap: 1M hits/100k visitors %.1f MiB, 2M hits %.1f MiB (baseline %.1f MiB); rows %d, sessions %d",
		mib(h1-base), mib(h2-base), mib(base), s1.Rows, s1.Sessions)
	if s1.Rows != s2.Rows || s1.Sessions != s2.Sessions || s1.Sessions != 100_000 {
		t.Errorf("rows/sessions differ: %+v vs %+v", s1, s2)
	}
	if h2 > h1+h1/10 {
		t.Errorf("heap grew with hits: %d → %d bytes", h1, h2)
	}
}

// TestMemoryFlatInVisitors: the heap does not grow with distinct visitors
// once the visitor-hash budget and the session table are full: 4× the
// visitors (each seen once, flushed as the proxy would) costs (almost)
// nothing more. Unbounded, every row's set grew with them.
func TestMemoryFlatInVisitors(t *testing.T) {
	base := liveHeap()
	run := func(visitors, budget int) (uint64, Stats) {
		a, c := newTestAgg(t, Config{MaxVisitorHashes: budget})
		obs := benchObs(visitors)
		for i := range obs {
			o := &obs[i]
			o.Time = t0.Add(time.Duration(i) * 50 * time.Minute / time.Duration(visitors))
			c.Set(o.Time)
			a.Record(o)
			if i%50_000 == 49_999 {
				a.Collect()
			}
		}
		a.Collect()
		obs = nil
		h := liveHeap()
		st := a.Stats()
		runtime.KeepAlive(a)
		return h, st
	}
	h1, s1 := run(400_000, 0)
	h2, s2 := run(1_600_000, 0)
	hu, _ := run(1_600_000, 1<<40)
	t.Logf("heap over a %.1f MiB baseline: 400k visitors %.1f MiB (%d hashes held, %d epochs), 1.6M visitors %.1f MiB (%d hashes, %d epochs); "+
		"1.6M visitors without the bound %.1f MiB",
		mib(base), mib(h1-base), s1.VisitorHashes, s1.Epochs, mib(h2-base), s2.VisitorHashes, s2.Epochs, mib(hu-base))
	if s2.Epochs == 0 {
		t.Fatalf("1.6M visitors ended no epoch; the budget was never reached")
	}
	// Where in an epoch a run stops moves the heap by up to one budget's
	// worth; without the bound it grows with the visitors.
	if h2 > 2*h1 || h2 > hu/2 {
		t.Errorf("heap grew with visitors: %.1f MiB at 400k, %.1f MiB at 1.6M (%.1f MiB unbounded)", mib(h1), mib(h2), mib(hu))
	}
}
