package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// relay is a loopback TCP forwarder in front of a real server, so a test
// can make the server unreachable (a closed port) and reachable again on
// the same address without touching the server itself.
type relay struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	stall  relayStall
}

func newRelay(t testing.TB, target string) *relay {
	t.Helper()
	r := &relay{target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(r.cut)
	return r
}

func (r *relay) serve(ln net.Listener) {
	r.mu.Lock()
	r.ln = ln
	r.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.pipe(c)
		}
	}()
}

func (r *relay) pipe(c net.Conn) {
	s, err := net.DialTimeout("tcp", r.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	r.mu.Lock()
	if r.ln == nil { // cut while dialling
		r.mu.Unlock()
		c.Close()
		s.Close()
		return
	}
	r.conns[c], r.conns[s] = true, true
	r.mu.Unlock()
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) { r.copy(dst, src); dst.Close(); src.Close(); done <- struct{}{} }
	go cp(s, c)
	go cp(c, s)
	<-done
	<-done
	r.mu.Lock()
	delete(r.conns, c)
	delete(r.conns, s)
	r.mu.Unlock()
}

// cut closes the port and every relayed connection.
func (r *relay) cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln != nil {
		r.ln.Close()
		r.ln = nil
	}
	for c := range r.conns {
		c.Close()
	}
}

// resume opens the same port again.
func (r *relay) resume(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		t.Fatalf("relay: listen again on %s: %v", r.addr, err)
	}
	r.serve(ln)
}

// viaRelay returns dsn with its host replaced by a relay to it.
func viaRelay(t testing.TB, dsn string) (string, *relay) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	r := newRelay(t, u.Host)
	u.Host = r.addr
	return u.String(), r
}

// probe returns the status and decoded JSON (if any) of GET path.
func probe(t testing.TB, c *client, path string) (int, map[string]string) {
	t.Helper()
	status, body, _ := c.do(http.MethodGet, path, nil, "")
	var m map[string]string
	json.Unmarshal([]byte(body), &m)
	if path == "/healthz" && status == http.StatusOK && body != "ok\n" {
		t.Errorf("/healthz body %q", body)
	}
	return status, m
}

func TestHealth(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		c := rigOf(t, MustRunMain(t, nil)).client
		if s, _ := probe(t, c, "/healthz"); s != http.StatusOK {
			t.Errorf("/healthz %d", s)
		}
		if s, m := probe(t, c, "/readyz"); s != http.StatusOK || !reflect.DeepEqual(m, map[string]string{"forwarder": "ok"}) {
			t.Errorf("/readyz %d %v, want 200 with the forwarder only", s, m)
		}
	})
	t.Run("chdb", func(t *testing.T) {
		c := rigOf(t, mustRunMainOn(t, freshDB(t, engineChdb), nil)).client
		if s, m := probe(t, c, "/readyz"); s != http.StatusOK || !reflect.DeepEqual(m, map[string]string{"forwarder": "ok", "spool": "ok", "store": "ok"}) {
			t.Errorf("/readyz %d %v", s, m)
		}
	})
	t.Run("clickhouse", func(t *testing.T) {
		d := freshDB(t, engineClickHouse)
		var rl *relay
		d.DSN, rl = viaRelay(t, d.DSN)
		m := mustRunMainOn(t, d, nil)
		c := rigOf(t, m).client
		ready := map[string]string{"forwarder": "ok", "spool": "ok", "store": "ok"}
		if s, m := probe(t, c, "/readyz"); s != http.StatusOK || !reflect.DeepEqual(m, ready) {
			t.Errorf("/readyz with the server up: %d %v", s, m)
		}
		rl.cut()
		// A check's result answers /readyz for a second (web.Health), so the
		// failure shows within that second, not at the very next probe.
		failing := map[string]string{"forwarder": "ok", "spool": "ok", "store": "failing"}
		var got map[string]string
		var status int
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if status, got = probe(t, c, "/readyz"); status != http.StatusOK {
				break
			}
		}
		if status != http.StatusServiceUnavailable || !reflect.DeepEqual(got, failing) {
			t.Errorf("/readyz with the server unreachable: %d %v, want 503 naming the store within the cache's second", status, got)
		}
		if s, _ := probe(t, c, "/healthz"); s != http.StatusOK {
			t.Errorf("/healthz with the server unreachable: %d, want 200 (the process is alive)", s)
		}
		// Hits are still answered at once.
		c.mustCollect(browser{IP: "203.0.113.9", UA: uaChromeWin, Lang: "en"}, hit(siteA, "1.1", "page_view", "https://site.example/"))
		rl.resume(t)
		eventually(t, 10*time.Second, "/readyz to recover", func() bool {
			s, _ := probe(t, c, "/readyz")
			return s == http.StatusOK
		})
	})
}

// TestWaitEndsWhenTheListenerFails: a listener that stops serving on its
// own ends Wait with its error, so the process exits instead of waiting
// for a signal with nothing served; a cancelled context ends it with nil.
func TestWaitEndsWhenTheListenerFails(t *testing.T) {
	m := MustRunMain(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Wait(ctx); err != nil {
		t.Fatalf("Wait after cancel = %v, want nil", err)
	}
	m.ln.Close() // what a failing accept looks like to the server
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := m.Wait(ctx)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("Wait = %v (context %v), want the listener's error", err, ctx.Err())
	}
	if !strings.Contains(err.Error(), "listener") {
		t.Errorf("Wait = %v, want it to name the listener", err)
	}
}

// TestHealthcheckCommand: `consentproxy healthcheck` exits 0 against a
// serving proxy, 1 against a closed port or a non-200 answer.
func TestHealthcheckCommand(t *testing.T) {
	m := MustRunMain(t, nil)
	var out, errb strings.Builder
	if code := run([]string{"healthcheck", "--url", "http://" + m.Addr() + "/healthz"}, &out, &errb); code != 0 {
		t.Errorf("serving proxy: exit %d, %s", code, errb.String())
	}
	if code := run([]string{"healthcheck", "--url", "http://" + m.Addr() + "/no-such-page"}, &out, &errb); code != 1 {
		t.Errorf("a 404: exit %d, want 1", code)
	}
	if code := run([]string{"healthcheck", "http://" + m.Addr() + "/healthz"}, &out, &errb); code != 0 {
		t.Errorf("the URL as an argument: exit %d, %s", code, errb.String())
	}
	if code := run([]string{"healthcheck", "--url", "http://" + m.Addr() + "/healthz", "http://elsewhere"}, &out, &errb); code != 2 {
		t.Errorf("a URL twice: exit %d, want 2", code)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	t.Setenv(EnvName("listen"), closed)
	if code := run([]string{"healthcheck", "--timeout", "2s"}, &out, &errb); code != 1 {
		t.Errorf("closed port from CONSENTPROXY_LISTEN: exit %d, want 1", code)
	}
}
