package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// closedBy reads from c until the server closes it (or deadline passes)
// and returns how long after start that was and the first bytes it sent.
func closedBy(c net.Conn, start time.Time, deadline time.Duration) (time.Duration, string, bool) {
	c.SetReadDeadline(start.Add(deadline))
	var first []byte
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf)
		if len(first) < 64 {
			first = append(first, buf[:n]...)
		}
		if err != nil {
			var ne net.Error
			timedOut := errors.As(err, &ne) && ne.Timeout()
			return time.Since(start), string(first), !timedOut
		}
	}
}

// TestSlowloris: connections that send their request line and headers a
// byte at a time, never finishing, are closed by --read-timeout (counted
// from the connection, however steadily they trickle), and meanwhile an
// ordinary visitor is served as fast as before.
func TestSlowloris(t *testing.T) {
	const readTimeout = time.Second
	m := MustRunMain(t, func(c *Config) {
		c.ReadTimeout, c.IdleTimeout = readTimeout, readTimeout
		c.CollectRate = 0
	})
	r := rigOf(t, m)
	cookie := r.consent(true, false, siteA)
	timedHits(t, r.client, cookie, "/warmup", 20, 0)
	before := p99(timedHits(t, r.client, cookie, "/before", 100, 0))

	const n = 50
	type outcome struct {
		after  time.Duration
		first  string
		closed bool
		sent   int
	}
	outcomes := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		c, err := net.Dial("tcp", m.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		done := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(done)
			o := &outcomes[i]
			o.after, o.first, o.closed = closedBy(c, start, 5*readTimeout)
		}()
		go func() { // trickle: a byte every 50ms, headers without end
			defer wg.Done()
			req := "GET /g/collect?v=2&tid=" + siteA + "&cid=1.2&en=page_view HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			for k := 0; ; k++ {
				b := byte('a' + k%26)
				if k < len(req) {
					b = req[k]
				} else if k%10 == 9 {
					b = '\n' // one more header line: X-aaaa…
				}
				select {
				case <-done:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				outcomes[i].sent++
			}
		}()
	}
	notSlower(t, "under slowloris", before, func() []time.Duration { return timedHits(t, r.client, cookie, "/during", 100, 0) })
	wg.Wait()
	var latest time.Duration
	for i, o := range outcomes {
		latest = max(latest, o.after)
		if !o.closed || o.after < readTimeout-100*time.Millisecond || o.after > readTimeout+1500*time.Millisecond {
			t.Errorf("slow connection %d: closed %v after %v (%d bytes sent, answer %q), want closed after about %v",
				i, o.closed, o.after, o.sent, o.first, readTimeout)
		}
	}
	t.Logf("%d slowloris connections closed by the server after at most %v (--read-timeout %v); first answer %q", n, latest, readTimeout, outcomes[0].first)
}

