package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Check is a readiness probe of one dependency.
type Check func(ctx context.Context) error

// Health mounts /healthz (the process answers) and /readyz (every check
// passes within 2 s). Failing checks are named, never described: their errors
// may carry addresses that are nobody's business.
//
// The checks run side by side, and one that has not answered by the
// deadline counts as failing even if it ignores its context (a ClickHouse
// server that accepts connections but never answers holds a ping for the
// driver's dial timeout): a probe must get its 503 in time, not a timeout.
//
// /readyz needs no credentials, and its checks are not free (the spool's
// creates, writes, fsyncs and removes a file; the store's is a round trip
// to ClickHouse), so each check's result is kept for readyCacheTTL and
// callers arriving while a check runs wait for that run rather than start
// their own: however often /readyz is called, each check runs at most once
// a second, and never twice at a time. A failure is seen within that second.
//
// It returns the same two endpoints as a net/http handler, sharing the
// cache, for a listener of their own (cmd serves them on --metrics-listen
// too): a probe there is answered even while the public listener is full.
func Health(r fiber.Router, checks map[string]Check) http.Handler {
	rd := newReadiness(checks, readyCacheTTL, readyTimeout, time.Now)
	rd.mount(r)
	return rd.handler()
}

// handler serves /healthz and /readyz over net/http.
func (rd *readiness) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		out, ok := rd.status()
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(out)
	})
	return mux
}

const (
	// readyTimeout bounds /readyz, below the usual 5 s of a load balancer's probe.
	readyTimeout = 2 * time.Second
	// readyCacheTTL is how long one run of a check answers /readyz.
	readyCacheTTL = time.Second
)

// readiness is /readyz: its checks, each with its last run, and the clock
// (injectable for tests).
type readiness struct {
	checks  map[string]*cachedCheck
	ttl     time.Duration
	timeout time.Duration
	now     func() time.Time
}

// cachedCheck is one check and its latest run, finished or in flight.
type cachedCheck struct {
	check Check
	mu    sync.Mutex
	last  *checkRun
}

// checkRun is one run of a check. err is written before done is closed,
// and read only after.
type checkRun struct {
	started time.Time
	done    chan struct{}
	err     error
}

func newReadiness(checks map[string]Check, ttl, timeout time.Duration, now func() time.Time) *readiness {
	rd := &readiness{checks: make(map[string]*cachedCheck, len(checks)), ttl: ttl, timeout: timeout, now: now}
	for name, check := range checks {
		rd.checks[name] = &cachedCheck{check: check}
	}
	return rd
}

// run returns the run that answers a caller at now: the one in flight if
// any (however long it has been running: starting another beside a stuck
// one would only pile up goroutines), else the last one if it started less
// than ttl ago, else a new one. A run's context is its own, not a caller's:
// the callers that share it may leave at any time.
func (cc *cachedCheck) run(now time.Time, ttl, timeout time.Duration) *checkRun {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if r := cc.last; r != nil {
		select {
		case <-r.done:
			if age := now.Sub(r.started); age >= 0 && age < ttl {
				return r
			}
		default:
			return r
		}
	}
	r := &checkRun{started: now, done: make(chan struct{})}
	cc.last = r
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		r.err = cc.check(ctx)
		close(r.done)
	}()
	return r
}

func (rd *readiness) mount(r fiber.Router) {
	r.Get("/healthz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendString("ok\n")
	})
	r.Get("/readyz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		out, ok := rd.status()
		if !ok {
			return c.Status(fiber.StatusServiceUnavailable).JSON(out)
		}
		return c.JSON(out)
	})
}

// status is every check's state, "ok" or "failing", and whether all are ok.
// A check whose run has not finished within the timeout is failing.
func (rd *readiness) status() (fiber.Map, bool) {
	now := rd.now()
	runs := make(map[string]*checkRun, len(rd.checks))
	for name, cc := range rd.checks {
		runs[name] = cc.run(now, rd.ttl, rd.timeout)
	}
	deadline := time.NewTimer(rd.timeout)
	defer deadline.Stop()
	out := fiber.Map{}
	ok, expired := true, false
	for name, r := range runs {
		if !expired {
			select {
			case <-r.done:
			case <-deadline.C:
				expired = true
			}
		}
		select {
		case <-r.done:
			if r.err == nil {
				out[name] = "ok"
				continue
			}
		default:
		}
		out[name] = "failing"
		ok = false
	}
	return out, ok
}
