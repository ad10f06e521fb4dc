package main

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCanaryLogs runs the built binary, once per log format, at debug level
// and drives it through traffic that makes it log at every level: the
// canary hits, bad input of every kind, rate-limited floods, a store that
// becomes unreachable (flush failures, spooling, API errors, /readyz 503)
// and a shutdown that cannot write its last batch. Every line the process
// prints (stdout and stderr, not only slog's) and every /metrics scrape must
// hold no address, client or user id, user agent, query string, token or
// secret.
func TestCanaryLogs(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) { canaryLogs(t, format) })
	}
}

func canaryLogs(t *testing.T, format string) {
	d := freshDB(t, engineClickHouse)
	relayed, rl := viaRelay(t, d.DSN)
	c := newCanary(t)
	m := c.marker
	token := m + "-api-token-0123456789"
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: canary\n    token: "+token+"\n    sites: ["+siteA+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	metricsAddr := canaryFreeAddr(t)
	up := newStubUpstream(t)
	dataDir := t.TempDir()
	args := append(testArgs(dataDir, up.URL),
		"--store="+relayed,
		"--secret="+m+"-secret-0123456789",
		"--api-tokens=@"+tokens,
		"--metrics-listen="+metricsAddr,
		"--collect-rate=5", "--collect-burst=30")
	p := canaryStart(t, format, args...)
	cl := newClient(t, "http://"+canaryListenAddr(t, p))

	c.send(t, cl)
	canaryBadInput(t, cl, c)

	// The store goes away: flushes fail, batches are spooled, the API and
	// /readyz report errors.
	rl.cut()
	b := browser{IP: canaryIP, UA: c.ua, Lang: "en", Country: "NL", Cookie: "cp_consent=" + m}
	page := "https://site.example/outage?q=" + m
	for _, msg := range []string{"aggregate flush failed", "aggregates spooled to disk"} {
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(p.stderr.String(), msg) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q logged during the outage:\n%s", msg, p.stderr.String())
			}
			cl.mustCollect(b, hit(siteA, m+"cid.6", "page_view", page, "uid", m+"uid6"))
			time.Sleep(200 * time.Millisecond)
		}
	}
	apiQuery := `{"site":"` + siteA + `","metrics":["pageviews"],"dimensions":["page"],"date_range":"today","filters":[["contains","page","` + m + `"]]}`
	auth := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
	if s, body, _ := cl.do("POST", "/api/v1/query", auth, apiQuery); s < 500 {
		t.Errorf("API query with the store down: %d %s, want a 5xx", s, body)
	}
	if s, _ := probe(t, cl, "/readyz"); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the store down: %d, want 503", s)
	}
	during, outage := scrape(t, metricsAddr)
	for _, k := range []string{"consentproxy_flush_failures_total", "consentproxy_spool_batches_total", `consentproxy_http_errors_total{code="internal"}`} {
		if during[k] == 0 {
			t.Errorf("/metrics during the outage: %s = 0: the scrape did not see the failures", k)
		}
	}

	// A flood from the canary's address: the limiter refuses most of it.
	limited := 0
	for i := 0; i < 60; i++ {
		if cl.collect(b, hit(siteA, m+"cid.7", "page_view", page)) == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Error("no hit of the flood was rate limited")
	}

	// The store comes back; the spool is written.
	rl.resume(t)
	eventually(t, 30*time.Second, "/readyz after the store came back", func() bool {
		s, _ := probe(t, cl, "/readyz")
		return s == http.StatusOK
	})
	if s, body, _ := cl.do("POST", "/api/v1/query", auth, apiQuery); s != http.StatusOK {
		t.Errorf("API query with a canary filter: %d %s", s, body)
	}
	metrics, after := scrape(t, metricsAddr)
	if n := metrics[`consentproxy_hits_total{decision="forwarded",reason="forwarded"}`]; n < 2 {
		t.Errorf("%v canary hits forwarded: the search below would prove little", n)
	}
	if metrics["consentproxy_collect_rate_limited_total"] != float64(limited) {
		t.Errorf("/metrics counts %v rate-limited hits, the flood saw %d", metrics["consentproxy_collect_rate_limited_total"], limited)
	}

	// Shut down with the store gone again: the last flush fails, is spooled
	// and logged as an error.
	rl.cut()
	time.Sleep(time.Second) // the flood emptied the address's bucket
	cl.mustCollect(b, hit(siteA, m+"cid.8", "page_view", page))
	if code := p.terminate(t); code != 1 {
		t.Errorf("exit code %d after a failed final flush, want 1", code)
	}
	logs := p.stderr.String()
	levels := canaryLevels(t, format, logs)
	t.Logf("%s log lines by level: %v", format, levels)
	for _, l := range []string{"INFO", "WARN", "ERROR"} {
		if levels[l] == 0 {
			t.Errorf("no %s line: the traffic did not exercise every level", l)
		}
	}
	password := ""
	if u, err := url.Parse(d.DSN); err == nil {
		password, _ = u.User.Password()
	}
	extra := []string{token, password}
	for what, text := range map[string]string{"logs": logs, "/metrics during the outage": outage, "/metrics": after} {
		if leaks := c.leaks([]byte(text)); len(leaks) > 0 {
			t.Errorf("%s hold %q:\n%s", what, leaks, text)
		}
		for _, s := range extra {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("%s hold the token or the store password", what)
			}
		}
	}
	scanFiles(t, c, dataDir, "")
}