// TestIdleConnections: thousands of connections that send nothing. Beyond
// --max-conns they are refused at once; those admitted are closed by
// --read-timeout, after which ordinary visitors are served again.
func TestIdleConnections(t *testing.T) {
	const maxConns, readTimeout = 200, time.Second
	n := 2000
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	// Both ends live in this process: two descriptors a connection.
	if fit := (int(lim.Cur) - 1000) / 2; fit < n {
		n = fit
		t.Logf("ulimit -n is %d: %d idle connections", lim.Cur, n)
	}
	if n < 2*maxConns {
		need(t, "ulimit -n is too low for this test; raise it to 5000 or more")
	}
	m := MustRunMain(t, func(c *Config) {
		c.MaxConns = maxConns
		c.ReadTimeout, c.IdleTimeout = readTimeout, readTimeout
		c.CollectRate = 0
	})
	r := rigOf(t, m)
	cookie := r.consent(true, false, siteA)
	r.hc.CloseIdleConnections()

	start := time.Now()
	conns := make([]net.Conn, 0, n)
	dialledAt := make([]time.Time, 0, n)
	dialErrs := 0
	for range n {
		c, err := net.DialTimeout("tcp", m.Addr(), 2*time.Second)
		if err != nil {
			dialErrs++
			continue
		}
		defer c.Close()
		conns = append(conns, c)
		dialledAt = append(dialledAt, time.Now())
	}
	dialled := time.Since(start)

	// A newcomer while the idle ones hold every slot: refused. Raw
	// requests, one connection each: net/http would retry and complain.
	rawGet := func(target, headers string) (string, error) {
		c, err := net.DialTimeout("tcp", m.Addr(), time.Second)
		if err != nil {
			return "", err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(time.Second))
		io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"+headers+"\r\n")
		line, err := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line), err
	}
	probeStatus := func() (string, error) { return rawGet("/healthz", "") }
	during, duringErr := probeStatus()
	duringAt := time.Since(start)

	type outcome struct {
		after  time.Duration
		first  string
		closed bool
	}
	outcomes := make([]outcome, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := &outcomes[i]
			o.after, o.first, o.closed = closedBy(c, dialledAt[i], readTimeout+5*time.Second)
		}()
	}
	// Once the admitted ones time out, a visitor is served again.
	visit := func() bool {
		line, err := rawGet("/g/collect?"+hit(siteA, "9.9", "page_view", "https://site.example/").Encode(),
			"X-Forwarded-For: 203.0.113.9\r\nUser-Agent: "+uaChromeWin+"\r\nCookie: "+cookie+"\r\n")
		return err == nil && strings.HasPrefix(line, "HTTP/1.1 204")
	}
	served := time.Duration(0)
	for deadline := start.Add(readTimeout + 3*time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if visit() {
			served = time.Since(start)
			break
		}
	}
	wg.Wait()

	refused, held := 0, 0
	var heldLongest time.Duration
	for i, o := range outcomes {
		switch {
		case strings.HasPrefix(o.first, "HTTP/1.1 503"):
			refused++
		case o.closed && (o.first == "" || strings.HasSuffix(o.first, "Request Timeout\n")):
			held++
			heldLongest = max(heldLongest, o.after)
			if o.after < readTimeout-100*time.Millisecond || o.after > readTimeout+2*time.Second {
				t.Errorf("idle connection %d closed after %v, want about --read-timeout %v", i, o.after, readTimeout)
			}
		default:
			t.Errorf("connection %d: closed %v after %v with %q", i, o.closed, o.after, o.first)
		}
	}
	t.Logf("%d connections dialled in %v (%d dial errors): %d refused at once, %d admitted and closed idle after at most %v; "+
		"newcomer at %v got %q (%v); a visitor was served again %v after the flood began",
		n, dialled, dialErrs, refused, held, heldLongest, duringAt, during, duringErr, served)
	if held > maxConns || held < maxConns/2 {
		t.Errorf("%d idle connections admitted, want most of --max-conns %d and no more", held, maxConns)
	}
	if refused+dialErrs < n-maxConns {
		t.Errorf("%d refused of %d with --max-conns %d", refused+dialErrs, n, maxConns)
	}
	if duringAt < readTimeout && !strings.HasPrefix(during, "HTTP/1.1 503") && duringErr == nil {
		t.Errorf("a newcomer while every slot was held got %q, want 503", during)
	}
	if served == 0 {
		t.Errorf("no visitor served within %v of the idle flood", readTimeout+3*time.Second)
	}
}

// TestSlowReader: a client that sends requests but never reads the answers
// is cut off by --write-timeout, so it cannot hold a connection (and its
// buffers) for ever.
func TestSlowReader(t *testing.T) {
	const writeTimeout = time.Second
	m := MustRunMain(t, func(c *Config) {
		c.WriteTimeout = writeTimeout
		c.ReadTimeout, c.IdleTimeout = 5*time.Second, 5*time.Second
	})
	r := rigOf(t, m)
	status, body, _ := r.do(http.MethodGet, "/consent.js", map[string]string{"Accept-Encoding": "identity"}, "")
	if status != http.StatusOK || len(body) < 1000 {
		t.Fatalf("/consent.js: %d, %d bytes", status, len(body))
	}
	r.hc.CloseIdleConnections()
	srv := m.App.Server()
	eventually(t, 5*time.Second, "the test client's connections to close", func() bool { return srv.GetOpenConnectionsCount() == 0 })

	// Far more answers than loopback socket buffers hold (a few MiB each
	// way): the server's writes must block.
	const k = 4000
	c, err := net.Dial("tcp", m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := strings.Repeat("GET /consent.js HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n", k)
	start := time.Now()
	go io.WriteString(c, req) // returns when the server has read it all or closed the connection
	eventually(t, 5*time.Second, "the slow reader's connection to be served", func() bool { return srv.GetOpenConnectionsCount() > 0 })
	eventually(t, writeTimeout+5*time.Second, "the slow reader's connection to be closed", func() bool { return srv.GetOpenConnectionsCount() == 0 })
	cut := time.Since(start)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still holds the connection after %v (read %d bytes)", time.Since(start), got)
	}
	t.Logf("slow reader cut off %v after its requests (--write-timeout %v); it had received %d bytes for %d answers of %d", cut, writeTimeout, got, k, len(body))
	if got >= int64(k*len(body)) {
		t.Errorf("the client received every answer (%d bytes): the server's writes never blocked", got)
	}
	if cut < writeTimeout || cut > writeTimeout+3*time.Second {
		t.Errorf("slow reader held its connection for %v with --write-timeout %v", cut, writeTimeout)
	}
}

