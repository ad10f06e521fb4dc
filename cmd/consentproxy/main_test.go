package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/chdb"
	"github.com/consentproxy/consentproxy/store/clickhouse"
)

// The test binary boots the real Main in-process. chDB runs one storage
// directory per process, so every in-process chdb-backed test shares one
// directory (made on first use) and isolates itself with a database of its
// own; subprocesses (the built binary, the query child) have their own.
var sharedChdb struct {
	once sync.Once
	path string
	err  error
}

var binDir string // where buildBinary put the binary, removed at exit

func TestMain(m *testing.M) {
	if os.Getenv(queryChildEnv) != "" {
		exit(runQueryChild(os.Stdin, os.Stdout))
	}
	code := m.Run()
	for _, d := range []string{sharedChdb.path, binDir} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	exit(code)
}

// exit leaves the process the way a production binary does (exit_group).
// os.Exit would, under -race, run libc's exit(), whose atexit handlers tear
// chDB down while its threads still run: a crash after every test passed,
// in about one run of four. Data races still fail the test that saw them.
func exit(code int) { syscall.Exit(code) }

// need ends a test whose dependency is missing: a failure under CI=true
// (the setup step must have run), a skip naming the setup command elsewhere.
func need(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

const (
	engineChdb       = "chdb"
	engineClickHouse = "clickhouse"
)

var engines = []string{engineChdb, engineClickHouse}

// serverDSN is the private test server's DSN (no database in it).
func serverDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("CONSENTPROXY_TEST_CLICKHOUSE")
	if dsn == "" {
		need(t, "CONSENTPROXY_TEST_CLICKHOUSE is unset; run scripts/clickhouse-server.sh start .cache/ch-it && export CONSENTPROXY_TEST_CLICKHOUSE=$(cat .cache/ch-it/dsn)")
	}
	return dsn
}

// withDB returns dsn with its path replaced by /db.
func withDB(t testing.TB, dsn, db string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("CONSENTPROXY_TEST_CLICKHOUSE: %v", err)
	}
	u.Path = "/" + db
	return u.String()
}

func uniqueName(t testing.TB, prefix string) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b[:])
}

// testDB is one fresh database on one engine: DSN is what --store gets,
// Database what Main must be told when the DSN cannot say it (chdb).
type testDB struct {
	Engine, DSN, Database string
}

// freshDB prepares a database no other test uses and drops it when the test
// ends. A missing engine skips (or, in CI, fails) the test.
func freshDB(t testing.TB, engine string) testDB {
	t.Helper()
	var d testDB
	switch engine {
	case engineChdb:
		sharedChdb.once.Do(func() { sharedChdb.path, sharedChdb.err = os.MkdirTemp("", "consentproxy-cmd-chdb-") })
		if sharedChdb.err != nil {
			t.Fatal(sharedChdb.err)
		}
		d = testDB{Engine: engine, DSN: chdb.Scheme + sharedChdb.path, Database: uniqueName(t, "cmdtest_")}
	case engineClickHouse:
		db := uniqueName(t, "cmdtest_")
		d = testDB{Engine: engine, DSN: withDB(t, serverDSN(t), db), Database: db}
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	// Opening once here tells a missing engine apart from a broken one and
	// creates the schema, so the Main under test finds it migrated.
	s := d.open(t)
	s.Close()
	t.Cleanup(func() { d.drop(t) })
	return d
}

// open opens the store directly, as an operator's query tool would.
func (d testDB) open(t testing.TB) consentproxy.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var s consentproxy.Store
	var err error
	switch d.Engine {
	case engineChdb:
		s, err = chdb.Open(ctx, d.DSN, store.Options{Database: d.Database})
		if errors.Is(err, chdb.ErrLibraryMissing) {
			need(t, fmt.Sprintf("chDB library missing; run scripts/fetch-chdb.sh: %v", err))
		}
	case engineClickHouse:
		s, err = clickhouse.Open(ctx, d.DSN, store.Options{})
	}
	if err != nil {
		t.Fatalf("open %s store: %v", d.Engine, err)
	}
	return s
}

func (d testDB) drop(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	switch d.Engine {
	case engineChdb:
		var s *chdb.Store
		if s, err = chdb.Open(ctx, d.DSN, store.Options{Database: d.Database}); err == nil {
			err = s.Exec(ctx, "DROP DATABASE IF EXISTS "+d.Database)
			s.Close()
		}
	case engineClickHouse:
		var s *clickhouse.Store
		if s, err = clickhouse.Open(ctx, d.DSN, store.Options{}); err == nil {
			err = s.Engine().Exec(ctx, "DROP DATABASE IF EXISTS "+d.Database)
			s.Close()
		}
	}
	if err != nil {
		t.Errorf("drop test database %s: %v", d.Database, err)
	}
}

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rig is what a test needs beside a running Main: its stub Google, its log
// output and an HTTP client pointed at it.
type rig struct {
	*client
	m         *Main
	up        *stubUpstream
	logs      *syncBuffer
	closeOnce sync.Once
	closeErr  error
}

