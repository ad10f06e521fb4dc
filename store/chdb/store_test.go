package chdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/storetest"
)

func TestConformance(t *testing.T) {
	requireLib(t)
	storetest.Run(t, func(t *testing.T) consentproxy.Store { return openFresh(t) })
}

func TestParseDSN(t *testing.T) {
	for dsn, want := range map[string]string{
		"chdb://./data/clickhouse": "./data/clickhouse",
		"chdb://data":              "data",
		"chdb:///var/lib/cp":       "/var/lib/cp",
	} {
		if got, err := ParseDSN(dsn); err != nil || got != want {
			t.Errorf("ParseDSN(%q) = %q, %v; want %q", dsn, got, err, want)
		}
	}
	for _, dsn := range []string{"", "chdb://", "clickhouse://localhost:9000", "./data", "chdb://a\x00b"} {
		if got, err := ParseDSN(dsn); err == nil {
			t.Errorf("ParseDSN(%q) = %q; want an error", dsn, got)
		}
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	ctx := context.Background()
	for name, o := range map[string]store.Options{
		"cluster":       {Cluster: "c"},
		"database name": {Database: "x; DROP"},
		"retention":     {Retention: time.Minute},
	} {
		if s, err := Open(ctx, Scheme+storageDir(t), o); err == nil {
			s.Close()
			t.Errorf("Open with bad %s succeeded", name)
		}
	}
	if _, err := Open(ctx, "chdb://", store.Options{}); err == nil {
		t.Error("Open with an empty path succeeded")
	}
}

func TestReopenKeepsData(t *testing.T) {
	requireLib(t)
	ctx := context.Background()
	s := openFresh(t)
	db := s.Options().Database
	h := recentHour()
	if err := s.Write(ctx, pagesBatch("i", 1, consentproxy.Row{Site: "G-R", Hour: h, Dims: []string{"/"},
		Metrics: consentproxy.Metrics{Pageviews: 5}, Visitors: []uint64{1, 2}})); err != nil {
		t.Fatal(err)
	}
	// A second Store on the same database while the first is open, then
	// after it closed: both see the data, and migrations are not re-run.
	s2, err := Open(ctx, Scheme+storageDir(t), store.Options{Database: db})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Ping after Close = %v; want ErrClosed", err)
	}
	res, err := s2.Query(ctx, "SELECT sum(pageviews), uniqArrayMerge(visitors) FROM pages FINAL WHERE site = ?", "G-R")
	if err != nil || len(res.Rows) != 1 || strings.Join(res.Rows[0], " ") != "5 2" {
		t.Fatalf("after reopen: %v, %v; want 5 2", res.Rows, err)
	}
	res, err = s2.Query(ctx, "SELECT count() FROM schema_migrations")
	if err != nil || res.Rows[0][0] == "0" {
		t.Fatalf("schema_migrations: %v, %v", res.Rows, err)
	}
	migs := res.Rows[0][0]
	s2.Close()
	s3, err := Open(ctx, Scheme+storageDir(t), store.Options{Database: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	res, err = s3.Query(ctx, "SELECT count() FROM schema_migrations")
	if err != nil || res.Rows[0][0] != migs {
		t.Fatalf("schema_migrations after reopen: %v, %v; want %s (nothing re-applied)", res.Rows, err, migs)
	}
}

func TestOtherDirectoryWhileOpen(t *testing.T) {
	s := openFresh(t)
	_, err := Open(context.Background(), Scheme+t.TempDir(), store.Options{Database: "x"})
	if !errors.Is(err, ErrOtherPath) || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("Open of a second directory = %v; want ErrOtherPath naming %s", err, s.Path())
	}
}

// TestChunkedWrite forces tiny insert statements and checks that a batch
// split across many of them still adds up exactly.
func TestChunkedWrite(t *testing.T) {
	s := openFresh(t)
	oldRows, oldBytes := maxRowsPerInsert, maxBytesPerInsert
	t.Cleanup(func() { maxRowsPerInsert, maxBytesPerInsert = oldRows, oldBytes })
	maxRowsPerInsert, maxBytesPerInsert = 7, 1<<20
	ctx := context.Background()
	h := recentHour()
	var rows []consentproxy.Row
	var want int64
	for i := 0; i < 100; i++ {
		rows = append(rows, consentproxy.Row{Site: "G-C", Hour: h, Dims: []string{fmt.Sprintf("/p%d", i)},
			Metrics: consentproxy.Metrics{Pageviews: int64(i)}, Visitors: []uint64{uint64(i)}})
		want += int64(i)
	}
	if err := s.Write(ctx, pagesBatch("i", 1, rows...)); err != nil {
		t.Fatal(err)
	}
	maxBytesPerInsert = 1 // every statement holds exactly one row
	if err := s.Write(ctx, pagesBatch("i", 1, rows...)); err != nil {
		t.Fatal(err)
	}
	res, err := s.Query(ctx, "SELECT sum(pageviews), count(), uniqArrayMerge(visitors) FROM pages FINAL WHERE site = ?", "G-C")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Rows[0], " "); got != fmt.Sprintf("%d 100 100", want) {
		t.Fatalf("chunked totals %q; want %d 100 100", got, want)
	}
}