// TestCollectFlood: one address floods /g/collect at ten times
// --collect-rate; beyond --collect-burst and the rate it gets 429, counted
// in /metrics, while a visitor at another address is served 204 as fast as
// before.
func TestCollectFlood(t *testing.T) {
	const rate, burst = 50, 100
	m := MustRunMain(t, func(c *Config) {
		c.CollectRate, c.CollectBurst = rate, burst
		c.MetricsListen = "127.0.0.1:0"
	})
	r := rigOf(t, m)
	cookie := r.consent(true, false, siteA)
	visitor := func(n int) []time.Duration {
		out := make([]time.Duration, 0, n)
		for i := range n {
			start := time.Now()
			r.mustCollect(browser{IP: "203.0.113.77", UA: uaChromeWin, Lang: "en", Cookie: cookie},
				hit(siteA, "77.1", "page_view", "https://site.example/v"+string(rune('a'+i%26))))
			out = append(out, time.Since(start))
			time.Sleep(30 * time.Millisecond) // well within the visitor's own rate
		}
		return out
	}
	visitor(10)
	before := p99(visitor(50))

	var ok, limited, other atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 5 * time.Second}
			// 250 requests a second each, ten times --collect-rate
			// together: a flood the limiter must refuse, paced so that it
			// does not simply take the machine's two cores from the
			// visitor (that is a matter for a firewall, not this limit).
			tick := time.NewTicker(4 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				req, _ := http.NewRequest(http.MethodGet, r.base+"/g/collect?v=2&tid="+siteA+"&cid=66.1&en=page_view&dl=https%3A%2F%2Fsite.example%2F", nil)
				req.Header.Set("X-Forwarded-For", "198.51.100.66")
				req.Header.Set("User-Agent", uaChromeWin)
				resp, err := hc.Do(req)
				if err != nil {
					other.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusNoContent:
					ok.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					other.Add(1)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // the flood is on
	notSlower(t, "while one address floods", before, func() []time.Duration { return visitor(50) })
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	allowed := burst + rate*elapsed.Seconds() + 1
	t.Logf("flood of %v: %d answered 204, %d refused 429, %d other (at most %.0f allowed)", elapsed, ok.Load(), limited.Load(), other.Load(), allowed)
	if float64(ok.Load()) > allowed || limited.Load() == 0 || other.Load() != 0 {
		t.Errorf("flood: %d 204, %d 429, %d other; want at most %.0f let through and the rest refused", ok.Load(), limited.Load(), other.Load(), allowed)
	}
	got, _ := scrape(t, m.MetricsAddr())
	if v := got["consentproxy_collect_rate_limited_total"]; v != float64(limited.Load()) {
		t.Errorf("consentproxy_collect_rate_limited_total = %v, the flood got %d 429s", v, limited.Load())
	}
}

// TestCloseWithSlowClient: a client in the middle of a slow request when
// shutdown begins must not cost the final flush its time: Close returns
// within --drain-timeout and the last aggregates reach the store, not
// the spool.
func TestCloseWithSlowClient(t *testing.T) {
	const drain = 2 * time.Second
	d := freshDB(t, engineClickHouse)
	m := mustRunMainOn(t, d, func(c *Config) {
		c.DrainTimeout = drain
		c.FlushInterval = time.Hour // only the final flush writes
	})
	r := rigOf(t, m)
	avoidMidnight(t, 30*time.Second)
	p := &pageviews{c: r.client, cookie: r.consent(true, false, siteA), perPath: map[string]int{}, perIP: map[string]int{}}
	p.send(t, 20, 0)

	// Slow clients: one trickling its headers, one idle since it connected.
	for _, first := range []string{"GET /g/collect?v=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", ""} {
		c, err := net.Dial("tcp", m.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, first)
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	var err error
	r.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), drain)
		defer cancel()
		err = m.Close(ctx)
		r.closeErr = err
	})
	took := time.Since(start)
	st := m.Flusher.Stats()
	t.Logf("Close with slow clients connected: %v in %v; flusher %+v", err, took, st)
	if took > drain+500*time.Millisecond {
		t.Errorf("Close took %v with --drain-timeout %v", took, drain)
	}
	if err != nil || st.BatchesSpooled != 0 || st.BatchesWritten == 0 {
		t.Errorf("Close: %v, flusher %+v; want the final flush written to the store", err, st)
	}
	s := d.open(t)
	defer s.Close()
	checkSome(t, storeQuerier(s), p.want())
}
