package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/chdb"
	"github.com/consentproxy/consentproxy/store/clickhouse"
)

// storeOptions are the store options of the configuration. Each migration
// step is logged as it is applied.
func (m *Main) storeOptions() store.Options {
	cfg := m.Config
	// --clickhouse-replicated defaults to true but only means something
	// with a cluster; the stores refuse Replicated without one.
	return store.Options{Database: cfg.storeDatabase, Cluster: cfg.ClickHouseCluster,
		Replicated: cfg.ClickHouseCluster != "" && cfg.ClickHouseReplicate,
		LocalDDL:   cfg.ClickHouseCluster != "" && cfg.ClickHouseLocalDDL, Retention: cfg.Retention,
		Logger: m.Logger}
}

// openStore opens the configured engine; nil for --store none. Opening
// applies pending migrations under the schema lock, and refuses a database
// a newer consentproxy migrated (store.ErrSchemaNewer).
func (m *Main) openStore(ctx context.Context) (consentproxy.Store, error) {
	opts := m.storeOptions()
	switch m.StoreKind() {
	case "none":
		return nil, nil
	case "chdb":
		s, err := chdb.Open(ctx, m.Config.Store, opts)
		if err != nil {
			return nil, fmt.Errorf("open embedded clickhouse: %w", err)
		}
		return s, nil
	case "clickhouse":
		s, err := clickhouse.Open(ctx, m.Config.Store, opts)
		if err != nil {
			return nil, fmt.Errorf("open clickhouse: %w", err)
		}
		return s, nil
	}
	return nil, errors.New("unknown store")
}

// pendingMigrations are the migrations openStore would apply, found without
// applying any; nil for --store none.
func (m *Main) pendingMigrations(ctx context.Context) ([]store.Migration, error) {
	opts := m.storeOptions()
	switch m.StoreKind() {
	case "none":
		return nil, nil
	case "chdb":
		return chdb.Pending(ctx, m.Config.Store, opts)
	case "clickhouse":
		return clickhouse.Pending(ctx, m.Config.Store, opts)
	}
	return nil, errors.New("unknown store")
}

// runMigrate is "consentproxy migrate [--dry-run] [flags]": apply the
// pending migrations and exit, or with --dry-run print their SQL and
// change nothing.
func runMigrate(args []string, stdout, stderr io.Writer) int {
	dry := false
	args = slices.DeleteFunc(slices.Clone(args), func(a string) bool {
		if a == "--dry-run" || a == "-dry-run" {
			dry = true
			return true
		}
		return false
	})
	m := NewMain()
	cfg, code, ok := m.ParseFlags(args, stderr, stderr)
	if !ok {
		return code
	}
	m.Config = cfg
	m.Logger = newLogger(stderr, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if dry {
		migs, err := m.pendingMigrations(ctx)
		if err != nil {
			m.Logger.Error("migrate --dry-run", "err", err)
			return 1
		}
		if len(migs) == 0 {
			fmt.Fprintln(stdout, "-- no pending migrations")
		}
		for _, mig := range migs {
			fmt.Fprintf(stdout, "-- migration %s\n", mig.Name)
			for _, st := range mig.Statements {
				fmt.Fprintf(stdout, "%s;\n\n", st)
			}
		}
		return 0
	}
	s, err := m.openStore(ctx)
	if err != nil {
		m.Logger.Error("migrate", "err", err)
		return 1
	}
	if s != nil {
		s.Close()
	}
	m.Logger.Info("migrations applied", "store", m.StoreKind())
	return 0
}

// reportSchema is --check-config's schema line: what starting would
// migrate, or why it would refuse. A store that cannot be reached is a
// warning (the proxy retries the store at start-up), a newer schema an error.
func (m *Main) reportSchema(stdout, stderr io.Writer) bool {
	if m.StoreKind() == "none" {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	migs, err := m.pendingMigrations(ctx)
	switch {
	case errors.Is(err, store.ErrSchemaNewer):
		fmt.Fprintln(stderr, "consentproxy: schema:", err)
		return false
	case err != nil:
		fmt.Fprintln(stderr, "consentproxy: warning: could not read the schema version:", err)
	case len(migs) == 0:
		fmt.Fprintln(stdout, "schema up to date")
	default:
		names := make([]string, len(migs))
		for i, mig := range migs {
			names[i] = mig.Name
		}
		fmt.Fprintf(stdout, "schema: %d pending migration(s), applied at start-up: %v (consentproxy migrate --dry-run prints their SQL)\n", len(migs), names)
	}
	return true
}
