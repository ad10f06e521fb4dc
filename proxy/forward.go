package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// ForwarderConfig tunes the asynchronous path to Google.
type ForwarderConfig struct {
	// Upstream is the GA collection origin. Default https://www.google-analytics.com.
	Upstream string
	// TagUpstream is where gtag.js's own diagnostics pings (/a, /td) go.
	// Default https://www.googletagmanager.com.
	TagUpstream string
	// QueueSize bounds hits waiting to be forwarded. Default 10000.
	QueueSize int
	// FullWait is how long a hit that finds the queue full waits for room
	// before it is dropped and counted. Default 250 ms; negative: never
	// wait. The wait is backpressure: on a saturated machine the workers
	// compete for CPU with the handlers taking new hits, and without it a
	// burst that outruns them would be dropped although the upstream is
	// fine. So it applies only while the upstream keeps answering: when no
	// send has completed for stallWindow (Google hangs), or one failed or
	// was answered non-2xx in the last failurePause (Google is down), a
	// full queue drops at once and an outage costs visitors no time.
	FullWait time.Duration
	// Workers is the number of concurrent upstream requests. Default 32.
	Workers int
	// DialTimeout, WriteTimeout and ReadTimeout bound each phase of an
	// upstream request. Defaults 3 s, 5 s and 5 s.
	DialTimeout, WriteTimeout, ReadTimeout time.Duration
	// MaxIdleConnDuration closes keep-alive connections idle for longer.
	// Default 90 s.
	MaxIdleConnDuration time.Duration
}

// job is one request to Google. It owns all its bytes: the handler that made
// it has returned long before a worker sends it, and Fiber reuses request
// memory once a handler returns.
type job struct {
	post bool
	tag  bool   // to TagUpstream, not Upstream
	uri  []byte // "/g/collect?..."
	body []byte
	ua   []byte
	lang []byte
}

func (j *job) reset() {
	j.post, j.tag = false, false
	j.uri, j.body, j.ua, j.lang = j.uri[:0], j.body[:0], j.ua[:0], j.lang[:0]
}

// ForwardStats counts the forwarder's outcomes. Waited counts hits that
// found the queue full and waited for room (see ForwarderConfig.FullWait);
// those that found none are also in Dropped.
type ForwardStats struct {
	Queued, Sent, Failed, Dropped, Non2xx, Waited uint64
	// SendNanos is the time spent in upstream round trips, all outcomes.
	SendNanos  uint64
	QueueDepth int
}

// Forwarder sends minimized hits to Google from a bounded queue, so the
// browser never waits on Google and a slow Google cannot pile up memory.
type Forwarder struct {
	cfg       ForwarderConfig
	origin    string // scheme://host of the upstream, for building request URIs
	tagOrigin string // scheme://host of TagUpstream
	client    *fasthttp.Client
	queue     chan *job
	pool      sync.Pool
	wg        sync.WaitGroup

	closeOnce sync.Once
	closing   atomic.Bool
	mu        sync.RWMutex // guards sends on queue against its close

	queued, sent, failed, dropped, non2xx, waited atomic.Uint64
	sendNanos                                     atomic.Uint64
	timers                                        sync.Pool    // *time.Timer for FullWait
	failedAt                                      atomic.Int64 // unix ns of the latest failed send
	doneAt                                        atomic.Int64 // unix ns of the latest completed send
}

// When a full queue waits for room (see ForwarderConfig.FullWait): only if
// a send completed within stallWindow and none failed within failurePause.
// A healthy upstream under load completes sends every few microseconds.
const (
	stallWindow  = 100 * time.Millisecond
	failurePause = 10 * time.Second
)

// upstreamHealthy reports whether a full queue should wait for room.
func (f *Forwarder) upstreamHealthy() bool {
	now := time.Now().UnixNano()
	return now-f.doneAt.Load() < int64(stallWindow) && now-f.failedAt.Load() > int64(failurePause)
}

// NewForwarder validates cfg and starts the workers.
func NewForwarder(cfg ForwarderConfig) (*Forwarder, error) {
	if cfg.Upstream == "" {
		cfg.Upstream = "https://www.google-analytics.com"
	}
	origin, err := parseOrigin("ga upstream", cfg.Upstream)
	if err != nil {
		return nil, err
	}
	if cfg.TagUpstream == "" {
		cfg.TagUpstream = "https://www.googletagmanager.com"
	}
	tagOrigin, err := parseOrigin("gtm upstream", cfg.TagUpstream)
	if err != nil {
		return nil, err
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 10000
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 32
	}
	if cfg.FullWait == 0 {
		cfg.FullWait = 250 * time.Millisecond
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 3 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 5 * time.Second
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 5 * time.Second
	}
	if cfg.MaxIdleConnDuration <= 0 {
		cfg.MaxIdleConnDuration = 90 * time.Second
	}
	f := &Forwarder{
		cfg:       cfg,
		origin:    origin,
		tagOrigin: tagOrigin,
		client:    newClient(cfg.DialTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.MaxIdleConnDuration, cfg.Workers, false),
		queue:     make(chan *job, cfg.QueueSize),
	}
	f.pool.New = func() any { return new(job) }
	for i := 0; i < cfg.Workers; i++ {
		f.wg.Add(1)
		go f.work()
	}
	return f, nil
}

