package store

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/consentproxy/consentproxy"
)

// InsertColumns is the column list of table t's insert table (T_in) in a
// schema pinned at upTo (0: the newest), in the order RowValues fills it.
// Inserts always name these columns: clickhouse-go against 18.16 cannot
// build a batch from the server's (empty) header, and an old proxy's
// inserts keep working on a newer schema whose new columns have defaults.
func InsertColumns(t consentproxy.Table, upTo uint32) []string {
	cols := make([]string, 0, 10+len(t.Dims))
	cols = append(cols, "site", "hour")
	cols = append(cols, t.Dims...)
	cols = append(cols, "instance", "version")
	for _, c := range MetricColumns(upTo) {
		cols = append(cols, c.Name)
	}
	if t.Visitors {
		cols = append(cols, "visitor_hashes")
	}
	return cols
}

// MetricColumns are the metric columns a schema pinned at upTo (0: the
// newest) has: a prefix of consentproxy.MetricColumns, which is ordered by
// Since, so this allocates nothing.
func MetricColumns(upTo uint32) []consentproxy.MetricColumn {
	all := consentproxy.MetricColumns
	if upTo == 0 {
		return all
	}
	n := 0
	for n < len(all) && all[n].Since <= upTo {
		n++
	}
	return all[:n]
}

func metricNames(upTo uint32) []string {
	cols := MetricColumns(upTo)
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// RowValues are the values for InsertColumns(t, upTo): site string, hour
// time.Time (UTC), one string per dim, instance string, version uint64, the
// int64 metrics of MetricColumns(upTo) and, for visitor tables, the
// []uint64 hashes (never nil). Missing dims are sent as ""; call CheckBatch
// first to reject such rows instead.
func RowValues(t consentproxy.Table, upTo uint32, instance string, version uint64, r consentproxy.Row) []any {
	vals := make([]any, 0, 10+len(t.Dims))
	vals = append(vals, r.Site, r.Hour.UTC())
	for i := range t.Dims {
		d := ""
		if i < len(r.Dims) {
			d = r.Dims[i]
		}
		vals = append(vals, d)
	}
	vals = append(vals, instance, version)
	m := r.Metrics
	for _, c := range MetricColumns(upTo) {
		vals = append(vals, *c.Field(&m))
	}
	if t.Visitors {
		v := r.Visitors
		if v == nil {
			v = []uint64{}
		}
		vals = append(vals, v)
	}
	return vals
}

// DateTime's range on every supported engine (UInt32 seconds).
var (
	minHour = time.Unix(0, 0).UTC()
	maxHour = time.Unix(1<<32-1, 0).UTC().Truncate(time.Hour)
)

// CheckBatch rejects a batch the schema cannot store faithfully, with an
// error naming the first offending row. Adapters call it before writing so
// that bad input fails loudly instead of being stored wrong.
func CheckBatch(b consentproxy.Batch) error { return CheckBatchAt(b, 0) }

// CheckBatchAt is CheckBatch for a store pinned at migration upTo (0: the
// newest): a table that schema does not have is refused, not dropped.
func CheckBatchAt(b consentproxy.Batch, upTo uint32) error {
	if b.Instance == "" {
		return fmt.Errorf("store: batch without instance")
	}
	if !utf8.ValidString(b.Instance) {
		return fmt.Errorf("store: batch instance is not UTF-8")
	}
	for _, tr := range b.Tables {
		t, ok := consentproxy.TableByName(tr.Table.Name)
		if !ok {
			return fmt.Errorf("store: unknown table %q", tr.Table.Name)
		}
		if upTo != 0 && t.Since > upTo && len(tr.Rows) > 0 {
			return fmt.Errorf("store: table %s needs migration %d, the store is pinned at %d", t.Name, t.Since, upTo)
		}
		for i, r := range tr.Rows {
			if len(r.Dims) != len(t.Dims) {
				return fmt.Errorf("store: %s row %d: %d dims, want %d", t.Name, i, len(r.Dims), len(t.Dims))
			}
			h := r.Hour.UTC()
			if !h.Equal(h.Truncate(time.Hour)) {
				return fmt.Errorf("store: %s row %d: hour %s is not on the hour", t.Name, i, h.Format(time.RFC3339Nano))
			}
			if h.Before(minHour) || h.After(maxHour) {
				return fmt.Errorf("store: %s row %d: hour %s out of range", t.Name, i, h.Format(time.RFC3339))
			}
			if !t.Visitors && len(r.Visitors) > 0 {
				return fmt.Errorf("store: %s row %d: table keeps no visitors", t.Name, i)
			}
		}
	}
	return nil
}
