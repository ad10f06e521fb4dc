package main

import (
	"bytes"
	"context"
	"net"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// stub stands in for Google: it answers every hit with 204 over keep-alive
// connections and counts what it receives, so the harness can check that
// every consented hit arrived and that nothing identifying did.
type stub struct {
	ln  net.Listener
	srv *fasthttp.Server

	requests, events atomic.Int64
	// leaks counts requests carrying a header a privacy-preserving proxy
	// must strip (Cookie, X-Forwarded-For); a non-zero count fails the run.
	leaks atomic.Int64
}

type stubCounts struct{ Requests, Events, Leaks int64 }

func startStub() (*stub, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &stub{ln: ln}
	s.srv = &fasthttp.Server{
		Handler:     s.handle,
		Name:        "stub",
		IdleTimeout: time.Minute,
		Concurrency: 64 << 10,
	}
	// The label follows every goroutine the server starts, so a profile
	// taken in this process can leave the stub out (-tagignore role=stub).
	go pprof.Do(context.Background(), pprof.Labels("role", "stub"), func(context.Context) { _ = s.srv.Serve(ln) })
	return s, nil
}

func (s *stub) addr() string { return s.ln.Addr().String() }

func (s *stub) handle(c *fasthttp.RequestCtx) {
	if len(c.Request.Header.Peek("Cookie")) > 0 || len(c.Request.Header.Peek("X-Forwarded-For")) > 0 {
		s.leaks.Add(1)
	}
	s.requests.Add(1)
	s.events.Add(int64(countEvents(c.IsPost(), c.PostBody())))
	c.SetStatusCode(fasthttp.StatusNoContent)
}

// countEvents counts a GA4 hit's events as the Measurement Protocol does:
// one per non-empty body line, or the query itself when the body is empty.
func countEvents(post bool, body []byte) int {
	if !post {
		return 1
	}
	n := 0
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return max(n, 1)
}

func (s *stub) counts() stubCounts {
	return stubCounts{Requests: s.requests.Load(), Events: s.events.Load(), Leaks: s.leaks.Load()}
}

func (s *stub) reset() {
	s.requests.Store(0)
	s.events.Store(0)
	s.leaks.Store(0)
}

// settle waits until the counts stop changing for quiet (the target has
// drained its queue), or until limit.
func (s *stub) settle(quiet, limit time.Duration) stubCounts {
	deadline := time.Now().Add(limit)
	last := s.counts()
	since := time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		c := s.counts()
		if c != last {
			last, since = c, time.Now()
			continue
		}
		if time.Since(since) >= quiet {
			break
		}
	}
	return last
}

func (s *stub) close() { _ = s.srv.Shutdown() }
