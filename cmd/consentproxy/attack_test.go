package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The attack suite: what an attacker's run against the real binary found
// (issue 14), each reproduced on loopback against Main with a stub Google.
// Absence upstream is proven with a sentinel hit through a one-worker,
// first-in-first-out forwarder, never with a sleep.

const foreignID = "G-EVIL9999"

var enRE = regexp.MustCompile(`en=r[0-9]+`)

// sentinel sends a hit of the allowed property that is certain to be
// forwarded and waits until the stub Google has it: with one forward
// worker everything forwarded before it has arrived too.
func (r *rig) sentinel(t *testing.T, b browser, name string) []upstreamReq {
	t.Helper()
	r.mustCollect(b, hit(siteA, "9.9", name, "https://site.example/sentinel"))
	var reqs []upstreamReq
	eventually(t, 10*time.Second, "the sentinel "+name+" to reach Google", func() bool {
		reqs = r.up.requests()
		for _, q := range reqs {
			if strings.Contains(q.URI, "en="+name) || strings.Contains(q.Body, "en="+name) {
				return true
			}
		}
		return false
	})
	return reqs
}

// TestRelayIntoForeignProperty: every way a measurement id can appear in a
// hit (query, body line, repeated, in either order, percent-encoded key,
// case variants, separators smuggled into a value) either is refused or
// reaches Google with exactly the checked id, once per query and line; a
// foreign id never reaches Google at all.
func TestRelayIntoForeignProperty(t *testing.T) {
	m := MustRunMain(t, func(c *Config) { c.ForwardWorkers = 1 })
	r := rigOf(t, m)
	b := browser{IP: "203.0.113.20", UA: uaChromeWin, Lang: "en", Cookie: r.consent(true, false, siteA)}
	const base = "v=2&cid=1.2&dl=https%3A%2F%2Fsite.example%2F"
	cases := []struct {
		name, query, body string
		forwarded         bool // a 204 and a forward with the allowed id alone
	}{
		{"foreign id first", "tid=" + foreignID + "&tid=" + siteA + "&en=r1&" + base, "", false},
		{"foreign id last", "tid=" + siteA + "&tid=" + foreignID + "&en=r2&" + base, "", false},
		{"encoded key first", "t%69d=" + foreignID + "&tid=" + siteA + "&en=r3&" + base, "", false},
		{"encoded key last", "tid=" + siteA + "&t%69d=" + foreignID + "&en=r4&" + base, "", false},
		{"upper-case key", "TID=" + foreignID + "&tid=" + siteA + "&en=r5&" + base, "", true},
		{"mixed-case key", "tid=" + siteA + "&Tid=" + foreignID + "&en=r6&" + base, "", true},
		{"key with a NUL", "tid=" + siteA + "&tid%00=" + foreignID + "&en=r7&" + base, "", true},
		{"key with a space", "tid=" + siteA + "&tid+=" + foreignID + "&en=r8&" + base, "", true},
		{"encoded & in the value", "tid=" + foreignID + "%26tid%3D" + siteA + "&en=r9&" + base, "", false},
		{"encoded & after the id", "tid=" + siteA + "%26tid%3D" + foreignID + "&en=r10&" + base, "", false},
		{"semicolon", "tid=" + siteA + ";tid=" + foreignID + "&en=r11&" + base, "", false},
		{"newline in the value", "tid=" + siteA + "%0Atid=" + foreignID + "&en=r12&" + base, "", false},
		{"lower-case id", "tid=" + strings.ToLower(siteA) + "&en=r13&" + base, "", false},
		{"query foreign, line allowed", "tid=" + foreignID + "&" + base, "tid=" + siteA + "&en=r14", false},
		{"query allowed, line foreign", "tid=" + siteA + "&" + base, "tid=" + foreignID + "&en=r15", false},
		{"query allowed, one line foreign", "tid=" + siteA + "&" + base, "en=r16\ntid=" + foreignID + "&en=r16b", false},
		{"line repeats the id", "tid=" + siteA + "&" + base, "tid=" + foreignID + "&tid=" + siteA + "&en=r17", false},
		{"line with encoded key", "tid=" + siteA + "&" + base, "en=r18&t%69d=" + foreignID, false},
		{"no tid in the query, foreign line", base, "tid=" + foreignID + "&en=r19", false},
		{"CR inside a line", "tid=" + siteA + "&" + base, "en=r20&tid=" + siteA + "\rtid=" + foreignID, false},
		{"line allowed twice", "tid=" + siteA + "&" + base, "tid=" + siteA + "&tid=" + siteA + "&en=r21", true},
	}
	for _, c := range cases {
		method := http.MethodGet
		if c.body != "" {
			method = http.MethodPost
		}
		status, _, _ := r.do(method, "/g/collect?"+c.query, b.headers(), c.body)
		switch {
		case c.forwarded && status != http.StatusNoContent:
			t.Errorf("%s: status %d, want 204 (nothing foreign is left once the odd keys are dropped)", c.name, status)
		case !c.forwarded && status != http.StatusForbidden:
			t.Errorf("%s: status %d, want 403 (a hit that names a foreign or ambiguous id is refused whole)", c.name, status)
		}
	}
	reqs := r.sentinel(t, b, "relay_sentinel")
	forwarded := 0
	for _, q := range reqs {
		if !strings.HasPrefix(q.URI, "/g/collect") {
			continue
		}
		u, err := url.ParseRequestURI(q.URI)
		if err != nil {
			t.Fatalf("upstream URI %q: %v", q.URI, err)
		}
		lists := []string{u.RawQuery}
		if q.Body != "" {
			lists = append(lists, strings.Split(q.Body, "\n")...)
		}
		for _, l := range lists {
			dec, _ := url.QueryUnescape(l)
			if strings.Contains(strings.ToUpper(l+dec), "EVIL") {
				t.Errorf("a foreign id reached Google: %s %q", q.URI, q.Body)
			}
			vals, err := url.ParseQuery(l)
			if err != nil {
				t.Errorf("Google got an unparsable list %q: %v", l, err)
				continue
			}
			for k, v := range vals {
				if len(v) > 1 {
					t.Errorf("Google got %s %d times in %q: every parameter goes once", k, len(v), l)
				}
				if strings.EqualFold(k, "tid") && (k != "tid" || v[0] != siteA) {
					t.Errorf("Google got %s=%v in %q, want tid=%s alone", k, v, l, siteA)
				}
			}
		}
		for _, c := range cases {
			if en := enRE.FindString(c.query + "&" + c.body); c.forwarded && strings.Contains(q.URI+"&"+strings.ReplaceAll(q.Body, "\n", "&")+"&", en+"&") {
				forwarded++
			}
		}
	}
	want := 0
	for _, c := range cases {
		if c.forwarded {
			want++
		}
	}
	if forwarded != want {
		t.Errorf("%d of the %d hits that are benign once cleaned reached Google, want all", forwarded, want)
	}
}

