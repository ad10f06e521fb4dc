package main

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape fetches /metrics and returns "name{labels}" → value.
func scrape(t testing.TB, addr string) (map[string]float64, string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, b)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out, string(b)
}

// TestMetrics boots the proxy with its metrics listener, sends hits of
// every kind, a flood from one address and API calls, and reads the exact
// counts back from /metrics, which must name no visitor.
func TestMetrics(t *testing.T) {
	m := mustRunMainOn(t, freshDB(t, engineChdb), func(c *Config) {
		c.MetricsListen = "127.0.0.1:0"
		c.CollectRate, c.CollectBurst = 1, 20
	})
	r := rigOf(t, m)
	if m.MetricsAddr() == "" {
		t.Fatal("no metrics listener")
	}
	// The public listener does not serve /metrics.
	if s, _, _ := r.do("GET", "/metrics", nil, ""); s != http.StatusNotFound {
		t.Errorf("/metrics on the public listener: %d, want 404", s)
	}
	consented := r.consent(true, false, siteA)
	send := func(ip, cookie string, hdr map[string]string, n int) {
		for i := 0; i < n; i++ {
			r.mustCollect(browser{IP: ip, UA: uaChromeWin, Lang: "en", Cookie: cookie, Header: hdr},
				hit(siteA, "555.666", "page_view", "https://site.example/p?email=canary@example.com"))
		}
	}
	send("203.0.113.10", consented, nil, 3)
	send("203.0.113.11", "", nil, 2)
	send("203.0.113.12", consented, map[string]string{"Sec-GPC": "1"}, 4)
	send("203.0.113.13", consented, map[string]string{"DNT": "1"}, 1)
	// One address over its burst of 20: the rest are refused with 429.
	limited := 0
	for i := 0; i < 25; i++ {
		if s := r.collect(browser{IP: "198.51.100.99", UA: uaChromeWin, Lang: "en"}, hit(siteA, "1.2", "page_view", "https://site.example/")); s == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 4 { // 1 token a second may refill one during the loop
		t.Errorf("%d of 25 hits from one address refused, want ≥ 4", limited)
	}
	// API calls without a token: 401s (the API is off).
	for i := 0; i < 2; i++ {
		r.do("GET", "/api/v1/query?site="+siteA+"&metrics=visitors", nil, "")
	}
	eventually(t, 10*time.Second, "the forwarded hits to reach the stub", func() bool { return m.Forwarder.Stats().Sent >= 3 })
	eventually(t, 10*time.Second, "a flush", func() bool { return m.Flusher.Stats().BatchesWritten > 0 })

	got, text := scrape(t, m.MetricsAddr())
	want := map[string]float64{
		`consentproxy_hits_total{decision="forwarded",reason="forwarded"}`:   3,
		`consentproxy_hits_total{decision="suppressed",reason="no_consent"}`: 2 + float64(25-limited),
		`consentproxy_hits_total{decision="suppressed",reason="gpc"}`:        4,
		`consentproxy_hits_total{decision="suppressed",reason="dnt"}`:        1,
		`consentproxy_collect_rate_limited_total`:                            float64(limited),
		`consentproxy_http_errors_total{code="rate_limited"}`:                float64(limited),
		`consentproxy_api_requests_total{status="401"}`:                      2,
		`consentproxy_forward_hits_total{outcome="sent"}`:                    3,
		`consentproxy_forward_hits_total{outcome="dropped"}`:                 0,
		`consentproxy_forward_queue_capacity`:                                float64(m.Config.ForwardQueue),
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	for _, k := range []string{"consentproxy_flush_rows_total", "consentproxy_flush_duration_seconds_count", "consentproxy_forward_duration_seconds_count", "consentproxy_ua_cache_lookups_total{result=\"miss\"}", "go_goroutines", "process_resident_memory_bytes"} {
		if got[k] <= 0 {
			t.Errorf("%s = %v, want > 0", k, got[k])
		}
	}
	assertNoSecrets(t, "/metrics", text, "203.0.113.1", "198.51.100.99", uaChromeWin, "555.666", "canary@example.com")
}
