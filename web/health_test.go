package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp/fasthttputil"
)

// TestReadyzDeadline: a check that ignores its context (as a driver stuck
// dialling a server that never answers does) cannot hold /readyz past its
// deadline; it is reported failing, the other checks as they are.
func TestReadyzDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	app, _ := NewApp(Config{})
	Health(app, map[string]Check{
		"stuck":  func(context.Context) error { <-release; return nil },
		"ok":     func(context.Context) error { return nil },
		"broken": func(context.Context) error { return errors.New("down") },
	})
	start := time.Now()
	resp, err := app.Test(httptest.NewRequest("GET", "/readyz", nil), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	b, _ := io.ReadAll(resp.Body)
	var got map[string]string
	json.Unmarshal(b, &got)
	want := map[string]string{"stuck": "failing", "ok": "ok", "broken": "failing"}
	if resp.StatusCode != 503 || !reflect.DeepEqual(got, want) {
		t.Errorf("/readyz: %d %s, want 503 %v", resp.StatusCode, b, want)
	}
	if took < readyTimeout || took > readyTimeout+time.Second {
		t.Errorf("/readyz took %v, want about %v", took, readyTimeout)
	}

	app, _ = NewApp(Config{})
	Health(app, map[string]Check{"a": func(context.Context) error { return nil }, "b": func(context.Context) error { return nil }})
	resp, err = app.Test(httptest.NewRequest("GET", "/readyz", nil), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != `{"a":"ok","b":"ok"}` {
		t.Errorf("/readyz with every check passing: %d %s", resp.StatusCode, b)
	}
}

// fakeClock is a settable clock for readiness tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// TestReadyzSharesRuns: 1000 concurrent /readyz requests over HTTP, all
// arriving while the check is still running, cost one run of it: callers
// wait for the run in flight, and later ones get its result from the cache
// (the clock stands still, so it never expires).
func TestReadyzSharesRuns(t *testing.T) {
	const n = 1000
	var runs, arrived atomic.Int64
	allIn := make(chan struct{})
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	app, _ := NewApp(Config{})
	app.Use(func(c *fiber.Ctx) error {
		if arrived.Add(1) == n {
			close(allIn)
		}
		return c.Next()
	})
	newReadiness(map[string]Check{"spool": func(context.Context) error {
		runs.Add(1)
		<-allIn // every request is in before the first run ends
		return nil
	}}, readyCacheTTL, 30*time.Second, clock.now).mount(app)

	ln := fasthttputil.NewInmemoryListener()
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) { return ln.Dial() },
	}}
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range n {
		wg.Go(func() {
			resp, err := client.Get("http://proxy.test/readyz")
			if err != nil {
				failed.Add(1)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(b) != `{"spool":"ok"}` {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Errorf("%d of %d /readyz requests failed", f, n)
	}
	if r := runs.Load(); r != 1 {
		t.Errorf("%d concurrent /readyz requests ran the check %d times, want 1", n, r)
	}
}

// TestReadyzCache: a result answers /readyz for the cache period and no
// longer, so a check that starts failing is reported within it, and one
// that recovers likewise.
func TestReadyzCache(t *testing.T) {
	var runs atomic.Int64
	var broken atomic.Bool
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	app, _ := NewApp(Config{})
	newReadiness(map[string]Check{"store": func(context.Context) error {
		runs.Add(1)
		if broken.Load() {
			return errors.New("down")
		}
		return nil
	}}, time.Second, readyTimeout, clock.now).mount(app)
	steps := []struct {
		advance time.Duration
		broken  bool
		status  int
		runs    int64
	}{
		{0, false, 200, 1},
		{0, false, 200, 1},
		{500 * time.Millisecond, true, 200, 1}, // broken, but the result is 0.5 s old
		{499 * time.Millisecond, true, 200, 1},
		{time.Millisecond, true, 503, 2}, // 1 s: run again, failing
		{900 * time.Millisecond, false, 503, 2},
		{100 * time.Millisecond, false, 200, 3},
	}
	for i, s := range steps {
		clock.advance(s.advance)
		broken.Store(s.broken)
		resp, err := app.Test(httptest.NewRequest("GET", "/readyz", nil))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != s.status || runs.Load() != s.runs {
			t.Errorf("step %d: %d after %d runs, want %d after %d", i, resp.StatusCode, runs.Load(), s.status, s.runs)
		}
	}
}

// TestReadyzStuckCheckRunsOnce: a check stuck past the deadline is
// reported failing each time, and is not started again beside itself.
func TestReadyzStuckCheckRunsOnce(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var runs atomic.Int64
	app, _ := NewApp(Config{})
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	newReadiness(map[string]Check{
		"stuck": func(context.Context) error { runs.Add(1); <-release; return nil },
		"ok":    func(context.Context) error { return nil },
	}, time.Second, 50*time.Millisecond, clock.now).mount(app)
	for i := range 3 {
		clock.advance(2 * time.Second) // every cached result has expired
		resp, err := app.Test(httptest.NewRequest("GET", "/readyz", nil))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 503 || string(b) != `{"ok":"ok","stuck":"failing"}` {
			t.Errorf("call %d: %d %s", i, resp.StatusCode, b)
		}
	}
	if r := runs.Load(); r != 1 {
		t.Errorf("the stuck check was started %d times, want 1", r)
	}
}
