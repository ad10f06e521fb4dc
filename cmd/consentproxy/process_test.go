package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var built struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// buildBinary builds cmd/consentproxy once per test run.
func buildBinary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if binDir, built.err = os.MkdirTemp("", "consentproxy-bin-"); built.err != nil {
			return
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(binDir, "consentproxy")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goBin, "build", "-o", built.path, ".")
		built.out, built.err = cmd.CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.path
}

// proc is the built binary running as a subprocess, its JSON logs captured.
type proc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
	code   int
	addr   string
}

func startProc(t testing.TB, args ...string) *proc {
	t.Helper()
	p := &proc{stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(buildBinary(t), append(args, "--log-format=json", "--log-level=debug")...)
	p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
	p.cmd.Env = os.Environ()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		p.code = 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
		} else if err != nil {
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

// listening waits for the "listening" log line and returns the address.
func (p *proc) listening(t testing.TB) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if rec := p.logRecord("listening"); rec != nil {
			p.addr, _ = rec["addr"].(string)
			return p.addr
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

// logRecord returns the first JSON log record with msg.
func (p *proc) logRecord(msg string) map[string]any {
	sc := bufio.NewScanner(strings.NewReader(p.stderr.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == msg {
			return rec
		}
	}
	return nil
}

// terminate sends SIGTERM and returns the exit code.
func (p *proc) terminate(t testing.TB) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	return p.wait(t)
}

// wait returns the exit code.
func (p *proc) wait(t testing.TB) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(time.Minute):
		t.Fatalf("consentproxy did not exit:\n%s", p.stderr.String())
		return 0
	}
}

// procArgs are the flags of a subprocess serving the mix with a flush
// interval so long that only the final flush writes.
func procArgs(dataDir, upstream, store string) []string {
	args := testArgs(dataDir, upstream)
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, "--flush-interval="):
			args[i] = "--flush-interval=1h"
		case strings.HasPrefix(a, "--store="):
			args[i] = "--store=" + store
		}
	}
	return args
}

// assertNoSecrets checks that text (logs, spool files) holds none of the
// mix's addresses, user agents and client ids, nor the extra strings.
func assertNoSecrets(t testing.TB, what, text string, extra ...string) {
	t.Helper()
	for _, s := range append(append([]string(nil), mixSecrets...), extra...) {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s holds %q", what, s)
		}
	}
}

// TestSIGTERM runs the built binary on the embedded store, sends the mix,
// stops it with SIGTERM and checks that the final flush (with a fresh
// context: the run context is cancelled by then) wrote every total.
func TestSIGTERM(t *testing.T) {
	freshDB(t, engineChdb) // skips without the library
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	dsn := "chdb://" + filepath.Join(dir, "clickhouse")
	up := newStubUpstream(t)
	p := startProc(t, procArgs(dataDir, up.URL, dsn)...)
	c := newClient(t, "http://"+p.listening(t))
	avoidMidnight(t, 30*time.Second)
	tm := sendMix(t, c)
	if code := p.terminate(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0:\n%s", code, p.stderr.String())
	}
	logs := p.stderr.String()
	if p.logRecord("stopped") == nil {
		t.Errorf("no clean stop logged:\n%s", logs)
	}
	assertNoSecrets(t, "logs", logs)
	mixUpstream(t, up.requests())
	if ents, _ := os.ReadDir(filepath.Join(dataDir, "spool")); len(ents) != 0 {
		t.Errorf("spool not empty after a clean shutdown: %v", ents)
	}
	checkTables(t, childQuerier(dsn, "consentproxy"), wantMix, tm)
}

// TestSpoolReplay: the server becomes unreachable, SIGTERM spools the
// unwritten aggregates to data-dir/spool, and the next start replays them
// into a live server: the totals come out exact.
func TestSpoolReplay(t *testing.T) {
	d := freshDB(t, engineClickHouse)
	dataDir := t.TempDir()
	up := newStubUpstream(t)
	relayed, rl := viaRelay(t, d.DSN)
	p := startProc(t, procArgs(dataDir, up.URL, relayed)...)
	c := newClient(t, "http://"+p.listening(t))
	avoidMidnight(t, 30*time.Second)
	tm := sendMix(t, c)

	rl.cut() // the port is closed from now on
	code := p.terminate(t)
	logs := p.stderr.String()
	spool := filepath.Join(dataDir, "spool")
	ents, err := os.ReadDir(spool)
	if err != nil || len(ents) == 0 {
		t.Fatalf("nothing spooled (exit %d, %v):\n%s", code, err, logs)
	}
	// The data is safe on disk, but the final flush failed: the exit code
	// says so.
	if code != 1 {
		t.Errorf("exit code %d with an unreachable store, want 1", code)
	}
	password := ""
	if u := strings.SplitN(strings.TrimPrefix(d.DSN, "clickhouse://"), "@", 2); len(u) == 2 {
		_, password, _ = strings.Cut(u[0], ":")
	}
	assertNoSecrets(t, "logs", logs, password)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(spool, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecrets(t, "spool file "+e.Name(), string(b))
	}

	// Start again on the live server: start-up replays the spool.
	p2 := startProc(t, procArgs(dataDir, up.URL, d.DSN)...)
	p2.listening(t)
	if ents, _ := os.ReadDir(spool); len(ents) != 0 {
		t.Errorf("spool not replayed at start: %v\n%s", ents, p2.stderr.String())
	}
	if code := p2.terminate(t); code != 0 {
		t.Fatalf("second run: exit %d:\n%s", code, p2.stderr.String())
	}
	s := d.open(t)
	defer s.Close()
	checkTables(t, storeQuerier(s), wantMix, tm)
}

// TestStartWithoutServer documents that a clickhouse:// store is checked
// at start: an unreachable server is a start-up error, reported at once.
func TestStartWithoutServer(t *testing.T) {
	d := freshDB(t, engineClickHouse)
	dsn, rl := viaRelay(t, d.DSN)
	rl.cut()
	start := time.Now()
	p := startProc(t, procArgs(t.TempDir(), "http://127.0.0.1:9", dsn)...)
	if code := p.wait(t); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	rec := p.logRecord("start")
	if err, _ := rec["err"].(string); !strings.Contains(err, "open clickhouse") {
		t.Errorf("start error %q does not name the store:\n%s", err, p.stderr.String())
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("took %v to give up", el)
	}
}
