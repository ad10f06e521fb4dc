package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/consentproxy/consentproxy/store"
)

// Pending lists the migrations Open would apply to o.Database, rendered for
// the server's version, without applying any (for "consentproxy migrate
// --dry-run" and --check-config). With LocalDDL every node is asked, and a
// migration pending on any node is listed.
func Pending(ctx context.Context, dsn string, o store.Options) ([]store.Migration, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("clickhouse pending migrations: %w", err)
	}
	if o.Database == "" {
		o.Database = cfg.Database
	}
	if o, err = o.WithDefaults(); err != nil {
		return nil, fmt.Errorf("clickhouse pending migrations: %w", err)
	}
	nodes := [][]string{cfg.Driver.Addr}
	if o.LocalDDL {
		nodes = nodes[:0]
		for _, a := range cfg.Driver.Addr {
			nodes = append(nodes, []string{a})
		}
	}
	var out []store.Migration
	for _, addrs := range nodes {
		migs, err := pendingOn(ctx, cfg, addrs, o)
		if err != nil {
			return nil, fmt.Errorf("clickhouse pending migrations: %w", err)
		}
		for _, m := range migs {
			if !slices.ContainsFunc(out, func(x store.Migration) bool { return x.Version == m.Version }) {
				out = append(out, m)
			}
		}
	}
	slices.SortFunc(out, func(a, b store.Migration) int { return int(a.Version) - int(b.Version) })
	return out, nil
}

func pendingOn(ctx context.Context, cfg Config, addrs []string, o store.Options) ([]store.Migration, error) {
	e, version, err := bootstrapConn(ctx, cfg, addrs)
	if err != nil {
		return nil, err
	}
	defer e.conn.Close()
	migs, err := store.Pending(ctx, e, store.FeaturesFor(version), o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(addrs, ","), err)
	}
	return migs, nil
}
