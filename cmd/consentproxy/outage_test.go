package main

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// repoRoot is the module root, found from the test's directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// privateServer is a ClickHouse server of this test alone, started with
// scripts/clickhouse-server.sh, so that it can be killed.
type privateServer struct {
	dir, dsn, addr, bin string
}

func startPrivateServer(t testing.TB) *privateServer {
	t.Helper()
	bin := os.Getenv("CLICKHOUSE_SERVER_BIN")
	if bin == "" {
		bin = "/usr/sbin/clickhouse-server"
		if p, err := exec.LookPath("clickhouse-server"); err == nil {
			bin = p
		}
	}
	if _, err := os.Stat(bin); err != nil {
		need(t, "clickhouse-server is not installed; run apt-get install -y clickhouse-server clickhouse-client (then scripts/clickhouse-server.sh start .cache/ch-it)")
	}
	script := filepath.Join(repoRoot(t), "scripts", "clickhouse-server.sh")
	s := &privateServer{dir: filepath.Join(t.TempDir(), "ch"), bin: bin}
	if out, err := exec.Command(script, "start", s.dir).CombinedOutput(); err != nil {
		t.Fatalf("%s start: %v\n%s", script, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command(script, "stop", s.dir).CombinedOutput(); err != nil {
			t.Errorf("%s stop: %v\n%s", script, err, out)
		}
	})
	b, err := os.ReadFile(filepath.Join(s.dir, "dsn"))
	if err != nil {
		t.Fatal(err)
	}
	s.dsn = strings.TrimSpace(string(b))
	u, err := url.Parse(s.dsn)
	if err != nil {
		t.Fatal(err)
	}
	s.addr = u.Host
	return s
}

func (s *privateServer) pid(t testing.TB) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func (s *privateServer) listening() bool {
	c, err := net.DialTimeout("tcp", s.addr, 200*time.Millisecond)
	if err == nil {
		c.Close()
	}
	return err == nil
}

// kill SIGKILLs the server: no shutdown, no flushing of anything.
func (s *privateServer) kill(t testing.TB) {
	t.Helper()
	if err := syscall.Kill(s.pid(t), syscall.SIGKILL); err != nil {
		t.Fatalf("kill clickhouse-server: %v", err)
	}
	eventually(t, 10*time.Second, "the killed server's port to close", func() bool { return !s.listening() })
}

