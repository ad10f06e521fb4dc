package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

//go:embed mix.lua
var mixLua []byte

// wrkResult is the line mix.lua's done() prints.
type wrkResult struct {
	Requests   int64 `json:"requests"`
	DurationUS int64 `json:"duration_us"`
	P50        int64 `json:"p50_us"`
	P99        int64 `json:"p99_us"`
	P999       int64 `json:"p999_us"`
	Max        int64 `json:"max_us"`
	ErrConnect int64 `json:"err_connect"`
	ErrRead    int64 `json:"err_read"`
	ErrWrite   int64 `json:"err_write"`
	ErrStatus  int64 `json:"err_status"`
	ErrTimeout int64 `json:"err_timeout"`
	Sent       int64 `json:"sent"`
	Events     int64 `json:"events"`
	Forwarded  int64 `json:"forwarded"`
}

func (w wrkResult) errors() int64 { return w.ErrConnect + w.ErrRead + w.ErrWrite + w.ErrTimeout }

// inFlight is how many hits wrk sent without seeing the answer: at the end
// of a phase it closes its connections, and a hit still unread in the
// server's socket buffer is then discarded with the connection (a reset
// drops the receive queue). Those hits may or may not have been counted.
func (w wrkResult) inFlight() int64 { return max(0, w.Sent-w.Requests) }

// maxEventsPerHit bounds the events of one hit of the mix (a batch of 4).
const maxEventsPerHit = 4

