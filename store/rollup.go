package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy"
)

// Grain is the period of a rollup table.
type Grain string

// The rollup grains. Each aggregate table T has a T_daily and a T_monthly
// rollup holding the same dimensions and metrics per UTC day or month, with
// the instances merged: a query over 13 months then reads 13 monthly rows
// per key instead of some 9,500 hourly ones.
//
// Visitors are a count per day (or the sum of a month's days) rather than a
// uniq state; see migration 002 for why that is exact.
//
// The hourly tables stay the source of truth. A rollup is never written by
// a materialized view, because the hourly rows are cumulative per (instance,
// version) and only FINAL knows which version counts; instead Rollup
// re-derives whole days (and then their months) from the hourly table FINAL,
// under a newer version, whenever a day has changed. Re-deriving is
// idempotent, so running it twice, or on two instances at once, is harmless.
const (
	Daily   Grain = "daily"
	Monthly Grain = "monthly"
)

// Grains lists the rollup grains, finest first.
var Grains = []Grain{Daily, Monthly}

// RollupTable is the name queries read for table t at grain g: T_daily or
// T_monthly (on a cluster, the Distributed table of that name).
func RollupTable(t consentproxy.Table, g Grain) string { return t.Name + "_" + string(g) }

// rollupStorage is the MergeTree holding the rollup rows: the RollupTable on
// a single node, RollupTable_local on each shard of a cluster.
func rollupStorage(t consentproxy.Table, g Grain, o Options) string {
	if o.Cluster != "" {
		return RollupTable(t, g) + "_local"
	}
	return RollupTable(t, g)
}

