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
	// QueueSize bounds hits waiting to be forwarded; beyond it hits are
	// dropped and counted, never waited for. Default 10000.
	QueueSize int
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
	uri  []byte // "/g/collect?..."
	body []byte
	ua   []byte
	lang []byte
}

func (j *job) reset() {
	j.post = false
	j.uri, j.body, j.ua, j.lang = j.uri[:0], j.body[:0], j.ua[:0], j.lang[:0]
}

// ForwardStats counts the forwarder's outcomes.
type ForwardStats struct {
	Queued, Sent, Failed, Dropped, Non2xx uint64
	QueueDepth                            int
}

// Forwarder sends minimized hits to Google from a bounded queue, so the
// browser never waits on Google and a slow Google cannot pile up memory.
type Forwarder struct {
	cfg    ForwarderConfig
	origin string // scheme://host of the upstream, for building request URIs
	client *fasthttp.Client
	queue  chan *job
	pool   sync.Pool
	wg     sync.WaitGroup

	closeOnce sync.Once
	closing   atomic.Bool
	mu        sync.RWMutex // guards sends on queue against its close

	queued, sent, failed, dropped, non2xx atomic.Uint64
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
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 10000
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 32
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
		cfg:    cfg,
		origin: origin,
		client: newClient(cfg.DialTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.MaxIdleConnDuration, cfg.Workers),
		queue:  make(chan *job, cfg.QueueSize),
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
// proxy to another host.
func newClient(dial, read, write, idle time.Duration, conns int) *fasthttp.Client {
	dialer := &net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}
	return &fasthttp.Client{
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

// enqueue hands j to the workers, or drops it when the queue is full or the
// forwarder is closing. It never blocks.
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
		f.dropped.Add(1)
		f.put(j)
		return false
	}
}

func (f *Forwarder) work() {
	defer f.wg.Done()
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	var url []byte // per worker: origin + path and query
	for j := range f.queue {
		url = append(append(url[:0], f.origin...), j.uri...)
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
	if err := f.client.Do(req, resp); err != nil {
		f.failed.Add(1)
		return
	}
	if c := resp.StatusCode(); c < 200 || c > 299 {
		f.non2xx.Add(1)
		return
	}
	f.sent.Add(1)
}

// Stats returns the forwarder's counters.
func (f *Forwarder) Stats() ForwardStats {
	return ForwardStats{
		Queued: f.queued.Load(), Sent: f.sent.Load(), Failed: f.failed.Load(),
		Dropped: f.dropped.Load(), Non2xx: f.non2xx.Load(), QueueDepth: len(f.queue),
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