// TestEveryByteRoundTrips writes a dim holding each of the 256 byte values
// and reads it back through hex(), independent of the result decoder.
func TestEveryByteRoundTrips(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	var all []byte
	for i := 0; i < 256; i++ {
		all = append(all, byte(i))
	}
	path := string(all) + string(all[:0x80]) // invalid UTF-8 in the middle
	if err := s.Write(ctx, pagesBatch("i", 1, consentproxy.Row{Site: "G-B", Hour: recentHour(), Dims: []string{path},
		Metrics: consentproxy.Metrics{Hits: 1}})); err != nil {
		t.Fatal(err)
	}
	res, err := s.Query(ctx, "SELECT hex(path), path FROM pages WHERE site = ?", "G-B")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%X", path); res.Rows[0][0] != want {
		t.Errorf("stored bytes:\n %s\nwant\n %s", res.Rows[0][0], want)
	}
	if res.Rows[0][1] != path {
		t.Errorf("decoded path %q; want %q", res.Rows[0][1], path)
	}
}

func TestContextEndsQuery(t *testing.T) {
	s := openFresh(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Query(ctx, "SELECT 1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Query with a canceled context = %v; want context.Canceled", err)
	}
	if err := s.Write(ctx, pagesBatch("i", 1, consentproxy.Row{Site: "G", Hour: recentHour(), Dims: []string{"/"}})); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with a canceled context = %v; want context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Query(ctx, "SELECT sleep(1)")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("Query past its deadline = %v after %v; want DeadlineExceeded promptly", err, time.Since(start))
	}
	// The store stays usable once the abandoned statement finishes.
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSessionIsUTC(t *testing.T) {
	s := openFresh(t)
	res, err := s.Query(context.Background(), "SELECT timezone(), toDateTime(?), toString(toDateTime(?))",
		time.Unix(0, 0), time.Unix(3600, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Rows[0], "|"); got != "UTC|1970-01-01 00:00:00|1970-01-01 01:00:00" {
		t.Fatalf("got %q; want UTC rendering", got)
	}
}

// childEnv makes the test binary run one scenario in a fresh process (for
// cold-start measurements and process-wide settings such as TZ).
const childEnv = "CHDB_STORE_TEST_CHILD"

func runChild(mode string) int {
	if mode == "wx" {
		return runWX()
	}
	if mode != "coldopen" {
		fmt.Println("unknown child mode", mode)
		return 2
	}
	dir := os.Getenv("CHDB_STORE_TEST_DIR")
	start := time.Now()
	s, err := Open(context.Background(), Scheme+dir, store.Options{})
	if err != nil {
		fmt.Println("open:", err)
		return 3
	}
	elapsed := time.Since(start)
	res, err := s.Query(context.Background(), "SELECT toDateTime(?)", time.Unix(7200, 0))
	if err != nil {
		fmt.Println("query:", err)
		return 3
	}
	status, _ := os.ReadFile("/proc/self/status")
	rss := "?"
	for _, l := range strings.Split(string(status), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			rss = f[1]
		}
	}
	fmt.Printf("open_ns=%d rss_kb=%s dt=%s\n", elapsed.Nanoseconds(), rss, res.Rows[0][0])
	return 0
}

