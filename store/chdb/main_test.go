package chdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/chdb/internal/chdblib"
)

// The storage directory of this test process, made on first use (fuzz
// workers never need one). chDB runs one directory per process, so every
// test opens it and isolates itself with a database of its own.
var (
	testDirOnce sync.Once
	testDirPath string
	testDirErr  error
)

func storageDir(t testing.TB) string {
	t.Helper()
	testDirOnce.Do(func() { testDirPath, testDirErr = os.MkdirTemp("", "chdb-store-test-") })
	if testDirErr != nil {
		t.Fatal(testDirErr)
	}
	return testDirPath
}

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		exit(runChild(mode))
	}
	code := m.Run()
	if err := chdblib.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "shutdown:", err)
	}
	if testDirPath != "" {
		os.RemoveAll(testDirPath)
	}
	exit(code)
}

// exit leaves the process the way a production binary does (exit_group).
// os.Exit would, under -race, run libc's exit(), whose atexit handlers tear
// chDB down while its threads still run: a crash after every test passed,
// in about one run of four. Data races still fail the test that saw them.
func exit(code int) { syscall.Exit(code) }

// requireLib ends the test when libchdb.so is absent: t.Fatal in CI (the
// setup step must have run), t.Skip naming the setup command elsewhere.
func requireLib(t testing.TB) {
	t.Helper()
	err := chdblib.Load()
	if err == nil {
		return
	}
	if errors.Is(err, ErrLibraryMissing) && os.Getenv("CI") != "true" {
		t.Skipf("chDB library not installed; run %s (or make setup): %v", chdblib.SetupCommand, err)
	}
	t.Fatalf("chDB library: %v", err)
}

var dbSeq atomic.Int64

// openFresh opens a Store on a database no other test uses, closed (and
// dropped) when the test ends.
func openFresh(t testing.TB) *Store {
	t.Helper()
	requireLib(t)
	db := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, Scheme+storageDir(t), store.Options{Database: db})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		_ = s.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func recentHour() time.Time { return time.Now().UTC().Truncate(time.Hour).Add(-24 * time.Hour) }

func pagesBatch(instance string, version uint64, rows ...consentproxy.Row) consentproxy.Batch {
	return consentproxy.Batch{Instance: instance, Version: version,
		Tables: []consentproxy.TableRows{{Table: consentproxy.TablePages, Rows: rows}}}
}
