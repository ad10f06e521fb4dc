package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proxyProc is the consentproxy binary running as a subprocess, behind a
// front: a reverse proxy like the load balancer of a real deployment, which
// says the visitor comes from visitorIP. The browser only sees the front, so
// its origin stays put when the binary restarts. (The browser cannot send
// X-Forwarded-For itself: an extra header makes every CORS request preflight.)
type proxyProc struct {
	t       testing.TB
	bin     string
	dataDir string
	base    []string // flags every start gets
	front   *httptest.Server
	tr      *http.Transport
	// slowChoice delays POST /consent at the front: a network that delivers
	// the choice later than the requests the page makes after it.
	slowChoice time.Duration

	// frontHeaders are set on every request the front passes on, as a CDN
	// would add its geolocation headers.
	frontHeaders map[string]string

	mu          sync.Mutex
	addr        string // the binary's host:port, kept across restarts
	metricsAddr string // its --metrics-listen address, when on

	cmd  *exec.Cmd
	done chan struct{}
	logs *syncBuffer
}

// startProxy runs the binary on 127.0.0.1 with a free port, a temporary data
// dir (holding the generated secret, so a restart keeps verifying cookies),
// no store, and the stubs as upstreams. extra flags come last and win.
func startProxy(t testing.TB, ga, gtm *stub, siteOrigin, id string, extra ...string) *proxyProc {
	t.Helper()
	p := &proxyProc{
		t:       t,
		bin:     proxyBinary(t),
		dataDir: t.TempDir(),
		addr:    "127.0.0.1:0",
	}
	p.base = []string{
		"--data-dir", p.dataDir,
		"--store", "none",
		"--ga-upstream", ga.URL(),
		"--gtm-upstream", gtm.URL(),
		"--measurement-ids", id,
		"--allowed-origins", siteOrigin,
		"--trusted-proxies", "127.0.0.1/32",
		"--log-format", "json",
		"--drain-timeout", "2s",
	}
	p.start(extra)
	t.Cleanup(p.Stop)
	p.tr = &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: 10 * time.Second}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			p.mu.Lock()
			r.SetURL(&url.URL{Scheme: "http", Host: p.addr})
			p.mu.Unlock()
			r.Out.Host = r.In.Host
			r.Out.Header.Set("X-Forwarded-For", visitorIP)
			for k, v := range p.frontHeaders {
				r.Out.Header.Set(k, v)
			}
			if proto := r.In.Header.Get("X-Forwarded-Proto"); proto != "" {
				r.Out.Header.Set("X-Forwarded-Proto", proto) // from the test's web, which ended TLS
			}
		},
		Transport: p.tr,
	}
	p.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/consent" && p.slowChoice > 0 {
			time.Sleep(p.slowChoice)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.front.Close)
	return p
}

// URL is the proxy's origin as the browser sees it (the front).
func (p *proxyProc) URL() string { return p.front.URL }

// Restart stops the proxy and starts it again on the same address with extra
// flags, as an operator changing --policy-revision would.
func (p *proxyProc) Restart(extra ...string) {
	p.t.Helper()
	p.Stop()
	p.start(extra)
}

func (p *proxyProc) start(extra []string) {
	p.t.Helper()
	if p.tr != nil {
		p.tr.CloseIdleConnections()
	}
	p.mu.Lock()
	args := append(append([]string{"--listen", p.addr}, p.base...), extra...)
	p.mu.Unlock()
	p.logs = &syncBuffer{}
	pr, pw := io.Pipe()
	p.cmd = exec.Command(p.bin, args...)
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = io.MultiWriter(p.logs, pw)
	orphanProof(p.cmd)
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("start proxy: %v", err)
	}
	p.done = make(chan struct{})
	go func() {
		p.cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	addr := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct {
				Msg, Addr   string
				MetricsAddr string `json:"metrics_addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- [2]string{line.Addr, line.MetricsAddr}
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case a := <-addr:
		p.mu.Lock()
		p.addr, p.metricsAddr = a[0], a[1]
		p.mu.Unlock()
	case <-p.done:
		p.t.Fatalf("proxy exited before listening (%s):\n%s", p.cmd.ProcessState, p.logs)
	case <-time.After(20 * time.Second):
		p.Stop()
		p.t.Fatalf("proxy not listening after 20s:\n%s", p.logs)
	}
}

// Stop ends the proxy with SIGTERM (a clean drain), then SIGKILL after 5 s.
func (p *proxyProc) Stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// Logs is what the proxy wrote so far, for failure messages.
func (p *proxyProc) Logs() string { return p.logs.String() }

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(b)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// hitsByReason reads consentproxy_hits_total from the proxy's metrics
// (started with --metrics-listen).
func (p *proxyProc) hitsByReason(ctx context.Context) (map[string]int, error) {
	p.mu.Lock()
	addr := p.metricsAddr
	p.mu.Unlock()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "consentproxy_hits_total{")
		if !ok {
			continue
		}
		labels, value, _ := strings.Cut(line, "} ")
		_, reason, _ := strings.Cut(labels, `reason="`)
		reason, _, _ = strings.Cut(reason, `"`)
		n, _ := strconv.ParseFloat(value, 64)
		out[reason] += int(n)
	}
	return out, sc.Err()
}
