package aggregate

import (
	"bytes"
	"context"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// syncBuf is a log sink safe for concurrent writers.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger() (*slog.Logger, *syncBuf) {
	buf := &syncBuf{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// visitorN is the n-th distinct test visitor.
func visitorN(n int) visitor {
	v := alice
	v.ip = netip.AddrFrom4([4]byte{192, 0, 2, byte(n)}).String()
	return v
}

// checkPrivateLog fails if the log mentions any identifying input.
func checkPrivateLog(t *testing.T, log string) {
	t.Helper()
	for _, secret := range []string{alice.ua, "192.0.2.", alice.ip, string(testSecret)} {
		if strings.Contains(log, secret) {
			t.Errorf("log contains %q:\n%s", secret, log)
		}
	}
}

// The store fails a few times; Run keeps the batches in memory, backs off,
// and writes every count exactly once when the store is back.
func TestFlusherRetriesWithBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, err := New(Config{Secret: testSecret})
		if err != nil {
			t.Fatal(err)
		}
		store := newFakeStore(4)
		log, logs := testLogger()
		f, err := NewFlusher(a, store, FlushConfig{Interval: 10 * time.Second, SpoolDir: t.TempDir(), Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { f.Run(ctx); close(done) }()
		const n = 60
		for i := range n { // one pageview every 5s for 5 minutes
			a.Record(visitorN(i).pv(time.Time{}, "G-F", "https://x.example/"))
			time.Sleep(5 * time.Second)
		}
		synctest.Wait() // let the last tick finish before cancelling
		cancel()
		<-done
		if err := f.Flush(t.Context()); err != nil {
			t.Fatalf("final flush: %v", err)
		}
		m, uv := store.sum("totals")
		if m.Pageviews != n || m.Visits != n || uv != n {
			t.Errorf("stored totals %+v, %d visitors; want %d", m, uv, n)
		}
		st := f.Stats()
		if st.WriteFailures != 4 || st.Pending != 0 || st.Spooled != 0 || st.ConsecutiveFailures != 0 || st.LastSuccess.IsZero() {
			t.Errorf("stats %+v", st)
		}
		// Backoff after the k-th failure is in [Interval·2^(k-2), Interval·2^(k-1)).
		var fails []time.Time
		var firstOK time.Time
		for i, at := range store.times {
			if store.failed[i] {
				fails = append(fails, at)
			} else if firstOK.IsZero() {
				firstOK = at
			}
		}
		if len(fails) != 4 || firstOK.IsZero() {
			t.Fatalf("failures at %v, first success %v", fails, firstOK)
		}
		if g := fails[3].Sub(fails[2]); g < 20*time.Second {
			t.Errorf("retry 4 came %v after retry 3, want ≥ 20s", g)
		}
		if g := firstOK.Sub(fails[3]); g < 40*time.Second {
			t.Errorf("retry 5 came %v after retry 4, want ≥ 40s", g)
		}
		if store.noDeadl {
			t.Error("a write had no deadline")
		}
		if !strings.Contains(logs.String(), "flush failed") {
			t.Errorf("failure not logged: %s", logs)
		}
		checkPrivateLog(t, logs.String())
	})
}

// Beyond MaxPendingBatches, batches go to disk; they are written and deleted
// once the store is back.
func TestFlusherSpoolsBeyondMemoryBound(t *testing.T) {
	a, c := newTestAgg(t, Config{})
	store := newFakeStore(1 << 30)
	dir := t.TempDir()
	log, logs := testLogger()
	f, err := NewFlusher(a, store, FlushConfig{SpoolDir: dir, MaxPendingBatches: 2, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	const ticks = 6
	for i := range ticks {
		c.Set(t0.Add(time.Duration(i) * time.Minute))
		a.Record(visitorN(i).pv(c.Now(), "G-F", "https://x.example/"))
		f.next = time.Time{} // no waiting for the backoff in this test
		f.tick(t.Context())
	}
	// Every third tick exceeds the bound: three batches, merged, and
	// merged again into the instance's one file, which replaces it.
	st := f.Stats()
	if st.Pending != 0 || st.Spooled != 1 || st.BatchesSpooled != ticks {
		t.Fatalf("stats %+v", st)
	}
	files := spoolFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("spool files %v, want one: a second file would hold the same rows again", files)
	}
	// Merged: the totals row, re-sent by every batch, is in the file once,
	// with its newest cumulative value and the newest version.
	b, err := readSpool(filepath.Join(dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	if got := index(b)["totals|G-F|10:00|"]; got.Metrics.Visits != ticks || len(got.Visitors) != ticks || b.Version != ticks {
		t.Errorf("merged file: version %d, totals %+v", b.Version, got)
	}
	for _, tr := range b.Tables {
		if tr.Table.Name == "totals" && len(tr.Rows) != 1 {
			t.Errorf("totals rows in merged file: %d", len(tr.Rows))
		}
	}
	store.setFail(0)
	if err := f.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if files := spoolFiles(t, dir); len(files) != 0 {
		t.Errorf("spool not emptied: %v", files)
	}
	if m, uv := store.sum("totals"); m.Visits != ticks || uv != ticks {
		t.Errorf("totals %+v, %d visitors", m, uv)
	}
	if st := f.Stats(); st.BatchesWritten != 1 || st.Pending != 0 || st.Spooled != 0 {
		t.Errorf("stats %+v", st)
	}
	checkPrivateLog(t, logs.String())
}

// A process that exits while the store is down spools everything in Flush;
// the next process replays it, and replaying again changes nothing.
func TestFlusherReplayAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	a1, _ := newTestAgg(t, Config{})
	down := newFakeStore(1 << 30)
	log, logs := testLogger()
	f1, _ := NewFlusher(a1, down, FlushConfig{SpoolDir: dir, Logger: log})
	for i := range 3 {
		a1.Record(visitorN(i).pv(t0, "G-F", "https://x.example/"))
		f1.next = time.Time{}
		f1.tick(t.Context())
	}
	a1.Record(visitorN(3).pv(t0, "G-F", "https://x.example/"))
	if err := f1.Flush(t.Context()); err == nil {
		t.Fatal("flush against a down store succeeded")
	}
	files := spoolFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("spooled %v, want 1 merged file", files)
	}
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{alice.ua, "192.0.2."} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("spool file %s contains %q", name, secret)
			}
		}
	}
	// Keep copies to replay twice; add debris a crash could leave.
	copies := t.TempDir()
	for _, name := range files {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		_ = os.WriteFile(filepath.Join(copies, name), data, 0o600)
	}
	_ = os.WriteFile(filepath.Join(dir, ".tmp-123"), []byte("half"), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "batch-bad-1"+spoolExt), []byte("CPSPOOL1 garbage"), 0o600)

	a2, _ := newTestAgg(t, Config{})
	up := newFakeStore(0)
	f2, _ := NewFlusher(a2, up, FlushConfig{SpoolDir: dir, Logger: log})
	if err := f2.Replay(t.Context()); err != nil {
		t.Fatalf("replay: %v", err)
	}
	if left := spoolFiles(t, dir); len(left) != 0 {
		t.Errorf("left after replay: %v", left)
	}
	m, uv := up.sum("totals")
	if m.Visits != 4 || m.Pageviews != 4 || uv != 4 {
		t.Fatalf("replayed totals %+v, %d visitors", m, uv)
	}
	if st := f2.Stats(); st.BatchesDropped != 1 || st.SpoolErrors != 1 || st.BatchesWritten != 1 {
		t.Errorf("stats %+v", st)
	}
	// Replay the same files again: idempotent.
	for _, name := range files {
		data, _ := os.ReadFile(filepath.Join(copies, name))
		_ = os.WriteFile(filepath.Join(dir, name), data, 0o600)
	}
	if err := f2.Replay(t.Context()); err != nil {
		t.Fatal(err)
	}
	if m2, uv2 := up.sum("totals"); m2 != m || uv2 != uv {
		t.Errorf("second replay changed totals: %+v/%d → %+v/%d", m, uv, m2, uv2)
	}
	if !strings.Contains(logs.String(), "unreadable") {
		t.Errorf("corrupt file not logged: %s", logs)
	}
	checkPrivateLog(t, logs.String())
}

