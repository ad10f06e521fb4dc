package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// seen is one request a stub server received.
type seen struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
}

// stub is an upstream standing in for Google: it records every request and
// answers through handle.
type stub struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []seen
	notify chan struct{}
}

func newStub(t testing.TB, handle func(w http.ResponseWriter, r *http.Request)) *stub {
	t.Helper()
	s := &stub{notify: make(chan struct{}, 1)}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(body)})
		s.mu.Unlock()
		select {
		case s.notify <- struct{}{}:
		default:
		}
		handle(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// newGTM serves g at /gtag/js?id=<its id>, as www.googletagmanager.com
// serves gtag.js, and answers anything else 404 (recorded, so a test sees
// what the proxy asked for that Google would have served).
func newGTM(t testing.TB, g *gtagCopy) *stub {
	t.Helper()
	return newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/gtag/js" || r.URL.Query().Get("id") != g.id {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
		w.Write(g.js)
	})
}

// newGA accepts /g/collect as GA4's collection endpoint does: 204, no body.
func newGA(t testing.TB) *stub {
	t.Helper()
	return newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/g/collect" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// URL is the stub's origin.
func (s *stub) URL() string { return s.srv.URL }

// Requests returns the requests for path so far.
func (s *stub) Requests(path string) []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []seen
	for _, r := range s.reqs {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// wait returns once n requests for path arrived (true), or what arrived
// within d (false).
func (s *stub) wait(path string, n int, d time.Duration) ([]seen, bool) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		if got := s.Requests(path); len(got) >= n {
			return got, true
		}
		select {
		case <-s.notify:
		case <-deadline.C:
			return s.Requests(path), false
		}
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CSP modes of the test page. Both forbid inline script, eval and inline
// style; the banner must work under each.
const (
	// cspHosts allowlists the proxy's origin for scripts and styles.
	cspHosts = "hosts"
	// cspNonce is a nonce-based strict CSP with 'strict-dynamic', so the
	// tag's own loads (gtag.js) are trusted through it.
	cspNonce = "nonce"
)

// sitePage is what the site's / renders.
type sitePage struct {
	Tag           bool                // embed the consent.js tag
	ProxyURL      string              // the proxy's origin
	MeasurementID string              // data-measurement-id
	Attrs         map[string]string   // more data-* attributes of the tag
	Lang          string              // <html lang>
	CSP           string              // cspHosts (default) or cspNonce
	Scripts       []string            // extra same-origin scripts (harness self-test only)
	Title         string              // <title>, default the shop's
	Main          template.HTML       // more content at the top of <main>
	Nonce         string              // filled per response in cspNonce mode
	TagAttrs      []template.HTMLAttr // Attrs, escaped, filled per response
}

// site is the web site embedding the tag: another origin than the proxy.
type site struct {
	srv  *httptest.Server
	tmpl *template.Template
	css  []byte

	mu      sync.Mutex
	page    sitePage
	reports []string // CSP violation reports the browser sent
	gpc     []string // the Sec-GPC header of every page load
	files   map[string][]byte
}

func newSite(t testing.TB) *site {
	t.Helper()
	s := &site{
		tmpl:  template.Must(template.New("page").Parse(string(readTestdata(t, "page.html")))),
		css:   readTestdata(t, "site.css"),
		files: map[string][]byte{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serve)
	mux.HandleFunc("GET /site.css", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		css := s.css
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(css)
	})
	mux.HandleFunc("GET /js/{name}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		b, ok := s.files[r.PathValue("name")]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
		w.Write(b)
	})
	mux.HandleFunc("POST /csp-report", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		s.mu.Lock()
		s.reports = append(s.reports, string(b))
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	// What a visitor's clicks open: a download, a form's answer page.
	mux.HandleFunc("GET /files/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4\n%%EOF\n"))
	})
	mux.HandleFunc("GET /thanks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>Thanks</title><p>Thanks."))
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the site's origin.
func (s *site) URL() string { return s.srv.URL }

// Set replaces what / renders.
func (s *site) Set(p sitePage) {
	s.mu.Lock()
	s.page = p
	s.mu.Unlock()
}

// SetCSS replaces the site's stylesheet.
func (s *site) SetCSS(b []byte) {
	s.mu.Lock()
	s.css = b
	s.mu.Unlock()
}

// AddScript serves a same-origin script at /js/name.
func (s *site) AddScript(name string, b []byte) {
	s.mu.Lock()
	s.files[name] = b
	s.mu.Unlock()
}

// Reports returns the CSP violation reports received so far.
func (s *site) Reports() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reports...)
}

// GPC returns the Sec-GPC header of each page load so far.
func (s *site) GPC() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.gpc...)
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.page
	s.gpc = append(s.gpc, r.Header.Get("Sec-GPC"))
	s.mu.Unlock()
	if p.Lang == "" {
		p.Lang = "en"
	}
	for _, k := range slices.Sorted(maps.Keys(p.Attrs)) {
		if strings.HasPrefix(k, "data-") {
			p.TagAttrs = append(p.TagAttrs, template.HTMLAttr(k+`="`+html.EscapeString(p.Attrs[k])+`"`))
		}
	}
	if p.CSP == cspNonce {
		var b [18]byte
		rand.Read(b[:])
		p.Nonce = base64.StdEncoding.EncodeToString(b[:])
	}
	var buf bytes.Buffer
	if err := s.tmpl.Execute(&buf, p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Security-Policy", csp(p))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// csp is the page's policy: no inline script, no eval, no inline style, and
// network access to the proxy only.
func csp(p sitePage) string {
	proxy := p.ProxyURL
	if u, err := url.Parse(proxy); err == nil && u.Path != "" && !strings.HasSuffix(u.Path, "/") {
		proxy += "/" // a source with a path matches that path only; with a slash, what is under it
	}
	script := proxy
	if len(p.Scripts) > 0 {
		script = "'self' " + script
	}
	if p.CSP == cspNonce {
		script = fmt.Sprintf("'nonce-%s' 'strict-dynamic' %s", p.Nonce, script)
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src " + script,
		"style-src 'self' " + proxy,
		"connect-src " + proxy,
		"img-src 'self' data: " + proxy,
		"font-src 'self'",
		"form-action 'self' " + proxy,
		"base-uri 'none'",
		"object-src 'none'",
		"frame-ancestors 'none'",
		"report-uri /csp-report",
	}, "; ")
}
