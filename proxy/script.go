package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
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
	// MaxEntries bounds the cache (one entry per canonical query). Default 64.
	MaxEntries int
	// Timeout bounds one upstream fetch. Default 10 s.
	Timeout time.Duration
	// MaxBytes is the largest script accepted from upstream. Default 2 MiB.
	MaxBytes int
}

// script is one cached copy of gtag.js.
type script struct {
	body    []byte
	gz      []byte // gzip of body, for clients that accept it
	etag    string
	fetched time.Time
}

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
	entries map[string]*script
	flights map[string]*flight

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
		cfg.MaxEntries = 64
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
		entries: map[string]*script{},
		flights: map[string]*flight{},
	}, nil
}

// errNoScript means the upstream failed and there was no copy to fall back on.
var errNoScript = errors.New("gtag.js unavailable upstream and not cached")

// get returns the script for the canonical query q.
func (s *Scripts) get(ctx context.Context, q string) (*script, error) {
	s.mu.Lock()
	cur := s.entries[q]
	if cur != nil && s.now().Sub(cur.fetched) < s.cfg.TTL {
		s.mu.Unlock()
		return cur, nil
	}
	f := s.flights[q]
	if f == nil {
		f = &flight{done: make(chan struct{})}
		s.flights[q] = f
		s.fetches++
		go s.fetch(q, f)
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
func (s *Scripts) fetch(q string, f *flight) {
	sc, err := s.download(q)
	s.mu.Lock()
	if err == nil {
		if _, ok := s.entries[q]; !ok && len(s.entries) >= s.cfg.MaxEntries {
			s.evictOldest()
		}
		s.entries[q] = sc
	} else {
		s.failures++
	}
	f.s, f.err = sc, err
	delete(s.flights, q)
	s.mu.Unlock()
	close(f.done)
}

func (s *Scripts) evictOldest() {
	var oldest string
	var t time.Time
	for k, e := range s.entries {
		if oldest == "" || e.fetched.Before(t) {
			oldest, t = k, e.fetched
		}
	}
	delete(s.entries, oldest)
}

func (s *Scripts) download(q string) (*script, error) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(s.origin + "/gtag/js?" + q)
	req.Header.Set(fasthttp.HeaderAcceptEncoding, "identity")
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
	sc := &script{body: bytes.Clone(body), fetched: s.now()}
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

// ScriptStats counts cache behaviour.
type ScriptStats struct {
	Entries                        int
	Fetches, StaleServed, Failures uint64
}

// Stats returns the cache's counters.
func (s *Scripts) Stats() ScriptStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ScriptStats{Entries: len(s.entries), Fetches: s.fetches, StaleServed: s.staleServed, Failures: s.failures}
}