var rigs sync.Map // *Main → *rig

// rigOf returns the rig MustRunMain made for m.
func rigOf(t testing.TB, m *Main) *rig {
	t.Helper()
	r, ok := rigs.Load(m)
	if !ok {
		t.Fatal("Main was not started by MustRunMain")
	}
	return r.(*rig)
}

// close shuts m down once (final flush included) with a fresh context.
func (r *rig) close(t testing.TB) error {
	r.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		r.closeErr = r.m.Close(ctx)
	})
	return r.closeErr
}

// testArgs are the flags every in-process Main gets: loopback only, a
// stub Google, trusted loopback proxies with a country header, quick
// flushes and debug logs.
func testArgs(dataDir, upstream string) []string {
	return []string{
		"--listen=127.0.0.1:0",
		"--data-dir=" + dataDir,
		"--ga-upstream=" + upstream,
		"--gtm-upstream=" + upstream,
		"--measurement-ids=" + siteA + "," + siteB,
		"--allowed-origins=https://site.example",
		"--trusted-proxies=127.0.0.1/8",
		"--country-header=CF-IPCountry",
		"--flush-interval=200ms",
		"--drain-timeout=20s",
		"--store=none",
		"--log-format=json",
		"--log-level=debug",
	}
}

// MustRunMain boots the real Main on 127.0.0.1:0 with a temporary data dir,
// a stub GA/GTM upstream, --store none and a 200ms flush interval, its
// Config built by the real flag parser and validator and then changed by
// mutate (may be nil). It is closed when the test ends.
func MustRunMain(t testing.TB, mutate func(*Config)) *Main {
	t.Helper()
	return runMain(t, nil, mutate)
}

// mustRunMainOn is MustRunMain on the database d.
func mustRunMainOn(t testing.TB, d testDB, mutate func(*Config)) *Main {
	t.Helper()
	return runMain(t, []string{"--store=" + d.DSN}, func(c *Config) {
		if d.Engine == engineChdb {
			c.storeDatabase = d.Database
		}
		if mutate != nil {
			mutate(c)
		}
	})
}

func runMain(t testing.TB, extra []string, mutate func(*Config)) *Main {
	t.Helper()
	up := newStubUpstream(t)
	r := newRawConfig()
	r.fs.SetOutput(io.Discard)
	noEnv := func(string) (string, bool) { return "", false } // the host's environment must not leak in
	if err := r.parse(append(testArgs(t.TempDir(), up.URL), extra...), noEnv); err != nil {
		t.Fatalf("parse flags: %v", err)
	}
	cfg, errs := r.validate()
	if len(errs) > 0 {
		t.Fatalf("invalid test configuration: %v", errs)
	}
	if mutate != nil {
		mutate(&cfg)
	}
	logs := &syncBuffer{}
	m := NewMain()
	m.Config = cfg
	m.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rg := &rig{m: m, up: up, logs: logs}
	t.Cleanup(func() {
		if err := rg.close(t); err != nil {
			t.Logf("close Main: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("Main.Run: %v", err)
	}
	rg.client = newClient(t, "http://"+m.Addr())
	rigs.Store(m, rg)
	t.Cleanup(func() { rigs.Delete(m) })
	return m
}

// upstreamReq is what the stub Google saw.
type upstreamReq struct {
	Method, URI string
	Header      http.Header
	Body        string
}

// stubUpstream stands in for Google (the only part of the system on the
// internet) on loopback and records every request it receives.
type stubUpstream struct {
	URL  string
	mu   sync.Mutex
	reqs []upstreamReq
}

func newStubUpstream(t testing.TB) *stubUpstream {
	t.Helper()
	s := &stubUpstream{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.URL = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *stubUpstream) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, upstreamReq{Method: r.Method, URI: r.URL.RequestURI(), Header: r.Header.Clone(), Body: string(body)})
	s.mu.Unlock()
	if r.URL.Path == "/gtag/js" {
		w.Header().Set("Content-Type", "application/javascript")
		io.WriteString(w, "/* stub gtag */")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// requests returns what arrived so far.
func (s *stubUpstream) requests() []upstreamReq {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]upstreamReq(nil), s.reqs...)
}

// eventually polls cond every 20ms until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
