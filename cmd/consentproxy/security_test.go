package main

import (
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer is a loopback HTTP server that counts what reaches it and
// answers with h.
func countingServer(t *testing.T, h http.HandlerFunc) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), &n
}

// TestUpstreamRedirectsAreNotFollowed: a Google that redirects, for hits
// and for gtag.js, to another host never gets the proxy to contact that
// host, and the visitor never receives the redirect: the proxy cannot be
// turned into a relay to anywhere by a compromised or spoofed upstream.
func TestUpstreamRedirectsAreNotFollowed(t *testing.T) {
	evil, evilHits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/javascript")
		w.Write([]byte("alert('evil')"))
	})
	google, googleHits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil+r.URL.RequestURI(), http.StatusFound)
	})
	m := MustRunMain(t, func(c *Config) { c.GAUpstream, c.GTMUpstream = google, google })
	r := rigOf(t, m)

	cookie := r.consent(true, false, siteA)
	for i := 0; i < 3; i++ {
		r.mustCollect(browser{IP: "203.0.113.20", UA: uaChromeWin, Lang: "en", Cookie: cookie}, hit(siteA, "1.2", "page_view", "https://site.example/"))
	}
	status, body, h := r.do("GET", "/gtag/js?id="+siteA, nil, "")
	if status >= 300 && status < 400 || h.Get("Location") != "" {
		t.Errorf("gtag.js answered %d with Location %q: the upstream's redirect reached the visitor", status, h.Get("Location"))
	}
	if strings.Contains(body, "evil") {
		t.Errorf("gtag.js served the redirect target's script: %q", body)
	}
	eventually(t, 10*time.Second, "the hits to reach the redirecting upstream", func() bool { return googleHits.Load() >= 4 })
	time.Sleep(200 * time.Millisecond) // time for any follow-up request to arrive
	if n := evilHits.Load(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
	if st := m.Forwarder.Stats(); st.Non2xx < 3 {
		t.Errorf("forwarder stats %+v: want the 3 redirected hits counted as non-2xx", st)
	}
}
