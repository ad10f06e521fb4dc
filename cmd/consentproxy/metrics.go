package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/web"
)

// hitCounter counts every decided hit by reason on its way to the
// aggregator: one atomic add, no labels built on the hot path.
type hitCounter struct {
	next consentproxy.Recorder
	n    [32]atomic.Uint64
}

func (h *hitCounter) Record(o *consentproxy.Observation) {
	if r := int(o.Reason); r >= 0 && r < len(h.n) {
		h.n[r].Add(1)
	}
	h.next.Record(o)
}

// RecordRemoved passes the count on, when the next Recorder keeps it.
func (h *hitCounter) RecordRemoved(site, class string, n int64) {
	if r, ok := h.next.(consentproxy.RemovedRecorder); ok {
		r.RecordRemoved(site, class, n)
	}
}

// statusCounter counts API answers by status.
type statusCounter struct {
	mu sync.Mutex
	n  map[int]uint64
}

func (s *statusCounter) handler(c *fiber.Ctx) error {
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = web.StatusOf(err) // the error handler has not run yet
	}
	s.mu.Lock()
	if s.n == nil {
		s.n = map[int]uint64{}
	}
	s.n[status]++ // a handful of statuses: bounded
	s.mu.Unlock()
	return err
}

func (s *statusCounter) snapshot() map[int]uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int]uint64, len(s.n))
	for k, v := range s.n {
		out[k] = v
	}
	return out
}

// collector turns the parts' own counters into Prometheus metrics at
// scrape time, so that no part depends on Prometheus and nothing is
// counted twice. Its Describe is empty (an "unchecked" collector): which
// families exist depends on the configuration (no store, no flusher).
type collector struct {
	m        *Main
	hits     *hitCounter
	api      *statusCounter
	limiter  *web.IPLimiter
	uaHits   func() (hits, misses uint64)
	uaLength func() int
}

