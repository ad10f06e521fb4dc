package main

import (
	"os"
	"runtime"
	"testing"
)

func TestGoMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		budget, outside, want int64
	}{
		{128 * mib, 21 * mib, 99 * mib},   // store none: the binary's pages
		{512 * mib, 250 * mib, 230 * mib}, // chDB mapped and warmed
		{512 * mib, 0, 480 * mib},         // nothing outside: a sixteenth for the GC
		{128 * mib, 250 * mib, 32 * mib},  // chDB over the budget: the floor, a quarter
		{128 * mib, 88 * mib, 32 * mib},   // exactly at the floor
	} {
		if got := goMemoryLimit(c.budget, c.outside); got != c.want {
			t.Errorf("goMemoryLimit(%d MiB, %d MiB outside) = %d MiB, want %d MiB", c.budget/mib, c.outside/mib, got/mib, c.want/mib)
		}
	}
}

// TestResidentOutsideGo: on Linux the measure is there, and it is less than
// the whole resident set but more than nothing (the test binary's pages).
func TestResidentOutsideGo(t *testing.T) {
	n, ok := residentOutsideGo()
	if runtime.GOOS != "linux" {
		if ok {
			t.Fatalf("measured %d bytes without /proc", n)
		}
		return
	}
	if !ok {
		t.Fatal("no measure on Linux")
	}
	peak, now := procMemory(t, os.Getpid())
	t.Logf("outside the Go runtime %.1f MiB of %.1f MiB resident (peak %.1f)", float64(n)/(1<<20), float64(now)/(1<<20), float64(peak)/(1<<20))
	if n <= 0 || n >= now {
		t.Errorf("outside the runtime %d bytes of %d resident", n, now)
	}
}
