package main

import (
	"context"
	"testing"
	"time"
)

func testContext(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// avoidMidnight waits out the last seconds of a UTC day: the visitor salt
// changes at midnight, which would split the mix's visits in two.
func avoidMidnight(t testing.TB, margin time.Duration) {
	now := time.Now().UTC()
	next := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	if wait := next.Sub(now); wait < margin {
		t.Logf("waiting %v for the UTC day to change", wait)
		time.Sleep(wait + time.Second)
	}
}

// TestTotals sends a known mix through real HTTP into the real Main, closes
// it (the final flush), reopens the store directly and checks every table.
func TestTotals(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			d := freshDB(t, engine)
			m := mustRunMainOn(t, d, nil)
			r := rigOf(t, m)
			avoidMidnight(t, 30*time.Second)
			tm := sendMix(t, r.client)
			if err := r.close(t); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if st := m.Flusher.Stats(); st.WriteFailures != 0 || st.Spooled != 0 || st.BatchesWritten == 0 {
				t.Errorf("flusher stats %+v: want batches written, no failures, nothing spooled\nlogs:\n%s", st, r.logs.String())
			}
			mixUpstream(t, r.up.requests())
			s := d.open(t)
			defer s.Close()
			checkTables(t, storeQuerier(s), wantMix, tm)
		})
	}
}
