// Package store holds what both ClickHouse adapters (store/chdb, embedded
// 26.x, and store/clickhouse, a server or cluster down to 18.16) share: the
// schema and its migrations, the migration lock, retention, the insert column
// order, client-side parameter binding and the text rendering of results.
// Adapters only move bytes; this package decides what the bytes are, so both
// engines keep identical tables and give identical answers, which the
// conformance suite in store/storetest checks against the real engines.
//
// # Tables
//
// Each aggregate table T (consentproxy.Tables) is three objects:
//
//	T_in   ENGINE = Null: receives inserts, always with an explicit column list
//	       (clickhouse-go cannot build a batch from 18.16's empty insert header).
//	T_mv   MATERIALIZED VIEW T_in → T: the only place visitor hashes exist in the
//	       engine; it folds them into uniqArrayState(visitor_hashes). A
//	       migration that adds a column replaces it (T_mv003 today).
//	T      ReplacingMergeTree(version) PARTITION BY toYYYYMM(hour)
//	       ORDER BY (site, hour, dims…, instance): what queries read.
//
// hour is DateTime('UTC') rather than a bare DateTime so that partitions
// (months), hour boundaries and the rendered text never depend on a server's
// time zone. Engines that have them (FeaturesFor: 20.1 and later) also get
// LowCardinality dims, a T64 codec on the counters and a TTL of the retention;
// 18.16 gets the plain common subset, which every newer version runs as well.
// The same spelling of uniqArrayState/uniqArrayMerge works on 18.16 and 26.7.
//
// # Idempotency
//
// ClickHouse has no transactions, so exactly-once totals come from the data
// model instead: the aggregator re-sends each key's CUMULATIVE row whenever it
// changes, tagged with its process (instance) and a version that only grows.
// The storage key includes the instance, and ReplacingMergeTree(version) keeps
// the newest version per key; queries read with FINAL. A retried batch, a
// replayed spool, an older version arriving after a newer one or half a batch
// written twice therefore change nothing, while different instances' rows add
// up. The cost is that FINAL reads merge at query time, which at aggregate
// volumes (one row per key and hour, not per hit) is cheap.
//
// # Visitor hashes and privacy
//
// visitor_hashes exist only in the Null table's insert block: the view turns
// them into a uniq state and the values are never stored as such. The hashes
// themselves are computed by the aggregator per table and with a daily salt
// that never leaves memory, so the states of two tables (or two days) cannot
// be joined to follow a visitor across attribute families; a state answers
// "how many distinct visitors" and nothing else. uniq is ClickHouse's adaptive
// estimator: exact in practice for small sets, within about 1% at scale.
//
// # Migrations: frozen history
//
// Migrations are embedded templates (migrations/NNN_name.sql.tmpl) rendered
// per Features and Options; schema_migrations records the applied versions.
// A migration spells out its tables: it never ranges over today's
// consentproxy.Tables or MetricColumns, because an installation that
// applied it never runs it again, so what it did must not change with the
// code. TestMigrationsFrozen holds every released migration to its rendered
// SQL per DDL variant (testdata/migrations/<variant>/); a new one is
// recorded once with go test ./store -run TestMigrationsFrozen -record-new.
//
// Adding a column (migration 003 is the example):
//
//   - ALTER TABLE … ADD COLUMN … DEFAULT … on T_in, T and the rollups (and,
//     on a cluster, their Distributed tables), each preceded by a
//     "-- @unless-column <table> <column>" guard: 18.16 has no ADD COLUMN IF
//     NOT EXISTS, and Migrate skips a guarded statement whose column exists,
//     so an interrupted migration runs again cleanly. The DEFAULT is what
//     keeps a previous release's inserts, which name their own columns,
//     working during a rolling upgrade.
//   - A new view T_mvNNN selecting the column, created right after T's
//     ALTER, then DROP of the old view: 18.16 fails an insert pushed to a
//     view that leaves a column of its target unfilled, so the window
//     between the two is kept to a statement or two (the writer retries).
//   - With Replicated storage, 18.16 refuses ALTER … ON CLUSTER of a table
//     that does not replicate: the Null and Distributed tables, which hold
//     no rows, are dropped and created again instead, under the same guard;
//     and the Replicated tables' ALTER goes without ON CLUSTER under an
//     "-- @each-shard" line ({{.EachShard}}, {{.StorageOnCluster}}): it runs
//     on one replica of each shard (Sharded), guard checked there, because
//     18.16's ALTER … ON CLUSTER of a Replicated table races the replicas
//     of a shard and can crash one (TestNoReplicatedAlterOnCluster).
//   - The column in consentproxy.MetricColumns with Since = NNN: writers
//     pinned to an older schema (Options.UpTo) leave it out.
//
// A dimension joins its table's sort key in the ALTER that adds it (ADD
// COLUMN d …, MODIFY ORDER BY (…, d): a new column may extend a key, on
// 18.16 too). Any other key change (reorder, remove) is a new table filled
// by INSERT … SELECT and swapped in with RENAME, in a migration of its own. Migrate refuses a database that records a migration this
// binary does not know (ErrSchemaNewer); Pending lists what it would apply
// without applying it. storetest.Upgrade replays an installation of the
// previous release through the upgrade on every engine.
//
// # The lock
//
// ClickHouse has no advisory locks, but CREATE TABLE without IF NOT EXISTS
// succeeds for exactly one caller, so the existence of table schema_lock is
// the mutex. Its owner and creation time are column defaults, atomic with the
// table; a lock older than Options.LockStale is taken to belong to a dead
// starter and is dropped. Every statement is IF [NOT] EXISTS or guarded,
// so a migration interrupted half-way is simply run again. Changing Options.Retention later
// does not rewrite an existing TTL; DropBefore, which the application runs
// with the configured retention, stays the authoritative mechanism.
//
// # Clusters
//
// With Options.Cluster every DDL carries ON CLUSTER, storage moves to T_local
// (Replicated when Options.Replicated), T becomes Distributed over T_local
// for reads and T_in Distributed over T_in_local sharded by
// cityHash64(instance), so all versions of one instance's keys meet on one
// shard and FINAL stays exact. Distributed DDL needs ZooKeeper/Keeper; for a
// cluster without one (the tests' two shards) Options.LocalDDL drops ON
// CLUSTER and the adapter migrates and trims each node itself.
//
// # Retention
//
// DropBefore drops whole monthly partitions (listed from system.parts) that
// end at or before the cut-off. Dropping a partition is a metadata operation
// that works on every version, unlike TTL (missing in 18.16) or DELETE
// mutations (slow, and absent in old releases).
//
// # Binding and results
//
// The server adapter binds "?" through clickhouse-go; chDB has no binding for
// positional arguments, so Bind renders literals client side: strings become
// single-quoted literals with quote, backslash, control bytes and invalid
// UTF-8 escaped (\xNN), so a literal is plain printable text that decodes to
// exactly the argument's bytes (FuzzBind checks this against an independent
// decoder). Results are text (RenderValue): decimal integers, shortest
// floats, UTC DateTime "2006-01-02 15:04:05", dates "2006-01-02", NULL as \N.
//
// Measured on 18.16: positional arguments do not exist there, so GROUP BY 1
// groups by the constant 1 (an error next to other columns) and ORDER BY 2
// sorts by the constant 2, silently. Queries that must run on both engines
// name their columns or aliases instead.
package store
