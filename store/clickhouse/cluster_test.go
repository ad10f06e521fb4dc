package clickhouse_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/clickhouse"
	"github.com/consentproxy/consentproxy/store/storetest"
)

// clusterEnv reads CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER, "NAME=DSN" where the
// DSN names every node (scripts/clickhouse-server.sh start-cluster writes it).
// The test cluster has no ZooKeeper, hence LocalDDL and no replication.
func clusterEnv(t *testing.T) (name, dsn string) {
	t.Helper()
	v := os.Getenv("CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER")
	if v == "" {
		msg := "CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER is unset; run scripts/clickhouse-server.sh start-cluster .cache/chc test2 2 && export CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER=$(cat .cache/chc/cluster)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	name, dsn, ok := strings.Cut(v, "=")
	if !ok {
		t.Fatalf("CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER=%q: want NAME=DSN", v)
	}
	return name, dsn
}

// TestClusterConformance runs the whole suite through Distributed tables on
// a two-shard cluster.
func TestClusterConformance(t *testing.T) {
	name, dsn := clusterEnv(t)
	storetest.Run(t, func(t *testing.T) consentproxy.Store {
		return openClusterFresh(t, name, dsn)
	})
}

func openClusterFresh(t *testing.T, name, dsn string) consentproxy.Store {
	t.Helper()
	db := uniqueDB(t)
	s := openFresh(t, dsn, store.Options{Database: db, Cluster: name, LocalDDL: true})
	// openFresh drops the database on the first node only (LocalDDL); drop
	// it on the others too.
	t.Cleanup(func() {
		for _, h := range hostsOf(t, dsn)[1:] {
			node := openNode(t, dsn, h)
			_ = node.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
		}
	})
	return s
}

// TestClusterSpreadsInstances: rows of different instances land on both
// shards (the insert table shards by cityHash64(instance)), and every shard
// holds all versions of its instances, so FINAL stays exact.
func TestClusterSpreadsInstances(t *testing.T) {
	name, dsn := clusterEnv(t)
	s := openClusterFresh(t, name, dsn)
	ctx := context.Background()
	const instances = 16
	for i := 0; i < instances; i++ {
		for v := uint64(1); v <= 2; v++ {
			b := consentproxy.Batch{Instance: "inst-" + string(rune('a'+i)), Version: v, Tables: []consentproxy.TableRows{{
				Table: consentproxy.TableTotals, Rows: []consentproxy.Row{{Site: "G-CL", Hour: hour0(), Metrics: consentproxy.Metrics{Hits: int64(v)}}},
			}}}
			if err := s.Write(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := s.Query(ctx, "SELECT sum(hits), count() FROM totals FINAL WHERE site = ?", "G-CL")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Rows[0], " "); got != "32 16" {
		t.Errorf("cluster totals %q, want \"32 16\"", got)
	}
	db := s.(interface{ Options() store.Options }).Options().Database
	where := map[string]string{} // instance → shard
	for _, h := range hostsOf(t, dsn) {
		r, err := openNode(t, dsn, h).Query(ctx, "SELECT DISTINCT instance FROM "+db+".totals_local")
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Rows) == 0 || len(r.Rows) == instances {
			t.Errorf("shard %s holds %d of %d instances: rows are not spread", h, len(r.Rows), instances)
		}
		for _, row := range r.Rows {
			if other, dup := where[row[0]]; dup {
				t.Errorf("instance %s has rows on %s and %s: FINAL could not dedupe it", row[0], other, h)
			}
			where[row[0]] = h
		}
	}
	if len(where) != instances {
		t.Errorf("shards hold %d instances, want %d", len(where), instances)
	}
}

func hour0() time.Time { return time.Now().UTC().Truncate(time.Hour).Add(-24 * time.Hour) }

func hostsOf(t *testing.T, dsn string) []string {
	t.Helper()
	cfg, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Driver.Addr
}

// node is a plain connection to one cluster node, to look at its local
// tables behind the Distributed ones.
type node struct{ conn driver.Conn }

func openNode(t *testing.T, dsn, host string) node {
	t.Helper()
	cfg, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	opts := *cfg.Driver
	opts.Addr = []string{host}
	conn, err := ch.Open(&opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return node{conn}
}

func (n node) Exec(ctx context.Context, sql string) error { return n.conn.Exec(ctx, sql) }

// Query returns the rows of a query whose columns are all UInt64 or String.
func (n node) Query(ctx context.Context, sql string) (consentproxy.Result, error) {
	rows, err := n.conn.Query(ctx, sql)
	if err != nil {
		return consentproxy.Result{}, err
	}
	defer rows.Close()
	var res consentproxy.Result
	for rows.Next() {
		vals := make([]any, len(rows.ColumnTypes()))
		for i, ct := range rows.ColumnTypes() {
			vals[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(vals...); err != nil {
			return res, err
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = fmt.Sprint(reflect.ValueOf(v).Elem().Interface())
		}
		res.Rows = append(res.Rows, row)
	}
	return res, rows.Err()
}

// TestClusterUpgrade: the upgrade on the two-shard cluster, every node
// migrated on its own.
func TestClusterUpgrade(t *testing.T) {
	name, dsn := clusterEnv(t)
	storetest.Upgrade(t, func(t *testing.T, o store.Options) (consentproxy.Store, store.Engine, error) {
		o.Cluster, o.LocalDDL = name, true
		return openUpgrade(t, dsn, o, hostsOf(t, dsn)[1:])
	})
}
