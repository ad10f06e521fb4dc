package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// ScriptConfig tunes the gtag.js cache.
type ScriptConfig struct {
	// Upstream is the Google Tag Manager origin. Default https://www.googletagmanager.com.
	Upstream string
	// TTL is how long a fetched script is served before it is fetched again.
	// Default 1 h.
	TTL time.Duration
	// MaxEntries bounds the cache: one entry per canonical query and
	// visitor region (Google builds gtag.js per region). Entries with the
	// same content share one copy. Default 512.
	MaxEntries int
	// Timeout bounds one upstream fetch. Default 10 s.
	Timeout time.Duration
	// MaxBytes is the largest script accepted from upstream. Default 2 MiB.
	MaxBytes int
}

// script is one cached copy of gtag.js, rewritten (see rewriteScript).
type script struct {
	body    []byte
	gz      []byte // gzip of body, for clients that accept it
	etag    string
	fetched time.Time
}

// scriptKey is a cache key: the canonical query and the visitor's region.
type scriptKey struct{ query, region string }

// flight is a fetch in progress; waiters share its result.
type flight struct {
	done chan struct{}
	s    *script
	err  error
}

// Scripts caches gtag.js per canonical query. A cold key makes exactly one
// upstream fetch however many browsers ask at once, and a failed refresh
// serves the stale copy.
type Scripts struct {
	cfg    ScriptConfig
	origin string
	client *fasthttp.Client
	now    func() time.Time

	mu      sync.Mutex
	entries map[scriptKey]*script
	flights map[scriptKey]*flight
	bodies  map[string]*script // by etag: one copy of each content

	fetches, staleServed, failures uint64 // guarded by mu
}

// NewScripts validates cfg.
func NewScripts(cfg ScriptConfig) (*Scripts, error) {
	if cfg.Upstream == "" {
		cfg.Upstream = "https://www.googletagmanager.com"
	}
	origin, err := parseOrigin("gtm upstream", cfg.Upstream)
	if err != nil {
		return nil, err
	}
	if cfg.TTL <= 0 {
		cfg.TTL = time.Hour
	}
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = 512
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 2 << 20
	}
	return &Scripts{
		cfg:     cfg,
		origin:  origin,
		client:  newClient(cfg.Timeout/2, cfg.Timeout, cfg.Timeout, 90*time.Second, 4, true),
		now:     time.Now,
		entries: map[scriptKey]*script{},
		flights: map[scriptKey]*flight{},
		bodies:  map[string]*script{},
	}, nil
}

// errNoScript means the upstream failed and there was no copy to fall back on.
var errNoScript = errors.New("gtag.js unavailable upstream and not cached")

// get returns the script for the canonical query q as Google builds it for
// visitors from region ("US-CA", "DE", or "" for unknown).
func (s *Scripts) get(ctx context.Context, q, region string) (*script, error) {
	k := scriptKey{q, region}
	s.mu.Lock()
	cur := s.entries[k]
	if cur != nil && s.now().Sub(cur.fetched) < s.cfg.TTL {
		s.mu.Unlock()
		return cur, nil
	}
	f := s.flights[k]
	if f == nil {
		f = &flight{done: make(chan struct{})}
		s.flights[k] = f
		s.fetches++
		go s.fetch(k, f)
	}
	if cur != nil {
		// Stale while revalidating: the expired copy answers at once and
		// the refresh runs for later visitors, so a Google that hangs never
		// makes a page wait for its tag (it waited the fetch timeout, 10 s).
		s.staleServed++
		s.mu.Unlock()
		return cur, nil
	}
	s.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-f.done:
		if f.err == nil {
			return f.s, nil
		}
	default:
	}
	return nil, errNoScript
}

// fetch runs detached from any one request, so a browser that gives up does
// not cancel the fetch the others are waiting for.
func (s *Scripts) fetch(k scriptKey, f *flight) {
	sc, err := s.download(k)
	s.mu.Lock()
	if err == nil {
		if same := s.bodies[sc.etag]; same != nil {
			same.fetched = sc.fetched // one copy of each content, however many keys
			sc = same
		}
		if _, ok := s.entries[k]; !ok && len(s.entries) >= s.cfg.MaxEntries {
			s.evictOldest()
		}
		s.entries[k] = sc
		s.bodies[sc.etag] = sc
	} else {
		s.failures++
	}
	f.s, f.err = sc, err
	delete(s.flights, k)
	s.mu.Unlock()
	close(f.done)
}

// evictOldest drops the entry fetched longest ago, and its content once no
// entry holds it.
func (s *Scripts) evictOldest() {
	var oldest scriptKey
	var t time.Time
	found := false
	for k, e := range s.entries {
		if !found || e.fetched.Before(t) {
			oldest, t, found = k, e.fetched, true
		}
	}
	gone := s.entries[oldest]
	delete(s.entries, oldest)
	for _, e := range s.entries {
		if e == gone {
			return
		}
	}
	if gone != nil {
		delete(s.bodies, gone.etag)
	}
}

// download fetches gtag.js for k. The visitor's region travels as Google's
// tag gateway sends it to Google's tag server (X-Forwarded-CountryRegion:
// US-CA, or X-Forwarded-Country: DE), never the address: the script
// Google builds carries region-scoped settings and Consent Mode defaults,
// and without the header it is built for wherever this proxy runs.
func (s *Scripts) download(k scriptKey) (*script, error) {
	q := k.query
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(s.origin + "/gtag/js?" + q)
	req.Header.Set(fasthttp.HeaderAcceptEncoding, "identity")
	if k.region != "" {
		if strings.Contains(k.region, "-") {
			req.Header.Set("X-Forwarded-CountryRegion", k.region)
		} else {
			req.Header.Set("X-Forwarded-Country", k.region)
		}
	}
	resp.SkipBody = false
	if err := s.client.DoTimeout(req, resp, s.cfg.Timeout); err != nil {
		return nil, fmt.Errorf("fetch gtag.js: %w", err)
	}
	if resp.StatusCode() != fasthttp.StatusOK {
		// Redirects included: the proxy only ever talks to the configured host.
		return nil, fmt.Errorf("fetch gtag.js: upstream status %d", resp.StatusCode())
	}
	body := resp.Body()
	if len(body) == 0 || len(body) > s.cfg.MaxBytes {
		return nil, fmt.Errorf("fetch gtag.js: body of %d bytes", len(body))
	}
	sc := &script{body: rewriteScript(body), fetched: s.now()}
	sum := sha256.Sum256(sc.body)
	sc.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(sc.body)
	if err := w.Close(); err == nil {
		sc.gz = gz.Bytes()
	}
	return sc, nil
}

// ScriptStats counts cache behaviour. Copies is the number of distinct
// contents held (Entries share them).
type ScriptStats struct {
	Entries, Copies                int
	Fetches, StaleServed, Failures uint64
}

// Stats returns the cache's counters.
func (s *Scripts) Stats() ScriptStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ScriptStats{Entries: len(s.entries), Copies: len(s.bodies), Fetches: s.fetches, StaleServed: s.staleServed, Failures: s.failures}
}
