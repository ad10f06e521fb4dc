package proxy

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGtagServesAllowlistedIDs(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *ForwarderConfig) { c.DataLayers = []string{"myLayer"} })
	status, body, hdr := h.do("GET", "/gtag/js?id=G-TEST123&l=dataLayer&cx=c&evil=1", nil, "")
	if status != 200 || !strings.Contains(body, "gtagLoaded") {
		t.Fatalf("status %d body %q", status, body)
	}
	// Only the canonical query reaches upstream: id (and a non-default l).
	if !strings.HasSuffix(body, "// id=G-TEST123") {
		t.Fatalf("upstream query was not canonical: %q", body)
	}
	if hdr.Get("ETag") == "" || !strings.HasPrefix(hdr.Get("Content-Type"), "application/javascript") {
		t.Fatalf("headers: %v", hdr)
	}
	status, body, _ = h.do("GET", "/gtag/js?id=G-TEST123", map[string]string{"If-None-Match": hdr.Get("ETag")}, "")
	if status != 304 || body != "" {
		t.Fatalf("conditional GET: %d %q", status, body)
	}
	status, _, _ = h.do("GET", "/gtag/js?id=G-TEST123&l=myLayer", nil, "")
	if status != 200 {
		t.Fatalf("custom dataLayer: %d", status)
	}
	for uri, want := range map[string]int{
		"/gtag/js?id=G-NOTOURS1":                  403,
		"/gtag/js":                                400,
		"/gtag/js?id=G-TEST123&l=x;alert(1)":      400,
		"/gtag/js?id=G-TEST123&l=otherLayer":      400, // not in DataLayers
		"/gtag/js/../js?id=G-TEST123":             404,
		"/gtag%2Fjs?id=G-TEST123":                 404,
		"/gtag/js/?id=G-TEST123":                  404,
		"/gtag/JS?id=G-TEST123":                   404,
		"/gtag/js?id=G-TEST123%26x%3Dhttp://evil": 403,
	} {
		if status, _, _ := h.do("GET", uri, nil, ""); status != want {
			t.Errorf("%s: status %d, want %d", uri, status, want)
		}
	}
	if h.up.gtag != 2 {
		t.Fatalf("upstream fetched %d times, want 2 (one per canonical query)", h.up.gtag)
	}
}

// TestGtagQueryFlood: thousands of distinct query strings and dataLayer
// names make no upstream fetch beyond the one of the canonical query, and
// the cache holds one entry: the proxy is neither a fetch amplifier against
// Google nor a memory sink.
func TestGtagQueryFlood(t *testing.T) {
	h := newHarness(t)
	for i := range 3000 {
		uri := fmt.Sprintf("/gtag/js?id=G-TEST123&cx=%d&gtm=%d", i, i*7)
		want := 200
		if i%2 == 1 {
			uri, want = fmt.Sprintf("/gtag/js?id=G-TEST123&l=layer%d", i), 400
		}
		if status, _, _ := h.do("GET", uri, nil, ""); status != want {
			t.Fatalf("%s: status %d, want %d", uri, status, want)
		}
	}
	if h.up.gtag != 1 {
		t.Errorf("upstream fetched %d times, want 1", h.up.gtag)
	}
	if st := h.p.cfg.Scripts.Stats(); st.Entries != 1 || st.Copies != 1 {
		t.Errorf("cache holds %d entries, %d copies; want 1 and 1", st.Entries, st.Copies)
	}
}

func TestGtagGzip(t *testing.T) {
	h := newHarness(t)
	req, _ := http.NewRequest("GET", h.base+"/gtag/js?id=G-TEST123", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if !bytes.Contains(b, []byte("gtagLoaded")) {
		t.Fatalf("decompressed %q", b)
	}
}

// TestGtagColdCacheFetchesOnce: many browsers at once, one upstream fetch.
func TestGtagColdCacheFetchesOnce(t *testing.T) {
	h := newHarness(t)
	release := make(chan struct{})
	h.up.mu.Lock()
	h.up.block = release
	h.up.mu.Unlock()
	var wg sync.WaitGroup
	statuses := make(chan int, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _, _ := h.do("GET", "/gtag/js?id=G-TEST123", nil, "")
			statuses <- st
		}()
	}
	time.Sleep(300 * time.Millisecond) // let every request reach the cache
	close(release)
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != 200 {
			t.Fatalf("status %d", st)
		}
	}
	if got := h.p.cfg.Scripts.Stats().Fetches; got != 1 || h.up.gtag != 1 {
		t.Fatalf("fetches %d, upstream saw %d; want exactly 1", got, h.up.gtag)
	}
}

// TestGtagServesStale: when a refresh fails, the last good copy is served;
// with nothing cached, the answer is a clear 503.
func TestGtagServesStale(t *testing.T) {
	h := newHarness(t)
	clock := time.Now()
	var mu sync.Mutex
	h.p.cfg.Scripts.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	if st, _, _ := h.do("GET", "/gtag/js?id=G-TEST123", nil, ""); st != 200 {
		t.Fatalf("warm: %d", st)
	}
	h.up.mu.Lock()
	h.up.status = 500
	h.up.mu.Unlock()
	mu.Lock()
	clock = clock.Add(2 * time.Minute) // past the TTL
	mu.Unlock()
	st, body, _ := h.do("GET", "/gtag/js?id=G-TEST123", nil, "")
	if st != 200 || !strings.Contains(body, "gtagLoaded") {
		t.Fatalf("stale: %d %q", st, body)
	}
	// The refresh runs behind the stale answer; it fails, and the next
	// visitor gets the stale copy again while another refresh is tried.
	for deadline := time.Now().Add(5 * time.Second); h.p.cfg.Scripts.Stats().Failures < 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the refresh never failed: %+v", h.p.cfg.Scripts.Stats())
		}
	}
	if st, body, _ := h.do("GET", "/gtag/js?id=G-TEST123", nil, ""); st != 200 || !strings.Contains(body, "gtagLoaded") {
		t.Fatalf("stale again: %d %q", st, body)
	}
	if s := h.p.cfg.Scripts.Stats(); s.StaleServed != 2 || s.Fetches != 3 {
		t.Fatalf("stats %+v; want 2 stale answers and 3 fetches (warm, two refreshes)", s)
	}
	if st, _, _ := h.do("GET", "/gtag/js?id=G-OTHER99", nil, ""); st != 503 {
		t.Fatalf("cold and failing: %d, want 503", st)
	}
}
