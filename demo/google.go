// Package demo is the offline demonstration the proxy serves with --demo: a
// small shop that embeds the banner with the one tag of the README, a
// stand-in for Google on loopback that shows exactly what reached it, and a
// few days of generated history so the dashboard has something to show.
// Nothing of it exists without --demo, and nothing in it leaves the machine.
package demo

import (
	"bufio"
	"embed"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

//go:embed assets
var assets embed.FS

//go:embed assets/gtag.js
var fakeGtag []byte

// FakeGtag is the stand-in for gtag.js: it reads the dataLayer, follows
// Consent Mode (waiting for an update as the real one does), and sends a
// page_view to the transport_url it is configured with. The browser tests
// serve it too. The caller must not change it.
func FakeGtag() []byte { return fakeGtag }

// Hit is one event the stand-in Google received, its parameters in the
// order they arrived (the hit's shared ones first).
type Hit struct {
	Time   time.Time   `json:"time"`
	Event  string      `json:"event"`
	Params [][2]string `json:"params"`
}

// maxHits is how many hits Google keeps to show: enough for a walk
// through the demo, bounded however long it runs.
const maxHits = 50

// Google stands in for Google's two hosts: it serves FakeGtag at
// /gtag/js?id=<an allowed id>, as www.googletagmanager.com does, and takes
// /g/collect as GA4's collection endpoint does (204, no body), keeping the
// latest hits in memory to show them.
type Google struct {
	ids map[string]bool

	mu    sync.Mutex
	hits  []Hit // the latest maxHits, oldest first
	total int
	srv   *http.Server
	url   string
}

// NewGoogle makes a stand-in that serves gtag.js for ids.
func NewGoogle(ids []string) *Google {
	g := &Google{ids: map[string]bool{}}
	for _, id := range ids {
		g.ids[id] = true
	}
	return g
}

// Start serves g on ln in the background; URL is then its origin.
func (g *Google) Start(ln net.Listener) {
	g.url = "http://" + ln.Addr().String()
	g.srv = &http.Server{Handler: g, ReadHeaderTimeout: 5 * time.Second}
	go g.srv.Serve(ln)
}

// URL is the origin g serves on, for --ga-upstream and --gtm-upstream.
func (g *Google) URL() string { return g.url }

// Close stops serving.
func (g *Google) Close() error {
	if g.srv == nil {
		return nil
	}
	return g.srv.Close()
}

// ServeHTTP answers as Google would.
func (g *Google) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/gtag/js":
		if !g.ids[r.URL.Query().Get("id")] {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "private, max-age=900")
		w.Write(fakeGtag)
	case "/g/collect":
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		g.record(r.URL.RawQuery, string(body))
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

// record keeps a request's events: the query holds the shared parameters
// and, without a body, the one event; each body line is one more event.
func (g *Google) record(query, body string) {
	shared := pairs(query)
	var events [][][2]string
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			events = append(events, pairs(line))
		}
	}
	if len(events) == 0 {
		events = [][][2]string{nil}
	}
	now := time.Now().UTC()
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, ev := range events {
		h := Hit{Time: now, Params: append(append([][2]string{}, shared...), ev...)}
		for _, p := range h.Params {
			if p[0] == "en" {
				h.Event = p[1]
			}
		}
		g.hits = append(g.hits, h)
		g.total++
	}
	if n := len(g.hits) - maxHits; n > 0 {
		g.hits = append([]Hit(nil), g.hits[n:]...)
	}
}

func pairs(s string) [][2]string {
	var out [][2]string
	for _, kv := range strings.Split(s, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		out = append(out, [2]string{k, v})
	}
	return out
}

// Hits returns the latest hits, newest first, and how many arrived in all.
func (g *Google) Hits() ([]Hit, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Hit, len(g.hits))
	for i, h := range g.hits {
		out[len(g.hits)-1-i] = h
	}
	return out, g.total
}