type coldOpen struct {
	open  time.Duration
	rssKB int64
	dt    string
}

func runColdOpen(t testing.TB, dir string, env ...string) coldOpen {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"=coldopen", "CHDB_STORE_TEST_DIR="+dir), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cold open child: %v\n%s", err, out)
	}
	var c coldOpen
	var ns int64
	i := bytes.LastIndex(out, []byte("open_ns="))
	if i < 0 {
		t.Fatalf("child output %q: no measurement", out)
	}
	line := string(bytes.TrimSpace(out[i:]))
	// dt holds a space, so it is taken as the rest of the line.
	if _, err := fmt.Sscanf(line, "open_ns=%d rss_kb=%d", &ns, &c.rssKB); err != nil || !strings.Contains(line, "dt=") {
		t.Fatalf("child output %q: %v", out, err)
	}
	c.dt = line[strings.Index(line, "dt=")+3:]
	c.open = time.Duration(ns)
	return c
}

// TestColdOpenInOtherTimeZone opens in a fresh process whose TZ is far from
// UTC: DateTime text must still be UTC. It also logs the measured cold
// start (engine boot + migrations) and resident memory.
func TestColdOpenInOtherTimeZone(t *testing.T) {
	requireLib(t)
	dir := t.TempDir()
	first := runColdOpen(t, dir, "TZ=Pacific/Auckland")
	again := runColdOpen(t, dir, "TZ=America/Los_Angeles")
	for _, c := range []coldOpen{first, again} {
		if c.dt != "1970-01-01 02:00:00" {
			t.Errorf("toDateTime(7200) rendered %q in a non-UTC process; want 1970-01-01 02:00:00", c.dt)
		}
	}
	t.Logf("cold open with migrations: %v (RSS %d MB); cold open of a migrated dir: %v (RSS %d MB)",
		first.open, first.rssKB/1024, again.open, again.rssKB/1024)
}

// TestSecondProcessIsRefused: chDB locks its directory, so a second process
// on the same directory gets an error instead of sharing (and corrupting)
// the files.
func TestSecondProcessIsRefused(t *testing.T) {
	s := openFresh(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=coldopen", "CHDB_STORE_TEST_DIR="+s.Path())
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "another process") {
		t.Fatalf("second process on %s: %v\n%s\nwant an open error", s.Path(), err, out)
	}
}

// TestQueryRefusesSideDoors: statements that get past a read-only session
// (INTO OUTFILE writes a file even under readonly=1; several statements
// would glue their outputs) or try to leave it.
func TestQueryRefusesSideDoors(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	out := t.TempDir() + "/out.tsv"
	for _, q := range []string{
		"SELECT 1 INTO OUTFILE '" + out + "'",
		"SELECT * FROM file('/etc/hostname', 'LineAsString')",
		"SELECT 1; SELECT 2",
		"SELECT 1 SETTINGS readonly = 0",
		"SET readonly = 0",
	} {
		if res, err := s.Query(ctx, q); err == nil {
			t.Errorf("Query(%q) = %v; want an error", q, res.Rows)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("INTO OUTFILE wrote %s", out)
	}
}

// TestUpgrade: an installation the previous release made upgrades exactly.
func TestUpgrade(t *testing.T) {
	requireLib(t)
	storetest.Upgrade(t, openAt)
}

// TestPending: what migrate --dry-run would apply, read without applying.
func TestPending(t *testing.T) {
	requireLib(t)
	storetest.Pending(t, func(o store.Options) ([]store.Migration, error) {
		return Pending(context.Background(), Scheme+storageDir(t), o)
	}, openAt)
}

// openAt is a storetest.Opener: o.Database in the shared directory,
// dropped at clean-up.
func openAt(t *testing.T, o store.Options) (consentproxy.Store, store.Engine, error) {
	s, err := Open(context.Background(), Scheme+storageDir(t), o)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() {
		_ = s.Exec(context.Background(), "DROP DATABASE IF EXISTS "+o.Database)
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, s, nil
}
