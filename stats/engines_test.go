package stats

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/chdb"
	"github.com/consentproxy/consentproxy/store/clickhouse"
)

// chDB runs one storage directory per process: every test shares it and
// isolates itself with a database of its own.
var sharedChdb struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedChdb.path != "" {
		os.RemoveAll(sharedChdb.path)
	}
	// exit_group, as the store tests do: os.Exit under -race runs libc's
	// atexit handlers, which tear chDB down while its threads still run.
	syscall.Exit(code)
}

// need ends a test whose engine is missing: a failure under CI=true, a skip
// naming the setup command elsewhere.
func need(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func uniqueDB(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "statstest_" + hex.EncodeToString(b[:])
}

var engines = []string{"chdb", "clickhouse"}

// openStore opens a fresh, migrated database on one real engine and drops it
// when the test ends.
func openStore(t testing.TB, engine string) consentproxy.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := uniqueDB(t)
	switch engine {
	case "chdb":
		sharedChdb.once.Do(func() { sharedChdb.path, sharedChdb.err = os.MkdirTemp("", "stats-chdb-") })
		if sharedChdb.err != nil {
			t.Fatal(sharedChdb.err)
		}
		s, err := chdb.Open(ctx, chdb.Scheme+sharedChdb.path, store.Options{Database: db})
		if errors.Is(err, chdb.ErrLibraryMissing) {
			need(t, "chDB library missing; run scripts/fetch-chdb.sh (or make setup): "+err.Error())
		}
		if err != nil {
			t.Fatalf("open chdb: %v", err)
		}
		t.Cleanup(func() {
			if err := s.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
				t.Errorf("drop %s: %v", db, err)
			}
			s.Close()
		})
		return s
	case "clickhouse":
		dsn := os.Getenv("CONSENTPROXY_TEST_CLICKHOUSE")
		if dsn == "" {
			need(t, "CONSENTPROXY_TEST_CLICKHOUSE is unset; run scripts/clickhouse-server.sh start .cache/ch && export CONSENTPROXY_TEST_CLICKHOUSE=$(cat .cache/ch/dsn)")
		}
		s, err := clickhouse.Open(ctx, dsn, store.Options{Database: db})
		if err != nil {
			t.Fatalf("open clickhouse: %v", err)
		}
		t.Cleanup(func() {
			if err := s.Engine().Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
				t.Errorf("drop %s: %v", db, err)
			}
			s.Close()
		})
		return s
	}
	t.Fatalf("unknown engine %q", engine)
	return nil
}
