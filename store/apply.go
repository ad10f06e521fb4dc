package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Migrate brings the schema of o.Database up to date: it creates the
// database, takes the migration lock, applies every migration not yet
// recorded in schema_migrations, records each one, and releases the lock.
// Several starters may call it at once; one applies, the others wait and
// then find nothing left to do. A migration interrupted half-way is simply
// applied again, since every statement is IF NOT EXISTS.
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
	for _, m := range migs {
		if done[m.Version] {
			continue
		}
		for i, stmt := range m.Statements {
			if err := e.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("migrate: %s statement %d: %w", m.Name, i+1, err)
			}
		}
		// INSERT … SELECT rather than VALUES: a VALUES insert over
		// clickhouse-go's Exec hangs against 18.16, a SELECT runs server-side.
		rec := fmt.Sprintf("INSERT INTO %s.schema_migrations (version, name, applied_at) SELECT %d, %s, now()",
			o.Database, m.Version, QuoteString(m.Name))
		if err := e.Exec(ctx, rec); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.Name, err)
		}
	}
	return nil
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