// Rollup re-derives the daily rollups of the UTC days in [from, to) from
// the hourly tables, then the monthly rollups of every month those days
// touch from the daily ones. from and to must be UTC midnights. version
// must grow with every call for the same days (the caller's clock in
// milliseconds does): the rollup tables keep the newest version per key.
//
// A day is derived as a whole, so a day whose hourly rows are still being
// written is simply derived again later; Rollup never has to know what
// changed, only that something did.
func Rollup(ctx context.Context, e Engine, o Options, from, to time.Time, version uint64) error {
	o, err := o.WithDefaults()
	if err != nil {
		return fmt.Errorf("rollup: %w", err)
	}
	from, to = from.UTC(), to.UTC()
	if !isDay(from) || !isDay(to) || !from.Before(to) {
		return fmt.Errorf("rollup: [%s, %s) is not a range of whole UTC days", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	m0 := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := to.AddDate(0, 0, -1)
	m1 := time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	for _, t := range consentproxy.TablesAt(o.UpTo) {
		src := fmt.Sprintf("%s.%s FINAL WHERE hour >= %s AND hour < %s", o.Database, t.Name, dateTimeLit(from), dateTimeLit(to))
		if err := e.Exec(ctx, rollupInsert(t, o, Daily, "toDate(hour)", src, version)); err != nil {
			return fmt.Errorf("rollup %s days %s..%s: %w", t.Name, from.Format(DateLayout), last.Format(DateLayout), err)
		}
		src = fmt.Sprintf("%s.%s FINAL WHERE start >= %s AND start < %s", o.Database, RollupTable(t, Daily), dateLit(m0), dateLit(m1))
		if err := e.Exec(ctx, rollupInsert(t, o, Monthly, "toStartOfMonth(start)", src, version)); err != nil {
			return fmt.Errorf("rollup %s months %s..%s: %w", t.Name, m0.Format("2006-01"), m1.Format("2006-01"), err)
		}
		if err := compact(ctx, e, o, t, m0, m1); err != nil {
			return err
		}
	}
	return nil
}

// compact merges the months just derived into one part each, dropping the
// versions they replace, so that reading a rollup FINAL costs what reading
// it plain does: a 13-month query reads 14 parts instead of merging
// versions at query time (measured: 3× faster on chDB). FINAL stays in every
// query, so a rollup derived meanwhile by another instance is still read
// right. On a cluster the shards merge in the background instead (OPTIMIZE
// does not go through a Distributed table).
func compact(ctx context.Context, e Engine, o Options, t consentproxy.Table, m0, m1 time.Time) error {
	if o.Cluster != "" {
		return nil
	}
	for m := m0; m.Before(m1); m = m.AddDate(0, 1, 0) {
		for _, g := range Grains {
			stmt := fmt.Sprintf("OPTIMIZE TABLE %s.%s PARTITION %s FINAL", o.Database, RollupTable(t, g), m.Format("200601"))
			if err := e.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("rollup %s: compact %s: %w", RollupTable(t, g), m.Format("2006-01"), err)
			}
		}
	}
	return nil
}

// rollupInsert renders INSERT … SELECT grouping src by site, period and
// dims. The period gets an alias of its own: 18.16 resolves a GROUP BY name
// that equals a source column to the column, not to the expression.
func rollupInsert(t consentproxy.Table, o Options, g Grain, period, src string, version uint64) string {
	cols := append([]string{"site", "start"}, t.Dims...)
	cols = append(cols, "version")
	metrics := metricNames(o.UpTo)
	cols = append(cols, metrics...)
	sel := append([]string{"site", period + " AS p_start"}, t.Dims...)
	sel = append(sel, strconv.FormatUint(version, 10))
	for _, m := range metrics {
		sel = append(sel, "sum("+m+")")
	}
	if t.Visitors {
		cols = append(cols, "visitors")
		if g == Daily {
			sel = append(sel, "uniqArrayMerge(visitors)")
		} else {
			sel = append(sel, "sum(visitors)")
		}
	}
	group := append([]string{"site", "p_start"}, t.Dims...)
	return fmt.Sprintf("INSERT INTO %s.%s (%s) SELECT %s FROM %s GROUP BY %s", o.Database, RollupTable(t, g),
		strings.Join(cols, ", "), strings.Join(sel, ", "), src, strings.Join(group, ", "))
}

// StaleDays compares, for every table, each UTC day of [from, to) in the
// hourly table with its daily rollup, and each month with its monthly
// rollup, by the sums of all six metrics, and returns the days (in order,
// without repeats) that must be rolled up again: a day that differs, and
// the first day in range of a month that differs. Every write that changes
// a row changes at least one sum, so this finds what an instance that
// stopped before rolling up, or another instance, left behind.
func StaleDays(ctx context.Context, e Engine, o Options, from, to time.Time) ([]time.Time, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("stale days: %w", err)
	}
	from, to = from.UTC(), to.UTC()
	d0, d1 := from.Format(DateLayout), to.Format(DateLayout)
	sums := strings.Join(sumsOf(metricNames(o.UpTo)), ", ")
	stale := map[string]bool{}
	for _, t := range consentproxy.TablesAt(o.UpTo) {
		// sums per period p of one table; args bind the range.
		var res [4]consentproxy.Result
		for i, q := range [4]struct {
			period, table, where string
			args                 []any
		}{
			{"toDate(hour)", t.Name, "hour >= ? AND hour < ?", []any{from, to}},
			{"start", RollupTable(t, Daily), "start >= toDate(?) AND start < toDate(?)", []any{d0, d1}},
			// Months are compared whole (their days before from too), so
			// that a month straddling from is not found stale every time.
			{"toStartOfMonth(start)", RollupTable(t, Daily), "start >= toStartOfMonth(toDate(?)) AND start < toDate(?)", []any{d0, d1}},
			{"start", RollupTable(t, Monthly), "start >= toStartOfMonth(toDate(?)) AND start < toDate(?)", []any{d0, d1}},
		} {
			var err error
			res[i], err = e.Query(ctx, "SELECT "+q.period+" AS p, "+sums+" FROM "+o.Database+"."+q.table+
				" FINAL WHERE "+q.where+" GROUP BY p", q.args...)
			if err != nil {
				return nil, fmt.Errorf("stale days %s: %w", q.table, err)
			}
		}
		for _, day := range differing(res[0], res[1]) {
			stale[day] = true
		}
		for _, month := range differing(res[2], res[3]) {
			stale[max(month, d0)] = true // deriving a day in range derives its month
		}
	}
	out := make([]time.Time, 0, len(stale))
	for day := range stale {
		d, err := time.Parse(DateLayout, day)
		if err != nil {
			return nil, fmt.Errorf("stale days: day %q: %w", day, err)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, time.Time.Compare)
	return out, nil
}

func sumsOf(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "sum(" + c + ")"
	}
	return out
}

// differing returns the first cells of the rows of a whose other cells
// differ from b's row with the same first cell, or that b lacks. A row of b
// that a lacks cannot happen (rollups are derived from a), except after
// retention dropped a month from one table first; that heals by itself.
func differing(a, b consentproxy.Result) []string {
	have := make(map[string]string, len(b.Rows))
	for _, r := range b.Rows {
		if len(r) > 0 {
			have[r[0]] = strings.Join(r[1:], "\t")
		}
	}
	var out []string
	for _, r := range a.Rows {
		if len(r) == 0 {
			continue
		}
		if got, ok := have[r[0]]; !ok || got != strings.Join(r[1:], "\t") {
			out = append(out, r[0])
		}
	}
	return out
}

func isDay(t time.Time) bool { return t.Equal(t.Truncate(24 * time.Hour)) }

// dateTimeLit and dateLit render times our own code computed (never user
// input) as literals for Exec, which takes no arguments.
func dateTimeLit(t time.Time) string {
	return "toDateTime(" + QuoteString(t.UTC().Format(DateTimeLayout)) + ", 'UTC')"
}

func dateLit(t time.Time) string { return "toDate(" + QuoteString(t.UTC().Format(DateLayout)) + ")" }
