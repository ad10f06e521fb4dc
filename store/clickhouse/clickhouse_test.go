package clickhouse_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/clickhouse"
	"github.com/consentproxy/consentproxy/store/storetest"
)

// serverDSN is the private test server's DSN, from scripts/clickhouse-server.sh.
func serverDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("CONSENTPROXY_TEST_CLICKHOUSE")
	if dsn == "" {
		msg := "CONSENTPROXY_TEST_CLICKHOUSE is unset; run scripts/clickhouse-server.sh start .cache/ch && export CONSENTPROXY_TEST_CLICKHOUSE=$(cat .cache/ch/dsn)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn
}

// uniqueDB names a fresh database per test, so tests never see each other's
// rows, can run in parallel and leave nothing behind.
func uniqueDB(t *testing.T) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "cptest_" + hex.EncodeToString(b[:])
}

func openFresh(t *testing.T, dsn string, o store.Options) *clickhouse.Store {
	t.Helper()
	if o.Database == "" {
		o.Database = uniqueDB(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := clickhouse.Open(ctx, dsn, o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Engine().Exec(ctx, "DROP DATABASE IF EXISTS "+s.Options().Database+clusterClause(o)); err != nil {
			t.Errorf("drop test database: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func clusterClause(o store.Options) string {
	if o.Cluster == "" || o.LocalDDL {
		return ""
	}
	return " ON CLUSTER " + o.Cluster
}

func TestConformance(t *testing.T) {
	dsn := serverDSN(t)
	storetest.Run(t, func(t *testing.T) consentproxy.Store { return openFresh(t, dsn, store.Options{}) })
}

// TestMigrateTwiceAndConcurrently: reopening applies nothing twice, and
// starters racing for the lock all succeed with one schema.
func TestMigrateTwiceAndConcurrently(t *testing.T) {
	dsn := serverDSN(t)
	db := uniqueDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s, err := clickhouse.Open(ctx, dsn, store.Options{Database: db})
			if err != nil {
				errs <- err
				return
			}
			s.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Open: %v", err)
	}
	s := openFresh(t, dsn, store.Options{Database: db})
	res, err := s.Query(context.Background(), "SELECT version, count() FROM schema_migrations GROUP BY version ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	migs, err := store.Migrations(s.Features(), s.Options())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != len(migs) {
		t.Fatalf("schema_migrations has %d versions, want %d: %v", len(res.Rows), len(migs), res.Rows)
	}
	for i, row := range res.Rows {
		if row[1] != "1" {
			t.Errorf("migration %s recorded %s times (row %d)", row[0], row[1], i)
		}
	}
	res, err = s.Query(context.Background(), "SELECT count() FROM system.tables WHERE database = ? AND name = 'schema_lock'", db)
	if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "0" {
		t.Errorf("lock left behind after Open: %v %v", res.Rows, err)
	}
}

// TestStaleLockIsBroken: a lock left by a crashed starter older than
// LockStale does not block Open; a fresh one does, until LockWait.
func TestStaleLockIsBroken(t *testing.T) {
	dsn := serverDSN(t)
	s := openFresh(t, dsn, store.Options{})
	db := s.Options().Database
	ctx := context.Background()
	old := time.Now().Add(-time.Hour).Unix()
	lock := "CREATE TABLE " + db + ".schema_lock (owner String DEFAULT 'dead', created UInt32 DEFAULT " +
		strconvItoa(old) + ") ENGINE = Memory"
	if err := s.Engine().Exec(ctx, lock); err != nil {
		t.Fatal(err)
	}
	s2, err := clickhouse.Open(ctx, dsn, store.Options{Database: db, LockStale: time.Minute})
	if err != nil {
		t.Fatalf("Open with a stale lock: %v", err)
	}
	s2.Close()

	fresh := strings.Replace(lock, strconvItoa(old), strconvItoa(time.Now().Unix()), 1)
	if err := s.Engine().Exec(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = clickhouse.Open(ctx, dsn, store.Options{Database: db, LockWait: 700 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "held by dead") {
		t.Fatalf("Open with a fresh foreign lock: err = %v, want it to wait and give up", err)
	}
	if d := time.Since(start); d < 700*time.Millisecond {
		t.Errorf("gave up after %v, before LockWait", d)
	}
}

func strconvItoa(n int64) string {
	var b [20]byte
	i := len(b)
	for n >= 10 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	b[i] = byte('0' + n)
	return string(b[i:])
}

// TestOpenErrors: an unreachable server and a wrong password fail fast with
// an error that names the problem and never shows the password.
func TestOpenErrors(t *testing.T) {
	dsn := serverDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := clickhouse.Open(ctx, "clickhouse://u:s3cret@127.0.0.1:1?dial_timeout=1s", store.Options{})
	if err == nil || !strings.Contains(err.Error(), "open clickhouse") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("unreachable: %v", err)
	}
	cfg, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(dsn, ":"+cfg.Driver.Auth.Password+"@", ":wrong-pass@", 1)
	_, err = clickhouse.Open(ctx, bad, store.Options{})
	if err == nil || strings.Contains(err.Error(), "wrong-pass") {
		t.Errorf("wrong password: %v", err)
	}
	_, err = clickhouse.Open(ctx, dsn, store.Options{Database: "bad-name; DROP"})
	if err == nil {
		t.Errorf("invalid database name accepted")
	}
}

// TestUpgrade: an installation the previous release made upgrades exactly.
func TestUpgrade(t *testing.T) {
	dsn := serverDSN(t)
	storetest.Upgrade(t, func(t *testing.T, o store.Options) (consentproxy.Store, store.Engine, error) {
		return openUpgrade(t, dsn, o, nil)
	})
}

// openUpgrade opens o.Database without failing the test, for
// storetest.Upgrade, and drops it (on every node in hosts) at clean-up.
func openUpgrade(t *testing.T, dsn string, o store.Options, hosts []string) (consentproxy.Store, store.Engine, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := clickhouse.Open(ctx, dsn, o)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Engine().Exec(ctx, "DROP DATABASE IF EXISTS "+o.Database+clusterClause(o))
		for _, h := range hosts {
			_ = openNode(t, dsn, h).Exec(ctx, "DROP DATABASE IF EXISTS "+o.Database)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, s.Engine(), nil
}

// TestPending: what migrate --dry-run would apply, read without applying.
func TestPending(t *testing.T) {
	dsn := serverDSN(t)
	storetest.Pending(t, func(o store.Options) ([]store.Migration, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return clickhouse.Pending(ctx, dsn, o)
	}, func(t *testing.T, o store.Options) (consentproxy.Store, store.Engine, error) {
		return openUpgrade(t, dsn, o, nil)
	})
}