// restart starts the server again on its data dir, ports and users. The
// script has no restart: its start writes a new config with new ports and
// a new password, which would strand every DSN handed out. So the server
// binary runs again on the config the script wrote, and the pid file is
// updated so that the script's stop still stops it.
func (s *privateServer) restart(t testing.TB) {
	t.Helper()
	logf, err := os.OpenFile(filepath.Join(s.dir, "log", "stdout.log"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(s.bin, "--config-file="+filepath.Join(s.dir, "etc", "config.xml"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("restart clickhouse-server: %v", err)
	}
	go cmd.Wait() // reap it whenever it ends
	if err := os.WriteFile(filepath.Join(s.dir, "pid"), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the restarted server to listen", s.listening)
}

// pageviews is a simple mix: hits of consented visitors on a few pages,
// with its expected tables computed from what was sent.
type pageviews struct {
	c       *client
	cookie  string
	sent    int
	perPath map[string]int
	perIP   map[string]int
	slowest time.Duration // longest answer to a hit
}

func (p *pageviews) send(t testing.TB, n int, gap time.Duration) {
	t.Helper()
	for i := 0; i < n; i++ {
		k := p.sent
		ip := fmt.Sprintf("203.0.113.%d", 100+k%7)
		path := fmt.Sprintf("/p%d", k%3)
		start := time.Now()
		p.c.mustCollect(browser{IP: ip, UA: uaChromeWin, Lang: "en", Country: "DE", Cookie: p.cookie},
			hit(siteA, "c"+strconv.Itoa(k%7), "page_view", "https://site.example"+path))
		p.slowest = max(p.slowest, time.Since(start))
		p.sent++
		p.perPath[path]++
		p.perIP[ip]++
		time.Sleep(gap)
	}
}

// want returns the expected totals, pages and outcomes rows.
func (p *pageviews) want() map[string][]string {
	visits, bounces := len(p.perIP), 0
	for _, n := range p.perIP {
		if n < 2 {
			bounces++
		}
	}
	var pages []string
	for path, n := range p.perPath {
		// Visitors of a page: the IPs whose hit numbers k%7 meet k%3 == path.
		seen := map[int]bool{}
		for k := 0; k < p.sent; k++ {
			if fmt.Sprintf("/p%d", k%3) == path {
				seen[k%7] = true
			}
		}
		pages = append(pages, fmt.Sprintf("%s|%s|0|%d|%d|0|0|0|%d", siteA, path, n, n, len(seen)))
	}
	sort.Strings(pages)
	return map[string][]string{
		"totals":   {fmt.Sprintf("%s|0|%d|%d|%d|%d|$D|%d", siteA, p.sent, p.sent, visits, bounces, len(p.perIP))},
		"pages":    pages,
		"outcomes": {fmt.Sprintf("%s|forwarded|%d|0|0|0|0|0", siteA, p.sent)},
	}
}

// TestOutage kills the ClickHouse server mid-run, keeps sending, restarts
// it and checks that the totals are exact: nothing lost, nothing twice.
func TestOutage(t *testing.T) {
	srv := startPrivateServer(t)
	d := testDB{Engine: engineClickHouse, Database: uniqueName(t, "cmdtest_")}
	d.DSN = withDB(t, srv.dsn, d.Database)
	m := mustRunMainOn(t, d, nil)
	r := rigOf(t, m)
	avoidMidnight(t, time.Minute)
	p := &pageviews{c: r.client, cookie: r.consent(true, false, siteA), perPath: map[string]int{}, perIP: map[string]int{}}

	p.send(t, 10, 0)
	eventually(t, 10*time.Second, "a first batch to be written", func() bool { return m.Flusher.Stats().RowsWritten > 0 })

	srv.kill(t)
	// Collect keeps answering at once (mustCollect checks the 204) for
	// longer than the flusher keeps failed batches in memory (16 × 200ms),
	// so some go through the spool as well.
	p.slowest = 0
	for deadline := time.Now().Add(20 * time.Second); m.Flusher.Stats().BatchesSpooled == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("nothing spooled after 20s of outage: %+v", m.Flusher.Stats())
		}
		p.send(t, 5, 100*time.Millisecond)
	}
	if p.slowest > 2*time.Second {
		t.Errorf("a hit waited %v for its answer during the outage", p.slowest)
	}
	st := m.Flusher.Stats()
	if st.WriteFailures == 0 || st.BatchesSpooled == 0 {
		t.Fatalf("during the outage: %+v; want failed writes and spooled batches", st)
	}
	spool := filepath.Join(m.Config.DataDir, "spool")
	files, _ := os.ReadDir(spool)
	if len(files) == 0 {
		t.Errorf("no spool files in %s during the outage", spool)
	}
	for _, f := range files {
		if strings.HasPrefix(f.Name(), ".tmp-") {
			continue // being written
		}
		b, err := os.ReadFile(filepath.Join(spool, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		// "203.0.113.10" is a prefix of every address this test sends.
		assertNoSecrets(t, "spool file "+f.Name(), string(b), "203.0.113.10", uaChromeWin)
	}
	if s, _ := probe(t, r.client, "/readyz"); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the outage: %d, want 503", s)
	}

	srv.restart(t)
	eventually(t, 30*time.Second, "/readyz after the restart", func() bool {
		s, _ := probe(t, r.client, "/readyz")
		return s == http.StatusOK
	})
	p.send(t, 10, 0)
	if err := r.close(t); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st = m.Flusher.Stats()
	if st.Pending != 0 || st.Spooled != 0 || st.BatchesDropped != 0 {
		t.Errorf("after Close: %+v; want nothing pending, spooled or dropped", st)
	}
	t.Logf("flusher: %d batches written, %d failed writes, %d batches spooled", st.BatchesWritten, st.WriteFailures, st.BatchesSpooled)
	s := d.open(t)
	defer s.Close()
	checkSome(t, storeQuerier(s), p.want())
}

// relayStall is the relay's "stall" mode: a server that accepts
// connections and then never answers. While it is on, bytes are read from
// either side but held back, so new and pooled connections alike hang.
type relayStall struct {
	mu      sync.Mutex
	on      bool
	resumed chan struct{} // closed when the stall ends
}

// copy moves bytes from src to dst, holding them back while the relay is
// stalled. A connection stalled mid-stream is closed when the stall ends:
// what it held is stale, as after a real server recovers.
func (r *relay) copy(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.stall.mu.Lock()
			on, resumed := r.stall.on, r.stall.resumed
			r.stall.mu.Unlock()
			if on {
				<-resumed
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// hang makes the relay accept connections and answer nothing.
func (r *relay) hang() {
	r.stall.mu.Lock()
	defer r.stall.mu.Unlock()
	if !r.stall.on {
		r.stall.on, r.stall.resumed = true, make(chan struct{})
	}
}

// unhang ends the stall: the connections it froze are closed (their
// clients have given up on them by now), new ones are relayed again.
func (r *relay) unhang() {
	r.stall.mu.Lock()
	if r.stall.on {
		r.stall.on = false
		close(r.stall.resumed)
	}
	r.stall.mu.Unlock()
	r.mu.Lock()
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
}
