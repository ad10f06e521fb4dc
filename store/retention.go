package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/consentproxy/consentproxy"
)

// DropBefore drops every monthly partition of the aggregate tables whose
// month ends at or before t, so that retention works on every engine version
// (18.16 has no TTL) and costs a metadata operation instead of a mutation.
// A month that straddles t is kept whole: retention errs on keeping data for
// up to a month longer, never on dropping data younger than t.
func DropBefore(ctx context.Context, e Engine, o Options, t time.Time) error {
	o, err := o.WithDefaults()
	if err != nil {
		return fmt.Errorf("drop before: %w", err)
	}
	var names []string
	for _, tb := range consentproxy.TablesAt(o.UpTo) {
		names = append(names, StorageTable(tb, o))
		for _, g := range Grains {
			names = append(names, rollupStorage(tb, g, o))
		}
	}
	var res consentproxy.Result
	if o.Cluster == "" || o.LocalDDL {
		res, err = e.Query(ctx, "SELECT DISTINCT table, partition FROM system.parts "+
			"WHERE active AND database = ? AND has(?, table) ORDER BY table, partition", o.Database, names)
	} else {
		// system.parts only knows the entry node's shard; the
		// Distributed tables see every shard's months, and the DROP runs
		// ON CLUSTER. (With LocalDDL the adapter calls us once per node.)
		res, err = clusterPartitions(ctx, e, o, t)
	}
	if err != nil {
		return fmt.Errorf("drop before: list partitions: %w", err)
	}
	for _, row := range res.Rows {
		if len(row) != 2 {
			return fmt.Errorf("drop before: list partitions: %d columns", len(row))
		}
		table, part := row[0], row[1]
		end, err := monthEnd(part)
		if err != nil {
			return fmt.Errorf("drop before: %s partition %q: %w", table, part, err)
		}
		if end.After(t) {
			continue
		}
		if err := dropPartition(ctx, e, o, table, part); err != nil {
			return fmt.Errorf("drop before: %s partition %s: %w", table, part, err)
		}
	}
	return nil
}

// dropPartition drops one partition of a storage table: ON CLUSTER, or with
// Replicated engines on each shard (see Sharded).
func dropPartition(ctx context.Context, e Engine, o Options, table, part string) error {
	if !eachShardDDL(o) {
		return e.Exec(ctx, fmt.Sprintf("ALTER TABLE %s.%s%s DROP PARTITION %s", o.Database, table, onCluster(o), part))
	}
	stmt := fmt.Sprintf("ALTER TABLE %s.%s DROP PARTITION %s", o.Database, table, part)
	return onEachShard(ctx, e, o, func(se Engine) error { return se.Exec(ctx, stmt) })
}

func clusterPartitions(ctx context.Context, e Engine, o Options, t time.Time) (consentproxy.Result, error) {
	var all consentproxy.Result
	for _, tb := range consentproxy.TablesAt(o.UpTo) {
		res, err := e.Query(ctx, fmt.Sprintf("SELECT DISTINCT %s, toString(toYYYYMM(hour)) FROM %s.%s WHERE hour < ?",
			QuoteString(StorageTable(tb, o)), o.Database, tb.Name), t.UTC())
		if err != nil {
			return all, err
		}
		all.Rows = append(all.Rows, res.Rows...)
		for _, g := range Grains {
			res, err := e.Query(ctx, fmt.Sprintf("SELECT DISTINCT %s, toString(toYYYYMM(start)) FROM %s.%s WHERE start < toDate(?)",
				QuoteString(rollupStorage(tb, g, o)), o.Database, RollupTable(tb, g)), t.UTC().Format(DateLayout))
			if err != nil {
				return all, err
			}
			all.Rows = append(all.Rows, res.Rows...)
		}
	}
	return all, nil
}

// monthEnd parses a toYYYYMM partition id and returns the first instant of the
// following month (UTC).
func monthEnd(part string) (time.Time, error) {
	n, err := strconv.Atoi(part)
	if err != nil || len(part) != 6 {
		return time.Time{}, fmt.Errorf("not a YYYYMM partition")
	}
	y, m := n/100, n%100
	if m < 1 || m > 12 {
		return time.Time{}, fmt.Errorf("month %d out of range", m)
	}
	return time.Date(y, time.Month(m)+1, 1, 0, 0, 0, 0, time.UTC), nil
}