// TestConnectionsPerPeer: one address that is not a trusted proxy holds at
// most --max-conns-per-ip connections; the rest are closed at once, and
// meanwhile another address is served, /healthz included. A slot comes
// back when its connection closes.
func TestConnectionsPerPeer(t *testing.T) {
	const limit, n = 40, 400
	m := MustRunMain(t, func(c *Config) {
		c.TrustedProxies = nil // the test's loopback peers are visitors here
		c.MaxConnsPerIP = limit
		c.ReadTimeout, c.IdleTimeout = time.Minute, time.Minute
	})
	attacker := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, Timeout: 2 * time.Second}
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := attacker.Dial("tcp", m.Addr())
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	eventually(t, 10*time.Second, "the connections beyond the limit to be closed", func() bool {
		return m.peers.Refused() >= n-limit
	})
	if got := m.peers.Refused(); got != n-limit {
		t.Errorf("%d connections refused, want %d", got, n-limit)
	}
	// Those closed see the end at once; count them from the client side.
	closed := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF || errors.Is(err, syscall.ECONNRESET) {
			closed++
		}
	}
	if closed != n-limit {
		t.Errorf("%d connections saw their end, want %d", closed, n-limit)
	}
	other := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: (&net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := other.Get("http://" + m.Addr() + path)
		if err != nil {
			t.Fatalf("%s from another address: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s from another address: %d while one address holds its limit", path, resp.StatusCode)
		}
	}
	// A slot freed is a slot the address may use again.
	for _, c := range conns {
		c.Close()
	}
	again := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: attacker.DialContext}}
	eventually(t, 10*time.Second, "the address to be served again once its connections closed", func() bool {
		resp, err := again.Get("http://" + m.Addr() + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// TestEmbeddedIPv4NeverForwarded: a visitor whose IPv6 address carries an
// IPv4 one (6to4, NAT64, Teredo) is sent to Google as that IPv4 address's
// /24, never as a /48 that holds the IPv4 address whole.
func TestEmbeddedIPv4NeverForwarded(t *testing.T) {
	m := MustRunMain(t, func(c *Config) { c.ForwardWorkers = 1 })
	r := rigOf(t, m)
	cookie := r.consent(true, false, siteA)
	for _, ip := range []string{"2002:0808:0808::1", "64:ff9b::808:808", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"} {
		b := browser{IP: ip, UA: uaChromeWin, Lang: "en", Cookie: cookie}
		r.mustCollect(b, hit(siteA, "1.2", "embedded_"+strings.ReplaceAll(ip, ":", "_"), "https://site.example/"))
	}
	reqs := r.sentinel(t, browser{IP: "203.0.113.20", UA: uaChromeWin, Lang: "en", Cookie: cookie}, "embedded_sentinel")
	seen := 0
	for _, q := range reqs {
		u, err := url.ParseRequestURI(q.URI)
		if err != nil || !strings.Contains(u.RawQuery, "en=embedded_") || strings.Contains(u.RawQuery, "sentinel") {
			continue
		}
		seen++
		if got := u.Query().Get("_uip"); got != "8.8.8.0" {
			t.Errorf("%s: _uip=%q, want 8.8.8.0", u.Query().Get("en"), got)
		}
	}
	if seen != 3 {
		t.Errorf("%d of 3 hits reached Google", seen)
	}
}

// TestHealthOnMetricsListener: with every public connection slot held
// (here by a trusted proxy's address, which --max-conns-per-ip exempts, with
// requests that never finish, so that no idle one is shed), the probes on
// --metrics-listen still answer.
func TestHealthOnMetricsListener(t *testing.T) {
	const maxConns = 50
	m := MustRunMain(t, func(c *Config) {
		c.MaxConns, c.MetricsListen = maxConns, "127.0.0.1:0"
		c.ReadTimeout, c.IdleTimeout = time.Minute, time.Minute
	})
	for range maxConns + 10 {
		c, err := net.DialTimeout("tcp", m.Addr(), 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	}
	probe := func(addr, path string) string {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			return err.Error()
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(3 * time.Second))
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line)
	}
	eventually(t, 5*time.Second, "the public listener to be full", func() bool {
		return strings.HasPrefix(probe(m.Addr(), "/healthz"), "HTTP/1.1 503")
	})
	for _, path := range []string{"/healthz", "/readyz"} {
		if got := probe(m.MetricsAddr(), path); got != "HTTP/1.1 200 OK" {
			t.Errorf("%s on the metrics listener while the public one is full: %q", path, got)
		}
	}
}

// TestIdleShedUnderPressure: connections from many peers (here a trusted
// proxy's address, which --max-conns-per-ip exempts) that send nothing
// fill --max-conns; once they have idled a second, enough of them are
// closed for visitors to be served again, long before --read-timeout.
func TestIdleShedUnderPressure(t *testing.T) {
	const maxConns = 100
	m := MustRunMain(t, func(c *Config) {
		c.MaxConns = maxConns
		c.ReadTimeout, c.IdleTimeout = time.Minute, time.Minute
	})
	for range maxConns {
		c, err := net.DialTimeout("tcp", m.Addr(), 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	start := time.Now()
	served := func() bool {
		c, err := net.DialTimeout("tcp", m.Addr(), time.Second)
		if err != nil {
			return false
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(2 * time.Second))
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.HasPrefix(line, "HTTP/1.1 200")
	}
	eventually(t, 10*time.Second, "a visitor to be served while idle connections fill --max-conns", served)
	took := time.Since(start)
	// Shedding is incremental: a connection is a candidate once it has
	// idled a second, so when the dials were spread out (a loaded CI
	// machine) the first tick may close only the few oldest, which is
	// already room for the visitor. Without any shedding no visitor would
	// be served before the minute-long read timeout.
	if shed := m.conns.shed.Load(); shed == 0 {
		t.Errorf("no idle connection closed, yet a visitor was served with %d idle ones filling --max-conns", maxConns)
	}
	if took > 5*time.Second {
		t.Errorf("served again after %v; the read timeout is a minute, shedding should take about a second", took)
	}
	t.Logf("served again %v after the idle connections filled --max-conns; %d closed", took.Round(time.Millisecond), m.conns.shed.Load())
}
