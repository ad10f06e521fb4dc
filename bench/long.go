package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"text/tabwriter"
	"time"
)

// longVisitors is the memory run's population: the issue's "1M hits from
// 100k visitors".
const longVisitors = 100_000

// longRun drives one consentproxy with the server store until each of
// o.longHits hits has been sent, reading its resident set at each mark: the
// memory must follow distinct visitors and keys, not hits.
func (h *harness) longRun(ctx context.Context, w io.Writer) error {
	data, err := h.writeMix(longVisitors)
	if err != nil {
		return err
	}
	t, err := h.newTarget(ctx, "server", 0)
	if err != nil {
		return err
	}
	h.stub.reset()
	if err := t.Start(ctx); err != nil {
		return fmt.Errorf("memory run: %w", err)
	}
	defer t.Stop()
	logf("memory run: %s, %d visitors, marks %v", t.Name(), longVisitors, h.o.longHits)

	type mark struct {
		hits      int64
		rss, peak int64
		elapsed   time.Duration
		delivered int64
		forwarded int64
		inFlight  int64
		heap, sys float64 // Go heap in use and all the runtime holds, bytes; -1 unknown
		rps       float64
		p99       float64
	}
	var marks []mark
	var sent, fwd, inFlight int64
	var last wrkResult
	start := time.Now()
	for _, target := range h.o.longHits {
		for sent < target {
			// Chunks of at most 10 s, the last one sized to land near the mark.
			chunk := 10 * time.Second
			if sent > 0 {
				rate := float64(sent) / time.Since(start).Seconds()
				if need := time.Duration(float64(target-sent) / rate * float64(time.Second)); need < chunk {
					chunk = max(need+time.Second, time.Second)
				}
			}
			r, err := h.load(ctx, t.Addr(), data, chunk)
			if err != nil {
				return err
			}
			sent += r.Sent
			fwd += r.Forwarded
			inFlight += r.inFlight()
			last = r
		}
		got := h.stub.settle(300*time.Millisecond, 30*time.Second)
		u, err := treeUsage(t.PID())
		if err != nil {
			return err
		}
		heap, sys := -1.0, -1.0
		if cp, ok := t.(*consentProxy); ok {
			if v, ok := cp.metric("go_memstats_heap_inuse_bytes"); ok {
				heap = v
			}
			if v, ok := cp.metric("go_memstats_sys_bytes"); ok {
				sys = v
			}
			// The whole exposition, for a closer look at where memory goes.
			name := fmt.Sprintf("metrics-%s-%d.txt", h.started.UTC().Format("20060102-150405"), sent)
			if err := os.WriteFile(filepath.Join(h.out, name), []byte(cp.metrics()), 0o644); err != nil {
				return err
			}
		}
		marks = append(marks, mark{hits: sent, rss: u.RSS, peak: u.PeakRSS, elapsed: time.Since(start),
			delivered: got.Events, forwarded: fwd, inFlight: inFlight, heap: heap, sys: sys, rps: float64(last.Requests) / (float64(last.DurationUS) / 1e6), p99: float64(last.P99) / 1e3})
		logf("  %d hits: RSS %s (peak %s), Go heap in use %s, Go runtime %s", sent, mib(u.RSS), mib(u.PeakRSS), mib(int64(heap)), mib(int64(sys)))
	}
	fmt.Fprintf(w, "\nmemory run: %s, %d visitors, RSS read after the forward queue drained\n\n", t.Name(), longVisitors)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "hits sent\tRSS\tpeak RSS\tGo heap in use\tGo runtime\tdelivered/expected (in flight)\tlast chunk req/s\tlast chunk p99 ms\telapsed\t")
	for _, m := range marks {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d/%d (%d)\t%.0f\t%.2f\t%v\t\n", m.hits, mib(m.rss), mib(m.peak), mib(int64(m.heap)), mib(int64(m.sys)), m.delivered, m.forwarded, m.inFlight, m.rps, m.p99, m.elapsed.Round(time.Second))
	}
	return tw.Flush()
}

func numCPU() int { return runtime.NumCPU() }