// parseOrigin checks that s is a bare origin (scheme and host): upstream
// URLs are built only from it and fixed paths, never from client input.
func parseOrigin(what, s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
		return "", fmt.Errorf("%s %q: want an origin such as https://www.google.com", what, s)
	}
	return u.Scheme + "://" + u.Host, nil
}

// newClient builds a pooled keep-alive client with a bound on every phase.
// It never follows redirects (Do does not), so an upstream cannot bounce the
// proxy to another host. Without retry it never sends a request twice:
// fasthttp would retry a GET whose connection failed, and a hit that may
// have arrived must not be counted twice by Google.
func newClient(dial, read, write, idle time.Duration, conns int, retry bool) *fasthttp.Client {
	dialer := &net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}
	var retryIf fasthttp.RetryIfErrFunc
	if !retry {
		retryIf = func(*fasthttp.Request, int, error) (bool, bool) { return false, false }
	}
	return &fasthttp.Client{
		RetryIfErr:                    retryIf,
		Name:                          "-", // replaced per request by the visitor's User-Agent
		NoDefaultUserAgentHeader:      true,
		ReadTimeout:                   read,
		WriteTimeout:                  write,
		MaxIdleConnDuration:           idle,
		MaxConnsPerHost:               conns,
		MaxConnWaitTimeout:            dial,
		DisableHeaderNamesNormalizing: false,
		DisablePathNormalizing:        true,
		Dial: func(addr string) (net.Conn, error) {
			return dialer.Dial("tcp", addr)
		},
	}
}

func (f *Forwarder) get() *job {
	j := f.pool.Get().(*job)
	j.reset()
	return j
}

func (f *Forwarder) put(j *job) {
	// Keep pooled buffers small so one huge hit does not pin memory.
	if cap(j.uri)+cap(j.body) > 64<<10 {
		return
	}
	f.pool.Put(j)
}

// enqueue hands j to the workers. When the queue is full it waits up to
// FullWait for room while the upstream is healthy, then drops j; while
// closing, or with the upstream stalled or failing, it drops j at once.
func (f *Forwarder) enqueue(j *job) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closing.Load() {
		f.dropped.Add(1)
		f.put(j)
		return false
	}
	select {
	case f.queue <- j:
		f.queued.Add(1)
		return true
	default:
	}
	if f.cfg.FullWait > 0 && f.upstreamHealthy() {
		f.waited.Add(1)
		// Timers are pooled: under sustained overload every hit comes
		// here. Since Go 1.23 a stopped or fired timer can be Reset
		// without draining its channel.
		t, _ := f.timers.Get().(*time.Timer)
		if t == nil {
			t = time.NewTimer(f.cfg.FullWait)
		} else {
			t.Reset(f.cfg.FullWait)
		}
		defer f.timers.Put(t)
		defer t.Stop()
		select {
		case f.queue <- j:
			f.queued.Add(1)
			return true
		case <-t.C:
		}
	}
	f.dropped.Add(1)
	f.put(j)
	return false
}

func (f *Forwarder) work() {
	defer f.wg.Done()
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	var url []byte // per worker: origin + path and query
	for j := range f.queue {
		origin := f.origin
		if j.tag {
			origin = f.tagOrigin
		}
		url = append(append(url[:0], origin...), j.uri...)
		f.send(req, resp, url, j)
		f.put(j)
	}
}

func (f *Forwarder) send(req *fasthttp.Request, resp *fasthttp.Response, url []byte, j *job) {
	req.Reset()
	resp.Reset()
	req.URI().DisablePathNormalizing = true
	req.SetRequestURIBytes(url)
	if j.post {
		req.Header.SetMethod(fasthttp.MethodPost)
		req.Header.SetContentType("text/plain;charset=UTF-8")
		req.SetBodyRaw(j.body)
	} else {
		req.Header.SetMethod(fasthttp.MethodGet)
	}
	// The allowlist: nothing of the site's request but these two headers.
	if len(j.ua) > 0 {
		req.Header.SetUserAgentBytes(j.ua)
	}
	if len(j.lang) > 0 {
		req.Header.SetBytesV(fasthttp.HeaderAcceptLanguage, j.lang)
	}
	start := time.Now().UnixNano()
	err := f.client.Do(req, resp)
	now := time.Now().UnixNano()
	f.doneAt.Store(now)
	f.sendNanos.Add(uint64(now - start))
	if err != nil {
		f.failed.Add(1)
		f.failedAt.Store(now)
		return
	}
	if c := resp.StatusCode(); c < 200 || c > 299 {
		f.non2xx.Add(1)
		f.failedAt.Store(now)
		return
	}
	f.sent.Add(1)
}

// Stats returns the forwarder's counters.
func (f *Forwarder) Stats() ForwardStats {
	return ForwardStats{
		Queued: f.queued.Load(), Sent: f.sent.Load(), Failed: f.failed.Load(),
		Dropped: f.dropped.Load(), Non2xx: f.non2xx.Load(), Waited: f.waited.Load(), QueueDepth: len(f.queue),
		SendNanos: f.sendNanos.Load(),
	}
}

// Close stops taking hits and waits for the queue to drain until ctx ends.
// Hits still queued then are counted as dropped.
func (f *Forwarder) Close(ctx context.Context) error {
	f.closeOnce.Do(func() {
		f.mu.Lock()
		f.closing.Store(true)
		close(f.queue)
		f.mu.Unlock()
	})
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.New("forward queue not drained before the deadline: " + strings.TrimSpace(ctx.Err().Error()))
	}
}