// measurement is one run of one target.
type measurement struct {
	Target    string  `json:"target"`
	Run       int     `json:"run"`
	RPS       float64 `json:"rps"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
	P999      float64 `json:"p999_ms"`
	Requests  int64   `json:"requests"`
	Delivered int64   `json:"delivered_events"`
	Expected  int64   `json:"expected_events"`
	InFlight  int64   `json:"in_flight"`       // hits sent but unanswered when wrk stopped
	Dropped   int64   `json:"forward_dropped"` // consentproxy's own count, -1 unknown
	Leaks     int64   `json:"leaks"`
	Errors    int64   `json:"errors"`
	Non2xx    int64   `json:"non_2xx"`
	PeakRSS   int64   `json:"peak_rss_bytes"`
	CPUPer10k float64 `json:"cpu_s_per_10k"`
}

func (h *harness) writeMix(visitors int) (string, error) {
	m, err := genMix(mixConfig{Templates: h.o.templates, Visitors: visitors, Sites: h.sites, Host: h.host,
		Revision: "1", Secret: []byte(h.secret), Seed: 2026_11_27, Now: time.Now()})
	if err != nil {
		return "", err
	}
	path := filepath.Join(h.tmp, fmt.Sprintf("mix-%d.lua", visitors))
	if err := m.writeLua(path); err != nil {
		return "", err
	}
	counts := map[kind]int{}
	for _, t := range m.Templates {
		counts[t.Kind]++
	}
	var parts []string
	for k := range numKinds {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", k, 100*float64(counts[k])/float64(len(m.Templates))))
	}
	logf("mix: %d templates, %d visitors: %s", len(m.Templates), visitors, strings.Join(parts, ", "))
	return path, nil
}

// load runs one wrk phase against addr.
func (h *harness) load(ctx context.Context, addr, data string, d time.Duration) (wrkResult, error) {
	script := filepath.Join(h.tmp, "mix.lua")
	if _, err := os.Stat(script); err != nil {
		if err := os.WriteFile(script, mixLua, 0o644); err != nil {
			return wrkResult{}, err
		}
	}
	secs := max(1, int(d.Round(time.Second)/time.Second))
	cmd := exec.CommandContext(ctx, h.wrk, "-t", strconv.Itoa(h.o.threads), "-c", strconv.Itoa(h.o.connections),
		"-d", strconv.Itoa(secs)+"s", "--timeout", "5s", "-s", script, "http://"+addr+"/", "--", data, strconv.Itoa(h.o.threads))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w: %s", err, out.String())
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if js, ok := strings.CutPrefix(line, "BENCH "); ok {
			var r wrkResult
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				return r, fmt.Errorf("wrk result %q: %w", js, err)
			}
			return r, nil
		}
	}
	return wrkResult{}, fmt.Errorf("wrk printed no result: %s", out.String())
}

// measure runs one target once: start, warm up, measure, drain, stop.
func (h *harness) measure(ctx context.Context, name string, run int) (measurement, error) {
	t, err := h.newTarget(ctx, name, run)
	if err != nil {
		return measurement{}, err
	}
	h.stub.reset()
	if err := t.Start(ctx); err != nil {
		return measurement{}, fmt.Errorf("%s: %w", name, err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = t.Stop()
		}
	}()
	warm, err := h.load(ctx, t.Addr(), h.mixData, h.o.warmup)
	if err != nil {
		return measurement{}, err
	}
	h.stub.settle(300*time.Millisecond, 30*time.Second)
	u0, err := treeUsage(t.PID())
	if err != nil {
		return measurement{}, err
	}
	res, err := h.load(ctx, t.Addr(), h.mixData, h.o.duration)
	if err != nil {
		return measurement{}, err
	}
	h.stub.settle(300*time.Millisecond, 30*time.Second)
	u1, err := treeUsage(t.PID())
	if err != nil {
		return measurement{}, err
	}
	dropped := int64(-1)
	if cp, ok := t.(*consentProxy); ok {
		if v, ok := cp.metric(`consentproxy_forward_hits_total{outcome="dropped"}`); ok {
			dropped = int64(v)
		}
	}
	stopped = true
	if err := t.Stop(); err != nil {
		return measurement{}, err
	}
	got := h.stub.counts()
	m := measurement{
		Target:    t.Name(),
		Run:       run,
		RPS:       float64(res.Requests) / (float64(res.DurationUS) / 1e6),
		P50:       float64(res.P50) / 1e3,
		P99:       float64(res.P99) / 1e3,
		P999:      float64(res.P999) / 1e3,
		Requests:  res.Requests,
		Delivered: got.Events,
		Leaks:     got.Leaks,
		InFlight:  warm.inFlight() + res.inFlight(),
		Dropped:   dropped,
		Errors:    warm.errors() + res.errors(),
		Non2xx:    warm.ErrStatus + res.ErrStatus,
		PeakRSS:   u1.PeakRSS,
		CPUPer10k: (u1.CPU - u0.CPU).Seconds() / (float64(res.Requests) / 1e4),
	}
	if t.ForwardsAll() {
		m.Expected = warm.Events + res.Events
	} else {
		m.Expected = warm.Forwarded + res.Forwarded
	}
	return m, nil
}

func (h *harness) run(ctx context.Context) error {
	var err error
	if h.mixData, err = h.writeMix(h.o.visitors); err != nil {
		return err
	}
	stamp := h.started.UTC().Format("20060102-150405")
	raw, err := os.Create(filepath.Join(h.out, "runs-"+stamp+".jsonl"))
	if err != nil {
		return err
	}
	defer raw.Close()
	var all []measurement
	// Targets take turns within each round, so that a noisy minute on a
	// shared machine hurts all of them rather than one.
	for run := 1; run <= h.o.runs; run++ {
		for _, name := range h.o.targets {
			logf("run %d/%d: %s", run, h.o.runs, name)
			m, err := h.measure(ctx, name, run)
			if err != nil {
				return err
			}
			logf("  %.0f req/s, p99 %.2f ms, delivered %d/%d events (%d in flight), forward drops %d, peak RSS %s, socket errors %d, non-2xx %d",
				m.RPS, m.P99, m.Delivered, m.Expected, m.InFlight, m.Dropped, mib(m.PeakRSS), m.Errors, m.Non2xx)
			all = append(all, m)
			b, _ := json.Marshal(m)
			fmt.Fprintf(raw, "%s\n", b)
		}
	}
	var table bytes.Buffer
	fmt.Fprintf(&table, "consentproxy benchmark, %s, %d cores; wrk -t%d -c%d, %v per run after %v warm-up; medians of %d runs\n",
		h.started.UTC().Format("2006-01-02 15:04 MST"), numCPU(), h.o.threads, h.o.connections, h.o.duration, h.o.warmup, h.o.runs)
	fmt.Fprintf(&table, "mix: %d distinct hits, %d visitors; delivered = events the stub received / events expected (consentproxy: consented only);\n"+
		"in flight = hits wrk abandoned unanswered at the end of a phase (their events may be missing)\n\n", h.o.templates, h.o.visitors)
	writeTable(&table, summarize(all, h.o.targets))
	if h.o.long {
		if err := h.longRun(ctx, &table); err != nil {
			return err
		}
	}
	os.Stdout.Write(table.Bytes())
	path := filepath.Join(h.out, "results-"+stamp+".txt")
	if err := os.WriteFile(path, table.Bytes(), 0o644); err != nil {
		return err
	}
	logf("results in %s", path)
	return checkDelivery(all)
}

// checkDelivery fails the run when a consented hit went missing or a
// privacy-relevant header reached the stub.
func checkDelivery(all []measurement) error {
	var errs []error
	for _, m := range all {
		if m.Leaks > 0 {
			errs = append(errs, fmt.Errorf("%s run %d: %d requests reached the upstream with Cookie or X-Forwarded-For", m.Target, m.Run, m.Leaks))
		}
		if m.Dropped > 0 {
			errs = append(errs, fmt.Errorf("%s run %d: the forward queue dropped %d hits", m.Target, m.Run, m.Dropped))
		}
		if !deliveredAll(m.Delivered, m.Expected, m.InFlight) {
			errs = append(errs, fmt.Errorf("%s run %d: delivered %d events, expected %d (%d hits in flight at the end)",
				m.Target, m.Run, m.Delivered, m.Expected, m.InFlight))
		}
	}
	return errors.Join(errs...)
}

// deliveredAll: every expected event arrived, except at most those of the
// hits wrk abandoned in flight, and nothing more than was sent.
func deliveredAll(delivered, expected, inFlight int64) bool {
	return delivered <= expected && expected-delivered <= inFlight*maxEventsPerHit
}

// summary is a target's medians.
type summary struct {
	Target                string
	RPS, P50, P99, P999   float64
	Delivered, Expected   int64 // summed over runs
	InFlight              int64
	PeakRSS               int64
	CPUPer10k             float64
	Errors, Non2xx, Leaks int64
	RatioRPS, RatioP99    float64 // to nginx; 0 without nginx
	runs                  int
}

func summarize(all []measurement, order []string) []summary {
	byTarget := map[string][]measurement{}
	var names []string
	for _, m := range all {
		if _, ok := byTarget[m.Target]; !ok {
			names = append(names, m.Target)
		}
		byTarget[m.Target] = append(byTarget[m.Target], m)
	}
	var out []summary
	for _, n := range names {
		ms := byTarget[n]
		s := summary{Target: n, runs: len(ms)}
		s.RPS = median(ms, func(m measurement) float64 { return m.RPS })
		s.P50 = median(ms, func(m measurement) float64 { return m.P50 })
		s.P99 = median(ms, func(m measurement) float64 { return m.P99 })
		s.P999 = median(ms, func(m measurement) float64 { return m.P999 })
		s.PeakRSS = int64(median(ms, func(m measurement) float64 { return float64(m.PeakRSS) }))
		s.CPUPer10k = median(ms, func(m measurement) float64 { return m.CPUPer10k })
		for _, m := range ms {
			s.Delivered += m.Delivered
			s.Expected += m.Expected
			s.InFlight += m.InFlight
			s.Errors += m.Errors
			s.Non2xx += m.Non2xx
			s.Leaks += m.Leaks
		}
		out = append(out, s)
	}
	var base *summary
	for i := range out {
		if out[i].Target == "nginx" {
			base = &out[i]
		}
	}
	if base != nil {
		for i := range out {
			out[i].RatioRPS = out[i].RPS / base.RPS
			out[i].RatioP99 = out[i].P99 / base.P99
		}
	}
	return out
}

func median(ms []measurement, f func(measurement) float64) float64 {
	v := make([]float64, len(ms))
	for i, m := range ms {
		v[i] = f(m)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func writeTable(w io.Writer, ss []summary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\treq/s\tp50 ms\tp99 ms\tp99.9 ms\tdelivered/expected (in flight)\tpeak RSS\tCPU s/10k hits\tvs nginx req/s\tvs nginx p99\terrors\t")
	for _, s := range ss {
		ratio, ratio99 := "-", "-"
		if s.RatioRPS > 0 {
			ratio, ratio99 = fmt.Sprintf("%.2f×", s.RatioRPS), fmt.Sprintf("%.2f×", s.RatioP99)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%.2f\t%d/%d (%d)\t%s\t%.3f\t%s\t%s\t%d\t\n",
			s.Target, s.RPS, s.P50, s.P99, s.P999, s.Delivered, s.Expected, s.InFlight, mib(s.PeakRSS), s.CPUPer10k, ratio, ratio99, s.Errors+s.Non2xx)
	}
	tw.Flush()
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
