package main

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// liveSeeds are real requests as raw HTTP/1.1: the "-- request --" parts of
// the proxy's golden files (hits captured from real gtag.js), with a real
// consent cookie, plus the banner's and the API's own requests.
func liveSeeds(t testing.TB, cookie string) [][]byte {
	files, err := filepath.Glob(filepath.Join("..", "..", "proxy", "testdata", "golden", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden requests to seed from: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, req, ok := strings.Cut(string(b), "-- request --\n")
		if !ok {
			continue
		}
		req, _, _ = strings.Cut(req, "\n-- ")
		head, body, _ := strings.Cut(req, "\n\n")
		head = strings.ReplaceAll(head, "{{consent:granted}}", cookie)
		head = strings.ReplaceAll(head, "{{consent:denied}}", cookie)
		lines := strings.Split(strings.TrimSpace(head), "\n")
		lines[0] = strings.TrimSpace(lines[0]) + " HTTP/1.1"
		lines = append(lines[:1], append([]string{"Host: cp.example"}, lines[1:]...)...)
		body = strings.TrimRight(body, "\n")
		if body != "" {
			lines = append(lines, "Content-Length: "+strconv.Itoa(len(body)))
		}
		out = append(out, []byte(strings.Join(lines, "\r\n")+"\r\n\r\n"+body))
	}
	for _, raw := range []string{
		"POST /consent HTTP/1.1\r\nHost: cp.example\r\nContent-Type: application/x-www-form-urlencoded;charset=UTF-8\r\nContent-Length: 46\r\n\r\nanalytics=true&marketing=false&site=G-TEST123",
		"POST /optout HTTP/1.1\r\nHost: cp.example\r\nContent-Length: 0\r\n\r\n",
		"GET /gtag/js?id=G-TEST123&l=dataLayer HTTP/1.1\r\nHost: cp.example\r\nAccept-Encoding: gzip\r\n\r\n",
		"POST /api/v1/query HTTP/1.1\r\nHost: cp.example\r\nAuthorization: Bearer x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
	} {
		out = append(out, []byte(raw))
	}
	return out
}

// FuzzLiveServer: mutated real requests, as raw bytes on their own
// connection, against the running server. No answer is a 5xx, and the
// server stays healthy: a fresh connection's /healthz is 200 after every
// one. scripts/test.sh runs it for FUZZ_SECONDS like every target.
func FuzzLiveServer(f *testing.F) {
	m := MustRunMain(f, func(c *Config) { c.ReadTimeout, c.WriteTimeout, c.IdleTimeout = time.Second, time.Second, time.Second })
	cookie := rigOf(f, m).consent(true, false, siteA)
	for _, s := range liveSeeds(f, cookie) {
		f.Add(s)
	}
	send := func(t *testing.T, raw []byte) []byte {
		c, err := net.DialTimeout("tcp", m.Addr(), 2*time.Second)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(4 * time.Second))
		c.Write(raw)
		// The request ends here: a server waiting for more (a cut body, a
		// missing blank line) sees the end at once, not at its read timeout.
		c.(*net.TCPConn).CloseWrite()
		line, _ := bufio.NewReader(c).ReadBytes('\n')
		return line
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 64<<10 {
			return
		}
		if line := send(t, raw); bytes.HasPrefix(line, []byte("HTTP/1.1 5")) || bytes.HasPrefix(line, []byte("HTTP/1.0 5")) {
			t.Fatalf("%q answered %q", raw, line)
		}
		if line := send(t, []byte("GET /healthz HTTP/1.1\r\nHost: cp.example\r\n\r\n")); !bytes.HasPrefix(line, []byte("HTTP/1.1 200")) {
			t.Fatalf("after %q, /healthz answered %q", raw, line)
		}
	})
}
