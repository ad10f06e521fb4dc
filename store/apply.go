package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrSchemaNewer means the database was migrated by a newer consentproxy
// than this one: its schema has versions this binary does not know, and
// writing to it could lose data.
var ErrSchemaNewer = errors.New("database schema is newer than this binary")

// Migrate brings the schema of o.Database up to date: it creates the
// database, takes the migration lock, applies every migration not yet
// recorded in schema_migrations (up to o.UpTo, when set), records each one,
// and releases the lock. Several starters may call it at once; one applies,
// the others wait and then find nothing left to do. A migration interrupted
// half-way is simply applied again: every statement is idempotent, by IF
// [NOT] EXISTS or by its @unless-column guard. A database that records a
// version this binary does not know is refused with ErrSchemaNewer.
func Migrate(ctx context.Context, e Engine, f Features, o Options) error {
	o, err := o.WithDefaults()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	migs, err := Migrations(f, o)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	on := onCluster(o)
	if err := e.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+o.Database+on); err != nil {
		return fmt.Errorf("migrate: create database %s: %w", o.Database, err)
	}
	unlock, err := Lock(ctx, e, o)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer unlock()
	if err := e.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+o.Database+".schema_migrations "+
		"(version UInt32, name String, applied_at DateTime('UTC')) ENGINE = MergeTree ORDER BY version"); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	done, err := AppliedMigrations(ctx, e, o)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := checkNotNewer(done, migs); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range pending(migs, done, o.UpTo) {
		start := time.Now()
		if o.Logger != nil {
			o.Logger.Info("schema migration starting", "database", o.Database, "migration", m.Name, "statements", len(m.Statements))
		}
		skipped := 0
		for i, stmt := range m.Statements {
			ran, err := execStatement(ctx, e, o, stmt)
			if err != nil {
				return fmt.Errorf("migrate: %s statement %d: %w", m.Name, i+1, err)
			}
			if !ran {
				skipped++ // already ran
			}
		}
		// INSERT … SELECT rather than VALUES: a VALUES insert over
		// clickhouse-go's Exec hangs against 18.16, a SELECT runs server-side.
		rec := fmt.Sprintf("INSERT INTO %s.schema_migrations (version, name, applied_at) SELECT %d, %s, now()",
			o.Database, m.Version, QuoteString(m.Name))
		if err := e.Exec(ctx, rec); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.Name, err)
		}
		if o.Logger != nil {
			o.Logger.Info("schema migration applied", "database", o.Database, "migration", m.Name,
				"statements", len(m.Statements)-skipped, "already_done", skipped, "took", time.Since(start).Round(time.Millisecond))
		}
	}
	return nil
}

// Pending lists the migrations Migrate would apply to o.Database, without
// changing anything: every one for a database that does not exist yet.
func Pending(ctx context.Context, e Engine, f Features, o Options) ([]Migration, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("pending migrations: %w", err)
	}
	migs, err := Migrations(f, o)
	if err != nil {
		return nil, fmt.Errorf("pending migrations: %w", err)
	}
	res, err := e.Query(ctx, "SELECT count() FROM system.tables WHERE database = "+QuoteString(o.Database)+
		" AND name = 'schema_migrations'")
	if err != nil {
		return nil, fmt.Errorf("pending migrations: %w", err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 || res.Rows[0][0] == "0" {
		return pending(migs, nil, o.UpTo), nil
	}
	done, err := AppliedMigrations(ctx, e, o)
	if err != nil {
		return nil, fmt.Errorf("pending migrations: %w", err)
	}
	if err := checkNotNewer(done, migs); err != nil {
		return nil, err
	}
	return pending(migs, done, o.UpTo), nil
}

func pending(migs []Migration, done map[uint32]bool, upTo uint32) []Migration {
	var out []Migration
	for _, m := range migs {
		if !done[m.Version] && (upTo == 0 || m.Version <= upTo) {
			out = append(out, m)
		}
	}
	return out
}

// checkNotNewer refuses a database that records a migration this binary
// does not have.
func checkNotNewer(done map[uint32]bool, migs []Migration) error {
	known := map[uint32]bool{}
	var last uint32
	for _, m := range migs {
		known[m.Version] = true
		last = max(last, m.Version)
	}
	var newest uint32
	for v := range done {
		if !known[v] {
			newest = max(newest, v)
		}
	}
	if newest > 0 {
		return fmt.Errorf("%w: it records migration %d, and this consentproxy knows migrations up to %d: "+
			"a newer consentproxy migrated it, so run that version (or a newer one) against it", ErrSchemaNewer, newest, last)
	}
	return nil
}

func hasColumn(ctx context.Context, e Engine, db, table, column string) (bool, error) {
	res, err := e.Query(ctx, "SELECT count() FROM system.columns WHERE database = "+QuoteString(db)+
		" AND table = "+QuoteString(table)+" AND name = "+QuoteString(column))
	if err != nil {
		return false, fmt.Errorf("look up column %s.%s: %w", table, column, err)
	}
	return len(res.Rows) == 1 && len(res.Rows[0]) == 1 && res.Rows[0][0] != "0", nil
}

// AppliedMigrations lists the versions recorded in schema_migrations.
func AppliedMigrations(ctx context.Context, e Engine, o Options) (map[uint32]bool, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return nil, err
	}
	res, err := e.Query(ctx, "SELECT DISTINCT version FROM "+o.Database+".schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	done := map[uint32]bool{}
	for _, row := range res.Rows {
		if len(row) != 1 {
			return nil, fmt.Errorf("read schema_migrations: %d columns", len(row))
		}
		v, err := strconv.ParseUint(row[0], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("read schema_migrations: version %q: %w", row[0], err)
		}
		done[uint32(v)] = true
	}
	return done, nil
}

// execStatement runs one migration statement unless its guard says it
// already ran, on each shard for an "-- @each-shard" one, and reports
// whether it ran anywhere.
func execStatement(ctx context.Context, e Engine, o Options, stmt Statement) (bool, error) {
	run := func(e Engine) (bool, error) {
		if stmt.UnlessTable != "" {
			has, err := hasColumn(ctx, e, o.Database, stmt.UnlessTable, stmt.UnlessColumn)
			if err != nil || has {
				return false, err
			}
		}
		return true, e.Exec(ctx, stmt.SQL)
	}
	if !stmt.EachShard {
		return run(e)
	}
	ran := false
	err := onEachShard(ctx, e, o, func(se Engine) error {
		r, err := run(se)
		ran = ran || r
		return err
	})
	return ran, err
}

// onEachShard calls f on one replica of each shard of o.Cluster (see
// Sharded).
func onEachShard(ctx context.Context, e Engine, o Options, f func(Engine) error) error {
	s, ok := e.(Sharded)
	if !ok {
		return fmt.Errorf("engine %T cannot reach each shard of cluster %s, which a Replicated ALTER needs", e, o.Cluster)
	}
	return s.EachShard(ctx, o.Cluster, f)
}

// eachShardDDL says whether an ALTER of a storage table runs on each shard
// without ON CLUSTER (Replicated engines, see Sharded) rather than ON
// CLUSTER.
func eachShardDDL(o Options) bool { return o.Replicated && onCluster(o) != "" }

// onCluster is the ON CLUSTER clause every DDL statement carries, or "" on a
// single node and with LocalDDL.
func onCluster(o Options) string {
	if o.Cluster == "" || o.LocalDDL {
		return ""
	}
	return " ON CLUSTER " + o.Cluster
}

// releaseTimeout bounds the clean-up statements that must run even after the
// caller's context is cancelled (dropping our own lock).
const releaseTimeout = 30 * time.Second