// canaryBadInput sends requests that are refused, malformed or abusive,
// each carrying the marker where a careless log line would copy it from:
// the URL, the query, headers, cookies, the body, the token.
func canaryBadInput(t *testing.T, cl *client, c canary) {
	t.Helper()
	m := c.marker
	addr := strings.TrimPrefix(cl.base, "http://")
	b := browser{IP: canaryIP, UA: c.ua, Lang: "en", Cookie: "cp_consent=1." + m + ".x; _ga=" + m}
	h := b.headers()
	// Too large, too many events, control bytes, an unknown site.
	cl.do("POST", "/g/collect?v=2&tid="+siteA+"&cid="+m, h, strings.Repeat("en=scroll&dl=https%3A%2F%2Fsite.example%2F%3Fq%3D"+m+"\n", 30))
	cl.collect(b, hit(siteA, m+"\r\nX-Injected: "+m, "page_view", "https://site.example/\r\n"+m+"\x00"+m))
	cl.do("POST", "/g/collect?v=2&tid="+siteA, h, "en=page_view&cid="+m+"%0d%0aSet-Cookie:%20"+m+"%00\r\n")
	cl.collect(b, hit("G-"+strings.ToUpper(m[6:]), m, "page_view", "https://site.example/?"+m))
	// Wrong methods, unknown paths, path tricks.
	cl.do("PUT", "/g/collect?cid="+m, h, m)
	cl.do("GET", "/"+m+"?q="+m, h, "")
	cl.do("GET", "/gtag/js?id=G-"+strings.ToUpper(m[6:])+"&l="+m, h, "")
	// The API: no token, a wrong token, bad JSON, another site; the
	// dashboard: a wrong token.
	cl.do("GET", "/api/v1/query?site="+siteA+"&metrics=visitors&filters="+url.QueryEscape(`[["is","page","`+m+`"]]`), h, "")
	bad := map[string]string{"Authorization": "Bearer " + m + "-wrong-token-0123456789", "Content-Type": "application/json", "User-Agent": c.ua, "X-Forwarded-For": canaryIP}
	cl.do("POST", "/api/v1/query", bad, `{"site":"`+siteA+`","metrics":["visitors"],"filters":[["is","page","`+m+`"]]}`)
	cl.do("POST", "/api/v1/query", bad, `{"site":"`+m+`",`)
	cl.do("POST", "/dashboard/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": cl.base, "X-Forwarded-For": canaryIP, "User-Agent": c.ua}, "token="+m)
	// Consent: bad JSON, a forged cookie.
	cl.do("POST", "/consent?x="+m, h, `{"analytics":tru`+m)
	cl.do("GET", "/consent?site="+m, h, "")
	// Raw HTTP no client library would send: absolute URIs, odd Host
	// headers, dot-segments, oversized headers, garbage, a request cut off.
	big := strings.Repeat("en=page_view&dl="+m+"\n", 4000) // over --max-body
	for _, req := range []string{
		"POST /g/collect?v=2&tid=" + siteA + "&cid=" + m + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + canaryIP + "\r\nContent-Length: " + strconv.Itoa(len(big)) + "\r\n\r\n" + big,
		"GET http://" + m + ".example/g/collect?v=2&tid=" + siteA + "&cid=" + m + " HTTP/1.1\r\nHost: " + m + ".example\r\nX-Forwarded-For: " + canaryIP + "\r\n\r\n",
		"GET /gtag/js/..%2f..%2f" + m + "?id=" + siteA + " HTTP/1.1\r\nHost: " + m + "\r\n\r\n",
		"GET /g/collect?v=2&tid=" + siteA + "&cid=" + m + " HTTP/1.1\r\nHost: x\r\nCookie: " + strings.Repeat(m, 1000) + "\r\n\r\n",
		"GET /g/collect?cid=" + strings.Repeat(m, 1000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"GARBAGE " + m + " " + canaryIP + "\r\n\r\n",
		"GET /g/collect?v=2&tid=" + siteA + "&cid=" + m + " HTTP/1.1\r\nHost: x\r\nUser-Agent: " + c.ua,
	} {
		canaryRaw(t, addr, req)
	}
}