// A spool directory that cannot be written: the flusher keeps running, counts
// what it dropped, logs it without personal data, and recovers when the
// store returns.
func TestFlusherUnwritableSpool(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	a, c := newTestAgg(t, Config{})
	store := newFakeStore(1 << 30)
	log, logs := testLogger()
	f, err := NewFlusher(a, store, FlushConfig{SpoolDir: filepath.Join(notDir, "spool"), MaxPendingBatches: 1, Logger: log})
	if err != nil {
		t.Fatalf("NewFlusher must not fail on an unusable spool dir: %v", err)
	}
	for i := range 4 {
		c.Set(t0.Add(time.Duration(i) * time.Minute))
		a.Record(visitorN(i).pv(c.Now(), "G-F", "https://x.example/"))
		f.next = time.Time{}
		f.tick(t.Context())
	}
	st := f.Stats()
	if st.BatchesDropped != 4 || st.SpoolErrors != 2 || st.RowsDropped == 0 || st.Pending != 0 {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(logs.String(), "spool write failed") {
		t.Errorf("not logged: %s", logs)
	}
	if err := f.Replay(t.Context()); err == nil {
		t.Log("replay of an unusable dir reported no error")
	}
	store.setFail(0)
	a.Record(visitorN(9).pv(c.Now(), "G-F", "https://x.example/"))
	if err := f.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Rows are cumulative: the last batch carries the totals row with every
	// visitor, so the dropped batches lost only rows that did not change again.
	if m, uv := store.sum("totals"); m.Visits != 5 || uv != 5 {
		t.Errorf("totals %+v, %d visitors", m, uv)
	}
	checkPrivateLog(t, logs.String())
}

func TestNewFlusherValidates(t *testing.T) {
	a, _ := newTestAgg(t, Config{})
	s := newFakeStore(0)
	for name, tc := range map[string]struct {
		a   *Aggregator
		s   consentproxy.Store
		cfg FlushConfig
	}{
		"no aggregator": {nil, s, FlushConfig{SpoolDir: t.TempDir()}},
		"no store":      {a, nil, FlushConfig{SpoolDir: t.TempDir()}},
		"no spool dir":  {a, s, FlushConfig{}},
		"negative":      {a, s, FlushConfig{SpoolDir: t.TempDir(), Interval: -1}},
	} {
		if _, err := NewFlusher(tc.a, tc.s, tc.cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// hangingStore blocks every write until its context ends, like a server that
// accepted the connection and then stopped answering.
type hangingStore struct{ *fakeStore }

func (s hangingStore) Write(ctx context.Context, b consentproxy.Batch) error {
	<-ctx.Done()
	return ctx.Err()
}

// A shutdown that interrupts Run mid-write is not a store failure: nothing
// is counted as failed, the batch stays pending, and Flush writes it.
func TestFlusherShutdownMidWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, err := New(Config{Secret: testSecret})
		if err != nil {
			t.Fatal(err)
		}
		hang := hangingStore{newFakeStore(0)}
		f, err := NewFlusher(a, hang, FlushConfig{Interval: time.Second, SpoolDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		a.Record(alice.pv(time.Time{}, "G-F", "https://x.example/"))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { f.Run(ctx); close(done) }()
		time.Sleep(1500 * time.Millisecond) // the first tick is now hanging in Write
		synctest.Wait()
		cancel()
		<-done
		if st := f.Stats(); st.WriteFailures != 0 || st.Pending != 1 {
			t.Fatalf("after an interrupted write: %+v; want no failures, one batch pending", st)
		}
		f.s = hang.fakeStore
		if err := f.Flush(t.Context()); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		if m, uv := hang.sum("totals"); m.Pageviews != 1 || uv != 1 {
			t.Fatalf("stored %+v, %d visitors; want the one pageview", m, uv)
		}
	})
}
