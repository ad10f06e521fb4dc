package e2e

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// web is the only network the browser has. Chromium sends every request
// through it (--proxy-server): plain HTTP as absolute-form requests, HTTPS
// as CONNECT tunnels, which it terminates with a throwaway certificate
// (Chromium runs with --ignore-certificate-errors). It routes the test's
// host names, on the default ports real gtag.js insists on, to the test's
// servers on 127.0.0.1, and records every request with its body and the
// status it got: the browser side of each test, including what the page
// tried to send anywhere else (to Google above all), which is refused.
type web struct {
	t      testing.TB
	srv    *httptest.Server // the HTTP proxy Chromium is pointed at
	tls    *http.Server     // serves the tunnels' decrypted requests
	tunnel *chanListener

	mu     sync.Mutex
	routes []route
	reqs   []webRequest
	notify chan struct{}
}

// route sends host (and, when prefix is set, only paths under it, with the
// prefix stripped: a site's reverse proxy mounting the proxy under a path)
// to target.
type route struct {
	host, prefix string
	target       *url.URL
}

// webRequest is one request the browser made, as it left the browser.
type webRequest struct {
	Scheme, Host, Method, Path string
	Port                       string // "" for the scheme's default
	Query                      url.Values
	RawQuery                   string
	Header                     http.Header
	Body                       string
	Status                     int  // what it was answered with (0: refused before any answer)
	Routed                     bool // it went to one of the test's servers
}

// URL is the request's URL without its query.
func (r webRequest) URL() string {
	if r.Port != "" {
		return r.Scheme + "://" + r.Host + ":" + r.Port + r.Path
	}
	return r.Scheme + "://" + r.Host + r.Path
}

func newWeb(t testing.TB) *web {
	t.Helper()
	w := &web{t: t, notify: make(chan struct{}, 1), tunnel: newChanListener()}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serveProxy))
	t.Cleanup(w.srv.Close)
	cert := selfSigned(t)
	w.tls = &http.Server{
		Handler:   http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { w.serve(rw, r, "https") }),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}},
		ErrorLog:  quiet, // a tab closing its tunnels is no news
	}
	go w.tls.ServeTLS(w.tunnel, "", "")
	t.Cleanup(func() { w.tls.Close() })
	return w
}

