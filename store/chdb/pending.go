package chdb

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/chdb/internal/chdblib"
)

// Pending lists the migrations Open would apply to o.Database in the
// directory of dsn, rendered for this engine, without applying any (for
// "consentproxy migrate --dry-run" and --check-config). A directory that
// does not exist is not created: every migration is pending, and the engine
// boots on a throwaway directory only to say its version. A directory in
// use by a running proxy cannot be read: chDB locks it to one process.
func Pending(ctx context.Context, dsn string, o store.Options) ([]store.Migration, error) {
	path, err := ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("chdb pending migrations: %w", err)
	}
	if o, err = o.WithDefaults(); err != nil {
		return nil, fmt.Errorf("chdb pending migrations: %w", err)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		tmp, err := os.MkdirTemp("", "consentproxy-pending-")
		if err != nil {
			return nil, fmt.Errorf("chdb pending migrations: %w", err)
		}
		defer os.RemoveAll(tmp)
		path = tmp
	} else if err != nil {
		return nil, fmt.Errorf("chdb pending migrations: %w", err)
	}
	c, err := chdblib.Connect(path, append([]string{"--readonly=1"}, sessionSettings...)...)
	if err != nil {
		return nil, fmt.Errorf("chdb pending migrations: %w", err)
	}
	s := &Store{rd: c, wr: c, opts: o}
	defer c.Close()
	res, err := s.Query(ctx, "SELECT version()")
	if err != nil || len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return nil, fmt.Errorf("chdb pending migrations: read the engine version: %v", err)
	}
	migs, err := store.Pending(ctx, s, store.FeaturesFor(res.Rows[0][0]), o)
	if err != nil {
		return nil, fmt.Errorf("chdb pending migrations: %w", err)
	}
	return migs, nil
}
