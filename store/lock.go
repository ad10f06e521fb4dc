package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// lockPoll is how often a waiting starter looks at the lock again.
var lockPoll = 250 * time.Millisecond

// Lock takes the migration lock of o.Database and returns its release.
//
// ClickHouse has no transactions or advisory locks, but CREATE TABLE without
// IF NOT EXISTS succeeds for exactly one caller, on every version. The lock
// is therefore the existence of table schema_lock; its owner and creation
// time live in the column defaults, so they appear atomically with the table
// and need no second statement that a crash could skip. A lock older than
// o.LockStale belongs to a starter that died; it is dropped and retaken.
// On a cluster the lock lives on the node the adapter talks to: starters that
// share an entry node exclude each other, and all DDL is idempotent anyway.
func Lock(ctx context.Context, e Engine, o Options) (release func(), err error) {
	o, err = o.WithDefaults()
	if err != nil {
		return nil, err
	}
	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	owner := hex.EncodeToString(raw[:])
	table := o.Database + ".schema_lock"
	deadline := time.Now().Add(o.LockWait)
	missing := 0
	for {
		now := time.Now().Unix()
		create := fmt.Sprintf("CREATE TABLE %s (owner String DEFAULT %s, created UInt32 DEFAULT %d) ENGINE = Memory",
			table, QuoteString(owner), now)
		cerr := e.Exec(ctx, create)
		if cerr == nil {
			return func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
				defer cancel()
				// Only drop the lock if it is still ours: a starter that
				// judged us stale may have replaced it.
				if cur, _, ok, _ := readLock(ctx, e, o); ok && cur == owner {
					_ = e.Exec(ctx, "DROP TABLE IF EXISTS "+table)
				}
			}, nil
		}
		holder, created, exists, rerr := readLock(ctx, e, o)
		if rerr != nil {
			return nil, fmt.Errorf("lock: %w (create: %v)", rerr, cerr)
		}
		if !exists {
			// CREATE failed although no lock exists: either the holder
			// released it in between (retry) or the failure is real.
			if missing++; missing > 3 {
				return nil, fmt.Errorf("lock: create %s: %w", table, cerr)
			}
			continue
		}
		if age := time.Since(time.Unix(created, 0)); age > o.LockStale {
			if err := e.Exec(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
				return nil, fmt.Errorf("lock: drop stale lock of %s (age %v): %w", holder, age.Round(time.Second), err)
			}
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("lock: %s held by %s since %s; gave up after %v",
				table, holder, time.Unix(created, 0).UTC().Format(time.RFC3339), o.LockWait)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock: waiting for %s: %w", table, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

// readLock reads the lock's owner and creation time from its column defaults.
func readLock(ctx context.Context, e Engine, o Options) (owner string, created int64, exists bool, err error) {
	res, err := e.Query(ctx, "SELECT name, default_expression FROM system.columns WHERE database = ? AND table = 'schema_lock'", o.Database)
	if err != nil {
		return "", 0, false, fmt.Errorf("read lock: %w", err)
	}
	if len(res.Rows) == 0 {
		return "", 0, false, nil
	}
	for _, row := range res.Rows {
		if len(row) != 2 {
			return "", 0, false, fmt.Errorf("read lock: %d columns", len(row))
		}
		switch row[0] {
		case "owner":
			owner = strings.Trim(row[1], "'")
		case "created":
			created, err = strconv.ParseInt(strings.TrimSpace(row[1]), 10, 64)
			if err != nil {
				return "", 0, false, fmt.Errorf("read lock: created %q: %w", row[1], err)
			}
		}
	}
	return owner, created, true, nil
}