// canaryRaw writes req on a fresh connection and reads whatever comes back
// until the server closes or a second passes.
func canaryRaw(t *testing.T, addr, req string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	conn.Write([]byte(req))
	io.Copy(io.Discard, conn)
}

// canaryStart is startProc with the log format of the test: every line the
// binary prints is captured.
func canaryStart(t *testing.T, format string, args ...string) *proc {
	t.Helper()
	p := &proc{stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(buildBinary(t), append(args, "--log-format="+format, "--log-level=debug")...)
	p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			p.code = ee.ExitCode()
		case err != nil:
			p.code = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

var listeningAddr = regexp.MustCompile(`"?addr"?[=:]"?(127\.0\.0\.1:[0-9]+)`)

// canaryListenAddr waits for the "listening" line, in either format.
func canaryListenAddr(t *testing.T, p *proc) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(p.stderr.String(), "\n") {
			if strings.Contains(line, "listening") {
				if sm := listeningAddr.FindStringSubmatch(line); sm != nil {
					return sm[1]
				}
			}
		}
		select {
		case <-p.done:
			t.Fatalf("consentproxy exited with %d before listening:\n%s", p.code, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("consentproxy did not start listening:\n%s", p.stderr.String())
	return ""
}

var textLevel = regexp.MustCompile(`^time=\S+ level=(DEBUG|INFO|WARN|ERROR) msg=`)

// canaryLevels counts the log lines by level, and fails on any line that
// is not a structured record of the format: whatever prints outside slog
// escapes its discipline.
func canaryLevels(t *testing.T, format, logs string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, line := range strings.Split(strings.TrimRight(logs, "\n"), "\n") {
		level := ""
		if format == "json" {
			var rec struct{ Level, Msg string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg != "" {
				level = rec.Level
			}
		} else if sm := textLevel.FindStringSubmatch(line); sm != nil {
			level = sm[1]
		}
		if level == "" {
			t.Errorf("not a %s log record: %q", format, line)
			continue
		}
		out[level]++
	}
	return out
}

// canaryFreeAddr is a loopback address nothing listens on (for the
// binary's --metrics-listen, whose port it does not log).
func canaryFreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
