package proxy

import (
	"io"
	"net"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/uaparse"
	"github.com/consentproxy/consentproxy/web"
)

// upstreamReq is what the stub Google saw: exactly, headers and all.
type upstreamReq struct {
	Method, URI string
	Header      http.Header
	Body        string
}

// stubUpstream stands in for Google (the only part of the system on the
// internet). It records every request it receives.
type stubUpstream struct {
	srv    *http.Server
	URL    string
	mu     sync.Mutex
	reqs   []upstreamReq
	notify chan struct{}
	status int
	script string
	gtag   int      // gtag.js requests seen
	geo    []string // their X-Forwarded-CountryRegion / -Country, in order
	block  chan struct{}
}

func newStubUpstream(t testing.TB) *stubUpstream {
	t.Helper()
	s := &stubUpstream{notify: make(chan struct{}, 1024), status: http.StatusNoContent, script: "/* gtag */ window.gtagLoaded = true;"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *stubUpstream) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.URL.Path == "/gtag/js" {
		s.mu.Lock()
		s.gtag++
		s.geo = append(s.geo, r.Header.Get("X-Forwarded-CountryRegion")+r.Header.Get("X-Forwarded-Country"))
		script, status, block := s.script, s.status, s.block
		s.mu.Unlock()
		if block != nil {
			<-block
		}
		if status >= 500 {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/javascript")
		io.WriteString(w, script+" // "+r.URL.RawQuery)
		return
	}
	h := r.Header.Clone()
	if r.Host != "" {
		h.Set("Host", r.Host)
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, upstreamReq{Method: r.Method, URI: r.URL.RequestURI(), Header: h, Body: string(body)})
	status := s.status
	s.mu.Unlock()
	s.notify <- struct{}{}
	w.WriteHeader(status)
}

// wait returns once n requests have arrived in total.
func (s *stubUpstream) wait(t testing.TB, n int) []upstreamReq {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		if len(s.reqs) >= n {
			out := append([]upstreamReq(nil), s.reqs...)
			s.mu.Unlock()
			return out
		}
		s.mu.Unlock()
		select {
		case <-s.notify:
		case <-deadline:
			t.Fatalf("upstream saw %d requests, want %d", len(s.reqs), n)
		}
	}
}

// recorder keeps copies of every observation.
type recorder struct {
	mu      sync.Mutex
	obs     []consentproxy.Observation
	removed map[string]int64 // site|class → parameters
}

func (r *recorder) RecordRemoved(site, class string, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.removed == nil {
		r.removed = map[string]int64{}
	}
	r.removed[strings.Clone(site)+"|"+class] += n
}

func (r *recorder) Record(o *consentproxy.Observation) {
	c := *o
	c.Site, c.Event, c.Location = strings.Clone(c.Site), strings.Clone(c.Event), strings.Clone(c.Location)
	c.Referrer, c.Language, c.UserAgent = strings.Clone(c.Referrer), strings.Clone(c.Language), strings.Clone(c.UserAgent)
	r.mu.Lock()
	r.obs = append(r.obs, c)
	r.mu.Unlock()
}

var (
	testSecret = []byte("test-secret-0123456789abcdef0123")
	testNow    = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
)

type harness struct {
	t     testing.TB
	app   *fiber.App
	errs  *web.Errors
	p     *Proxy
	fwd   *Forwarder
	up    *stubUpstream
	codec *consent.Codec
	rec   *recorder
	base  string
	hc    *http.Client
	// consumed counts upstream requests already accounted for by forwarded.
	consumed int
}

type harnessOpt func(*Config, *ForwarderConfig)

func newHarness(t testing.TB, opts ...harnessOpt) *harness {
	t.Helper()
	up := newStubUpstream(t)
	codec, err := consent.NewCodec([][]byte{testSecret}, 182*24*time.Hour, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	cfg := Config{
		MeasurementIDs: []string{"G-TEST123", "G-OTHER99"},
		Origins:        web.NewOrigins([]string{"https://site.example"}),
		Trust:          web.NewTrust(trusted),
		CountryHeader:  "CF-IPCountry",
		Policy:         consent.Policy{HonorGPC: true, HonorDNT: true},
		Codec:          codec,
		Revision:       "1",
		Agents:         uaparse.New(0),
		Now:            func() time.Time { return testNow },
	}
	fcfg := ForwarderConfig{Upstream: up.URL, TagUpstream: up.URL, Workers: 1, QueueSize: 1000}
	for _, o := range opts {
		o(&cfg, &fcfg)
	}
	var fwd *Forwarder
	if fcfg.Workers < 0 {
		// A forwarder nobody drains: jobs stay in its queue for inspection.
		fwd = &Forwarder{queue: make(chan *job, 16)}
		fwd.pool.New = func() any { return new(job) }
	} else if fwd, err = NewForwarder(fcfg); err != nil {
		t.Fatal(err)
	}
	scripts, err := NewScripts(ScriptConfig{Upstream: up.URL, TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Forwarder, cfg.Scripts = fwd, scripts
	rec := &recorder{}
	cfg.Recorder = rec
	p := New(cfg)
	app, errs := web.NewApp(web.Config{TrustedProxies: trusted})
	app.Use(web.Guard())
	p.Register(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown(); fwd.Close(t.Context()) })
	return &harness{t: t, app: app, errs: errs, p: p, fwd: fwd, up: up, codec: codec, rec: rec,
		base: "http://" + ln.Addr().String(), hc: &http.Client{Timeout: 10 * time.Second}}
}

// cookie returns a valid consent cookie for the harness's host scope.
func (h *harness) cookie(analytics bool) string {
	r, err := h.codec.NewRecord("1", consent.Categories{Analytics: analytics})
	if err != nil {
		h.t.Fatal(err)
	}
	return consent.ConsentCookie + "=" + h.codec.Encode(r, "127.0.0.1")
}

// do sends a raw request and returns the status and body.
func (h *harness) do(method, uri string, header map[string]string, body string) (int, string, http.Header) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.base+uri, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := h.hc.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// browser is the header set of a consenting desktop Chrome.
func (h *harness) browser(extra map[string]string) map[string]string {
	m := map[string]string{
		"User-Agent":      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
		"Accept-Language": "en-US,en;q=0.9",
		"Cookie":          h.cookie(true) + "; _ga=GA1.1.123.456; session=s3cr3t",
		"X-Forwarded-For": "203.0.113.77",
		"Content-Type":    "text/plain;charset=UTF-8",
	}
	for k, v := range extra {
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

func headerNames(h http.Header) []string {
	var out []string
	for k := range h {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// all returns the observations so far.
func (r *recorder) all() []consentproxy.Observation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]consentproxy.Observation(nil), r.obs...)
}