// SPKI is the base64 SHA-256 of the public key of the web's certificate,
// as Chromium's --ignore-certificate-errors-spki-list names a certificate.
func (w *web) SPKI() string {
	cert, err := x509.ParseCertificate(w.tls.TLSConfig.Certificates[0].Certificate[0])
	if err != nil {
		w.t.Fatal(err)
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Addr is what Chromium's --proxy-server names.
func (w *web) Addr() string { return w.srv.Listener.Addr().String() }

// Route sends requests for host (under prefix, stripped) to target.
func (w *web) Route(host, prefix, target string) {
	u, err := url.Parse(target)
	if err != nil {
		w.t.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.routes = append(w.routes, route{host: host, prefix: prefix, target: u})
}

// find returns the route for host and path: the longest prefix wins.
func (w *web) find(host, path string) (route, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var best route
	found := false
	for _, r := range w.routes {
		if r.host != host || !(r.prefix == "" || path == r.prefix || strings.HasPrefix(path, r.prefix+"/")) {
			continue
		}
		if !found || len(r.prefix) > len(best.prefix) {
			best, found = r, true
		}
	}
	return best, found
}

// serveProxy handles what Chromium sends to its proxy: CONNECT tunnels
// and plain-HTTP requests in absolute form.
func (w *web) serveProxy(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		w.serve(rw, r, "http")
		return
	}
	host, port, _ := net.SplitHostPort(r.Host)
	if port == "443" {
		port = ""
	}
	if !w.hostRouted(host) {
		// Not ours: nothing is decrypted, so all we know is where it went.
		w.record(webRequest{Scheme: "https", Host: host, Port: port, Method: http.MethodConnect, Path: "/"})
		http.Error(rw, "the test's network reaches only the test's servers", http.StatusForbidden)
		return
	}
	hj, ok := rw.(http.Hijacker)
	if !ok {
		http.Error(rw, "no hijacking", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n"))
	w.tunnel.push(&bufferedConn{Conn: conn, r: buf.Reader})
}

func (w *web) hostRouted(host string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.routes {
		if r.host == host {
			return true
		}
	}
	return false
}

// serve records one request and passes it to its route, or refuses it.
func (w *web) serve(rw http.ResponseWriter, r *http.Request, scheme string) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	host, port := r.Host, ""
	if h, p, err := net.SplitHostPort(host); err == nil {
		host, port = h, p
	}
	if port == "443" && scheme == "https" || port == "80" && scheme == "http" {
		port = ""
	}
	req := webRequest{Scheme: scheme, Host: host, Port: port, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)}
	rt, ok := w.find(host, r.URL.Path)
	if !ok {
		w.record(req)
		http.Error(rw, "the test's network reaches only the test's servers", http.StatusBadGateway)
		return
	}
	req.Routed = true
	rec := &statusWriter{ResponseWriter: rw}
	rp := &httputil.ReverseProxy{
		Rewrite: func(p *httputil.ProxyRequest) {
			p.SetURL(rt.target)
			p.Out.URL.Path = rt.target.Path + strings.TrimPrefix(r.URL.Path, rt.prefix)
			p.Out.URL.RawPath = ""
			p.Out.Host = r.Host
			p.Out.Header.Set("X-Forwarded-Proto", scheme)
			p.Out.Body = io.NopCloser(bytes.NewReader(body))
			p.Out.ContentLength = int64(len(body))
		},
		FlushInterval: -1,
		ErrorLog:      quiet,
	}
	rp.ServeHTTP(rec, r)
	req.Status = rec.status
	if req.Status == 0 {
		req.Status = http.StatusOK
	}
	w.record(req)
}

func (w *web) record(r webRequest) {
	w.mu.Lock()
	w.reqs = append(w.reqs, r)
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// Mark returns a position; Requests(mark, …) lists what came after it.
func (w *web) Mark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.reqs)
}

// Requests returns the requests since mark that match.
func (w *web) Requests(mark int, match func(webRequest) bool) []webRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []webRequest
	for _, r := range w.reqs[min(mark, len(w.reqs)):] {
		if match == nil || match(r) {
			out = append(out, r)
		}
	}
	return out
}

// Wait returns once n requests since mark match, or fails after d.
func (w *web) Wait(what string, mark, n int, d time.Duration, match func(webRequest) bool) []webRequest {
	w.t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		if got := w.Requests(mark, match); len(got) >= n {
			return got
		}
		select {
		case <-w.notify:
		case <-deadline.C:
			got := w.Requests(mark, match)
			w.t.Fatalf("the browser sent %d of %d %s within %s; it sent:\n%s", len(got), n, what, d, w.Dump(mark))
			return got
		}
	}
}

// Dump lists the requests since mark, one a line.
func (w *web) Dump(mark int) string {
	var b strings.Builder
	for _, r := range w.Requests(mark, nil) {
		q := r.RawQuery
		if len(q) > 160 {
			q = q[:160] + "…"
		}
		b.WriteString("\t" + r.Method + " " + r.URL())
		if q != "" {
			b.WriteString("?" + q)
		}
		if r.Body != "" {
			first, _, _ := strings.Cut(r.Body, "\n")
			if len(first) > 80 {
				first = first[:80] + "…"
			}
			b.WriteString(" body " + strconv.Itoa(len(r.Body)) + " B: " + strconv.Quote(first))
		}
		b.WriteString(" → " + strconv.Itoa(r.Status) + "\n")
	}
	return b.String()
}

var quiet = log.New(io.Discard, "", 0)

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// chanListener is a net.Listener fed with hijacked tunnel connections.
type chanListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newChanListener() *chanListener {
	return &chanListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *chanListener) push(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.closed:
		c.Close()
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// bufferedConn keeps what the hijacking server had already read.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// selfSigned makes a certificate for the test's names; Chromium is told to
// accept it, and nothing else ever sees it.
func selfSigned(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "example.test"},
		DNSNames:     []string{"example.test", "*.example.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
