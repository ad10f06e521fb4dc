package stats

import (
	"slices"
	"time"

	"github.com/consentproxy/consentproxy"
)

// segment is one stretch of a query's range read from one grain of a table:
// the hourly table, or its daily or monthly rollup (store.RollupTable).
type segment struct {
	grain    string    // "" (hourly), "daily" or "monthly"
	from, to time.Time // UTC, [from, to)
}

// segments cuts [p.from, p.to) into the coarsest grains that answer it
// exactly: hours up to the first UTC midnight, days up to the first month,
// whole months, then days and hours again. Rollups are read only before
// frontier (the rollup package's promise that they are complete there), and
// only where the query's time buckets are made of whole UTC days or months:
// a rollup row cannot be split across two local days.
func (p *plan) segments(frontier time.Time) []segment {
	all := []segment{{"", p.from, p.to}}
	if frontier.IsZero() || p.timeDim == "hour" || (p.timeDim != "" && !utcLike(p.loc, p.from, p.to)) || !p.rollupExact() {
		return all
	}
	d0 := ceilDay(p.from)
	d1 := minTime(floorDay(p.to), floorDay(frontier))
	if !d0.Before(d1) {
		return all
	}
	out := []segment{{"", p.from, d0}}
	if p.timeDim == "day" || p.timeDim == "week" {
		out = append(out, segment{"daily", d0, d1})
	} else {
		m0, m1 := ceilMonth(d0), floorMonth(d1)
		if m0.Before(m1) {
			out = append(out, segment{"daily", d0, m0}, segment{"monthly", m0, m1}, segment{"daily", m1, d1})
		} else {
			out = append(out, segment{"daily", d0, d1})
		}
	}
	out = append(out, segment{"", d1, p.to})
	kept := out[:0]
	for _, s := range out {
		if s.from.Before(s.to) {
			kept = append(kept, s)
		}
	}
	return kept
}

// rollupExact reports whether summing rollup rows answers the query's
// visitors exactly. A rollup row holds its day's visitors as a count, and
// a visitor in two rows of one day (two pages, two goals, two visits from
// two sources) counts in both: the sum over rows is the union only when
// each result row is made of one stored row per day, that is when every
// column of the table is a dimension of the query or pinned to one value
// by an "is" filter. Otherwise the hourly rows are read, whose visitor
// states merge into the exact union. Tables without visitors (choices,
// outcomes, filtered) only add counts and are always exact.
func (p *plan) rollupExact() bool {
	for _, pt := range p.parts() {
		if !pt.table.Visitors || len(pt.table.Dims) == 0 || pt.table.Name == consentproxy.TableDevices.Name {
			// devices: every column comes from the user agent, which is part
			// of the visitor hash, so a visitor is in one row a day.
			continue
		}
		if pt.goals == goalAll {
			// "(visits)" rows: the goal is fixed, the rest must be pinned.
			if !p.coversExceptGoal() {
				return false
			}
			continue
		}
		for _, col := range pt.table.Dims {
			if !p.pins(col) {
				return false
			}
		}
	}
	return true
}

// pins reports whether the query groups by the family's column col or
// fixes it to one value.
func (p *plan) pins(col string) bool {
	for api, c := range p.fam.columns {
		if c != col {
			continue
		}
		if slices.Contains(p.dims, api) {
			return true
		}
		for _, f := range p.q.Filters {
			if f.Dimension == api && (f.Op == "is" || f.Op == "in") && len(f.Values) == 1 {
				return true
			}
		}
	}
	return false
}

// coversExceptGoal: every goals column but goal is pinned.
func (p *plan) coversExceptGoal() bool {
	for _, col := range p.fam.table.Dims {
		if col != "goal" && !p.pins(col) {
			return false
		}
	}
	return true
}

// utcLike reports whether loc keeps UTC's day boundaries over [from, to):
// UTC itself, or a zone at offset zero at both ends with no transition in
// between (Europe/London in winter).
func utcLike(loc *time.Location, from, to time.Time) bool {
	if loc == time.UTC {
		return true
	}
	_, off0 := from.In(loc).Zone()
	_, off1 := to.Add(-time.Nanosecond).In(loc).Zone()
	if off0 != 0 || off1 != 0 {
		return false
	}
	_, end := from.In(loc).ZoneBounds()
	return end.IsZero() || !end.Before(to)
}

func floorDay(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

func ceilDay(t time.Time) time.Time {
	f := floorDay(t)
	if f.Before(t) {
		return f.Add(24 * time.Hour)
	}
	return f
}

func floorMonth(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func ceilMonth(t time.Time) time.Time {
	f := floorMonth(t)
	if f.Before(t) {
		return f.AddDate(0, 1, 0)
	}
	return f
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