func (c *collector) Describe(chan<- *prometheus.Desc) {}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	counter := func(name, help string, v float64, labels ...string) {
		var names, values []string
		for i := 0; i+1 < len(labels); i += 2 {
			names, values = append(names, labels[i]), append(values, labels[i+1])
		}
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("consentproxy_"+name, help, names, nil), prometheus.CounterValue, v, values...)
	}
	gauge := func(name, help string, v float64) {
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("consentproxy_"+name, help, nil, nil), prometheus.GaugeValue, v)
	}
	for _, r := range consentproxy.Reasons() {
		decision := "suppressed"
		if r == consentproxy.ReasonForwarded {
			decision = "forwarded"
		}
		counter("hits_total", "Hits decided, by decision and reason.", float64(c.hits.n[r].Load()), "decision", decision, "reason", r.String())
	}
	for code, n := range c.m.Errors.Snapshot() {
		counter("http_errors_total", "Requests answered with an error, by error code.", float64(n), "code", code)
	}
	for status, n := range c.api.snapshot() {
		counter("api_requests_total", "Query API and dashboard requests, by HTTP status.", float64(n), "status", strconv.Itoa(status))
	}
	if c.m.conns != nil {
		counter("connections_shed_total", "Idle connections closed because more than 90% of --max-conns were open.", float64(c.m.conns.shed.Load()))
		gauge("connections_open", "Open client connections on the public listener.", float64(c.m.conns.open.Load()))
	}
	if c.m.peers != nil {
		counter("connections_refused_per_peer_total", "Connections closed at once because their peer held --max-conns-per-ip.", float64(c.m.peers.Refused()))
	}
	counter("collect_rate_limited_total", "Hits refused because their address exceeded --collect-rate.", float64(c.limiter.Limited()))

	f := c.m.Forwarder.Stats()
	for outcome, n := range map[string]uint64{"sent": f.Sent, "failed": f.Failed, "non_2xx": f.Non2xx, "dropped": f.Dropped} {
		counter("forward_hits_total", "Hits for Google by outcome: sent (2xx), non_2xx, failed (network), dropped (queue full or shutdown).", float64(n), "outcome", outcome)
	}
	counter("forward_queued_total", "Hits put on the forward queue.", float64(f.Queued))
	counter("forward_waited_total", "Hits that found the forward queue full and waited for room (up to 250 ms, only while Google answers).", float64(f.Waited))
	ch <- prometheus.MustNewConstSummary(prometheus.NewDesc("consentproxy_forward_duration_seconds", "Time spent in round trips to Google.", nil, nil),
		f.Sent+f.Failed+f.Non2xx, float64(f.SendNanos)/1e9, nil)
	gauge("forward_queue_depth", "Hits waiting for Google.", float64(f.QueueDepth))
	gauge("forward_queue_capacity", "Hits the forward queue holds before dropping (--forward-queue).", float64(c.m.Config.ForwardQueue))

	for r, n := range c.m.Proxy.DroppedParams() {
		counter("dropped_params_total", "Parameters of forwarded hits kept from Google (not on the allowlist), by reason.", float64(n), "reason", r.String())
	}
	pv := c.m.Proxy.PageViews()
	counter("pageview_pings_held_total", "Page view pings without consent held in memory for their page load.", float64(pv.Held))
	counter("pageview_pings_released_total", "Held page view pings forwarded once the visitor consented on the same page.", float64(pv.Released))
	counter("pageview_repeats_total", "Repeated page views of one page load neither forwarded nor counted.", float64(pv.Repeats))
	gauge("pageloads", "Page loads remembered for held pings and repeats.", float64(pv.PageLoads))
	counter("ad_requests_dropped_total", "Requests gtag.js meant for Google's advertising and signals endpoints, answered by the proxy and sent nowhere.", float64(c.m.Proxy.AdRequestsDropped()))
	for r, n := range c.m.Proxy.Diagnostics() {
		counter("tag_diagnostics_total", "gtag.js diagnostics pings (/a, /td), by reason.", float64(n), "reason", r.String())
	}

	sc := c.m.Scripts.Stats()
	counter("script_fetches_total", "gtag.js fetches from Google (cache misses and refreshes).", float64(sc.Fetches))
	counter("script_stale_served_total", "gtag.js answers served from a stale cached copy because Google failed.", float64(sc.StaleServed))
	counter("script_fetch_failures_total", "gtag.js fetches that failed.", float64(sc.Failures))
	gauge("script_cache_entries", "gtag.js cache entries (id and visitor region).", float64(sc.Entries))
	gauge("script_cache_copies", "Distinct gtag.js contents cached.", float64(sc.Copies))
	if c.uaHits != nil {
		h, m := c.uaHits()
		counter("ua_cache_lookups_total", "User-agent parses, by cache result.", float64(h), "result", "hit")
		counter("ua_cache_lookups_total", "User-agent parses, by cache result.", float64(m), "result", "miss")
		gauge("ua_cache_entries", "Parsed user agents cached.", float64(c.uaLength()))
	}

	a := c.m.Aggregator.Stats()
	gauge("aggregate_rows", "Aggregate rows held in memory.", float64(a.Rows))
	gauge("aggregate_sessions", "Sessions held in memory.", float64(a.Sessions))
	counter("aggregate_late_hits_total", "Hits dropped because their hour was already written and forgotten.", float64(a.Late))
	counter("aggregate_overflow_total", "Values counted as (other) because a cardinality cap was reached.", float64(a.Overflowed))
	gauge("aggregate_visitor_hashes", "Visitor hashes held in memory after the last flush (bounded: past the bound an epoch ends).", float64(a.VisitorHashes))
	counter("aggregate_epochs_total", "Epochs ended because the visitor hashes in memory reached their bound; rows then start afresh under a new instance id.", float64(a.Epochs))
	counter("aggregate_sessions_evicted_total", "Live sessions pushed out of a full session table.", float64(a.SessionsEvicted))

	if c.m.Flusher != nil {
		s := c.m.Flusher.Stats()
		counter("flush_rows_total", "Aggregate rows the store accepted.", float64(s.RowsWritten))
		counter("flush_batches_total", "Batches the store accepted.", float64(s.BatchesWritten))
		counter("flush_failures_total", "Failed store writes (retried, then spooled).", float64(s.WriteFailures))
		ch <- prometheus.MustNewConstSummary(prometheus.NewDesc("consentproxy_flush_duration_seconds", "Time spent in store writes.", nil, nil),
			s.BatchesWritten+s.WriteFailures, float64(s.WriteNanos)/1e9, nil)
		counter("spool_batches_total", "Batches moved to the disk spool while the store was away.", float64(s.BatchesSpooled))
		counter("spool_errors_total", "Spool files that could not be written or read.", float64(s.SpoolErrors))
		counter("dropped_batches_total", "Batches given up: spool unwritable, or a corrupt spool file.", float64(s.BatchesDropped))
		counter("dropped_rows_total", "Aggregate rows given up with them.", float64(s.RowsDropped))
		gauge("flush_pending_batches", "Failed batches waiting in memory.", float64(s.Pending))
		gauge("spool_files", "Spool files waiting to be written.", float64(s.Spooled))
		if !s.LastSuccess.IsZero() {
			gauge("flush_last_success_timestamp_seconds", "When the store last accepted a write.", float64(s.LastSuccess.Unix()))
		}
	}
	if c.m.Rollups != nil {
		counter("rollup_failures_total", "Rollup derivations and checks that failed (retried).", float64(c.m.Rollups.Failures()))
		if fr := c.m.Rollups.Frontier(); !fr.IsZero() {
			gauge("rollup_frontier_timestamp_seconds", "Queries read daily and monthly rollups before this time.", float64(fr.Unix()))
		}
	}
}

// serveMetrics serves /metrics on its own listener (--metrics-listen), so
// that the public listener never exposes operational data.
func (m *Main) serveMetrics(c *collector) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(c, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: nil}))
	// Probes here are answered even when the public listener is full.
	mux.Handle("/healthz", m.health)
	mux.Handle("/readyz", m.health)
	ln, err := net.Listen("tcp", m.Config.MetricsListen)
	if err != nil {
		return err
	}
	m.metricsLn = ln
	m.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute}
	go func() {
		if err := m.metricsSrv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			m.fail(fmt.Errorf("metrics listener: %w", err))
		}
	}()
	return nil
}

// MetricsAddr is the metrics listener's address ("" when off), for tests
// started on port 0.
func (m *Main) MetricsAddr() string {
	if m.metricsLn == nil {
		return ""
	}
	return m.metricsLn.Addr().String()
}
