package store

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy"
)

// Engine is the minimal surface each adapter offers the shared migration and
// retention code, so that one implementation of both runs on every engine.
type Engine interface {
	// Exec runs one statement that returns no rows (DDL, ALTER, INSERT … VALUES).
	Exec(ctx context.Context, sql string) error
	// Query runs one SELECT; args bind "?" placeholders. Values come back as
	// text rendered by the rules of RenderValue.
	Query(ctx context.Context, sql string, args ...any) (consentproxy.Result, error)
}

// Sharded is an Engine on a cluster that can reach each shard on its own.
// ClickHouse 18.16 runs an ALTER … ON CLUSTER of a Replicated table once per
// shard, on whichever replica wins a ZooKeeper lock; a replica that loses
// the race by a hair runs it again and then dies on "Node exists …
// /executed" (DDLWorker: Terminating), which a 2-replica upgrade hit in CI.
// So with Replicated engines an ALTER of a storage table runs without ON
// CLUSTER on one replica of each shard, and replication carries it to the
// others, as ON CLUSTER would have, minus the race.
type Sharded interface {
	// EachShard calls f, one shard after another, with an Engine on one
	// live replica of each shard of the cluster, which returns from an
	// ALTER once every active replica of its shard has applied it.
	EachShard(ctx context.Context, cluster string, f func(Engine) error) error
}

// Features are the optional ClickHouse features the schema uses when the
// engine has them. The zero value is the common subset that 18.16 runs.
type Features struct{ LowCardinality, TTL, Codecs bool }

// featuresSince is the first release where all three features are available
// without experimental settings. It is deliberately conservative: only 18.16
// (none) and 26.x (all) are tested, and a release in between merely loses
// some compression, never correctness.
var featuresSince = [2]int{20, 1}

// FeaturesFor maps a server version string (SELECT version()) to the features
// the schema may use. An unparsable version gets none: the plain schema works
// everywhere.
func FeaturesFor(version string) Features {
	parts := strings.SplitN(strings.TrimSpace(version), ".", 3)
	if len(parts) < 2 {
		return Features{}
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return Features{}
	}
	if major > featuresSince[0] || (major == featuresSince[0] && minor >= featuresSince[1]) {
		return Features{LowCardinality: true, TTL: true, Codecs: true}
	}
	return Features{}
}

// DefaultRetention is 25 months: two full years of month-over-month
// comparison plus the running month.
const DefaultRetention = 18264 * time.Hour // 25 × 30.44 days

// DefaultLockStale is how old a migration lock must be before another starter
// considers its owner dead and breaks it.
const DefaultLockStale = 10 * time.Minute

// Options configure the schema. The zero value is a single-node store in
// database "consentproxy" keeping 25 months.
type Options struct {
	// Database holds every table. Default "consentproxy".
	Database string
	// Cluster names a <remote_servers> cluster; "" (default) means a single
	// node. With a cluster every DDL runs ON CLUSTER and reads/writes go
	// through Distributed tables.
	Cluster string
	// Replicated makes the cluster's storage tables ReplicatedReplacingMergeTree
	// (needs ZooKeeper/Keeper). Default false; only meaningful with Cluster.
	Replicated bool
	// LocalDDL makes a cluster's DDL run without ON CLUSTER, on the node the
	// Engine talks to only; the adapter then migrates each node itself.
	// Distributed DDL (ON CLUSTER) needs ZooKeeper/Keeper, so a cluster
	// without one needs this. Default false; only meaningful with Cluster.
	LocalDDL bool
	// Retention is how long aggregates are kept. Default DefaultRetention (25
	// months). Engines with TTL get it as a table TTL; every engine also drops
	// whole months through DropBefore.
	Retention time.Duration
	// LockStale is the age after which a migration lock is considered
	// abandoned and dropped. Default DefaultLockStale (10 minutes).
	LockStale time.Duration
	// LockWait bounds how long Migrate waits for another starter's lock.
	// Default 2 minutes (the context may cut it shorter).
	LockWait time.Duration
	// UpTo pins the store to the schema of migration UpTo: Migrate stops
	// there, and writes and rollups name only that schema's columns, as the
	// release that shipped it did. Default 0: the newest schema. Upgrade
	// tests use it to play the previous release.
	UpTo uint32
	// Logger receives a line as each migration starts and one when it is
	// applied. Default nil: no lines.
	Logger *slog.Logger
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// WithDefaults fills the zero fields with their documented defaults and
// validates the names that end up in SQL as identifiers.
func (o Options) WithDefaults() (Options, error) {
	if o.Database == "" {
		o.Database = "consentproxy"
	}
	if o.Retention == 0 {
		o.Retention = DefaultRetention
	}
	if o.LockStale == 0 {
		o.LockStale = DefaultLockStale
	}
	if o.LockWait == 0 {
		o.LockWait = 2 * time.Minute
	}
	if !identRe.MatchString(o.Database) {
		return o, fmt.Errorf("store: database name %q: want letters, digits and _", o.Database)
	}
	if o.Cluster != "" && !identRe.MatchString(o.Cluster) {
		return o, fmt.Errorf("store: cluster name %q: want letters, digits and _", o.Cluster)
	}
	if o.Replicated && o.Cluster == "" {
		return o, fmt.Errorf("store: Replicated needs a Cluster")
	}
	if o.LocalDDL && o.Cluster == "" {
		return o, fmt.Errorf("store: LocalDDL needs a Cluster")
	}
	if o.Retention < 24*time.Hour {
		return o, fmt.Errorf("store: retention %v is shorter than a day", o.Retention)
	}
	return o, nil
}

// RetentionDays is the retention rounded up to whole days, the unit of the
// table TTL.
func (o Options) RetentionDays() int64 {
	d := int64(o.Retention / (24 * time.Hour))
	if o.Retention%(24*time.Hour) != 0 {
		d++
	}
	return d
}

// Cutoff is the DropBefore argument that enforces the retention at now.
func (o Options) Cutoff(now time.Time) time.Time {
	if o.Retention == 0 {
		o.Retention = DefaultRetention
	}
	return now.UTC().Add(-o.Retention)
}
