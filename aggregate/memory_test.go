//go:build !race

package aggregate

import (
	"runtime"
	"testing"
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
