package stats

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
)

// maxGroups bounds the groups one query may read: suppression has to see
// every group before it can fold the small ones, so this is the real cap.
const maxGroups = 200_000

// raw holds a row's additive components; derived metrics (rates, durations)
// are computed from them only at the end, so that folding rows into
// "(other)" sums components, never ratios.
type raw struct {
	visitors, pageviews, events, visits, bounces, durationMS, engagementMS int64
	choices, accepted, suppressed, filtered, removed                       int64
	rejected, custom, withdrawn                                            int64 // banner decisions but accept_all
	// hits are a revenue row's millionths of the currency.
	hits int64
	// converted and base are a conversion rate's visitors: those who
	// reached the goal(s), and every visitor of the same breakdown.
	converted, base int64
}

func (r *raw) add(o raw) {
	r.visitors += o.visitors
	r.pageviews += o.pageviews
	r.events += o.events
	r.visits += o.visits
	r.bounces += o.bounces
	r.durationMS += o.durationMS
	r.engagementMS += o.engagementMS
	r.choices += o.choices
	r.accepted += o.accepted
	r.rejected += o.rejected
	r.custom += o.custom
	r.withdrawn += o.withdrawn
	r.suppressed += o.suppressed
	r.filtered += o.filtered
	r.removed += o.removed
	r.hits += o.hits
	r.converted += o.converted
	r.base += o.base
}

type row struct {
	key   []string
	m     raw
	count int64 // what suppression compares with MinCount; -1 until set
}

// part is one table read; a query without a family dimension may read
// several and merge them per time bucket.
type part struct {
	table consentproxy.Table
	kind  string // "visits", "choices" (consent_choices, consent_jurisdictions), "outcomes" (suppressed reasons only), "filtered" or "removed"
	// goals restricts a goals read: goalRows (the configured goals) or
	// goalAll (the "(visits)" rows); "" reads every row.
	goals string
	// as says what the part's visitors are in a goals query: "" the row's
	// own, asConverted a conversion rate's numerator, asBase its
	// denominator, keyed without the goal (the part reads no goal column
	// and ignores goal filters).
	as string
}

const (
	goalRows    = "rows"
	goalAll     = "all"
	asConverted = "converted"
	asBase      = "base"
)

// goalParts are a goals query's reads. With goal as a dimension or a
// filter the rows are the goals', each divided by its breakdown's
// "(visits)" row; without, the rows are the "(visits)" rows, and the
// converted visitors those of any goal.
func (p *plan) goalParts() []part {
	t := consentproxy.TableGoals
	rate := slices.Contains(p.q.Metrics, "conversion_rate")
	if p.namesGoal() {
		out := []part{{table: t, kind: "visits", goals: goalRows, as: asConverted}}
		if rate {
			out = append(out, part{table: t, kind: "visits", goals: goalAll, as: asBase})
		}
		return out
	}
	out := []part{{table: t, kind: "visits", goals: goalAll}}
	if rate {
		out = append(out, part{table: t, kind: "visits", goals: goalRows, as: asConverted})
	}
	return out
}

// namesGA4 reports whether an is or in filter on goal lists "(ga4)".
func (p *plan) namesGA4() bool {
	return slices.ContainsFunc(p.q.Filters, func(f Filter) bool {
		return f.Dimension == "goal" && (f.Op == "is" || f.Op == "in") && slices.Contains(f.Values, consentproxy.GoalGA4)
	})
}

// namesGoal reports whether the query has goal as a dimension or filter.
func (p *plan) namesGoal() bool {
	if slices.Contains(p.dims, "goal") {
		return true
	}
	for _, f := range p.q.Filters {
		if f.Dimension == "goal" {
			return true
		}
	}
	return false
}

func (p *plan) parts() []part {
	if p.fam != nil && p.fam.table.Name == consentproxy.TableGoals.Name {
		return p.goalParts()
	}
	if p.fam != nil {
		kind := "visits"
		switch {
		case p.fam.table.Name == consentproxy.TableOutcomes.Name:
			kind = "outcomes"
		case p.fam.table.Name == consentproxy.TableFiltered.Name:
			kind = "filtered"
		case p.fam.table.Name == consentproxy.TableRemovedParams.Name:
			kind = "removed"
		case !p.fam.table.Visitors:
			kind = "choices"
		}
		return []part{{table: p.fam.table, kind: kind}}
	}
	var out []part
	has := func(list []string) bool {
		for _, m := range p.q.Metrics {
			for _, l := range list {
				if m == l {
					return true
				}
			}
		}
		return false
	}
	if has(totalsMetrics) {
		out = append(out, part{table: consentproxy.TableTotals, kind: "visits"})
	}
	if has(choicesMetrics) {
		out = append(out, part{table: consentproxy.TableConsentChoices, kind: "choices"})
	}
	if has(outcomeMetrics) {
		out = append(out, part{table: consentproxy.TableOutcomes, kind: "outcomes"})
	}
	if has(filteredMetrics) {
		out = append(out, part{table: consentproxy.TableFiltered, kind: "filtered"})
	}
	if has(removedMetrics) {
		out = append(out, part{table: consentproxy.TableRemovedParams, kind: "removed"})
	}
	return out
}

// sql renders one part's statement: the segments' rows, each read from its
// grain of the table, united and then summed. Visitors are counted per UTC
// day and summed: the daily salt makes every day's visitor hashes disjoint
// from every other day's, so that sum is exactly the count over the range,
// and it is what the daily rollups store. Identifiers come only from this
// package's tables; every user value is a "?" argument. Columns carry
// aliases (k_*, v_*, m_*) that differ from the stored names, and GROUP BY
// names them, because 18.16 has no positional GROUP BY.
func (p *plan) sql(pt part, segs []segment) (string, []any) {
	var sel, group []string
	if p.timeDim != "" {
		sel = append(sel, "k_t")
		group = append(group, "k_t")
	}
	for i := range p.keyDims(pt) {
		alias := "k" + strconv.Itoa(i)
		sel = append(sel, alias)
		group = append(group, alias)
	}
	switch pt.kind {
	case "visits":
		for _, c := range p.visitColumns() {
			sel = append(sel, "sum(v_"+c.name+") AS m_"+c.name)
		}
	case "choices":
		sel = append(sel, "sum(v_hits) AS m_choices", "sum(v_accepted) AS m_accepted", "sum(v_rejected) AS m_rejected",
			"sum(v_custom) AS m_custom", "sum(v_withdrawn) AS m_withdrawn")
	case "outcomes":
		sel = append(sel, "sum(v_hits) AS m_suppressed")
	case "filtered":
		sel = append(sel, "sum(v_hits) AS m_filtered")
	case "removed":
		sel = append(sel, "sum(v_hits) AS m_removed")
	}
	var args []any
	inner := make([]string, len(segs))
	for i, sg := range segs {
		var a []any
		inner[i], a = p.segmentSQL(pt, sg)
		args = append(args, a...)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM (" + strings.Join(inner, " UNION ALL ") + ")"
	if len(group) > 0 {
		q += " GROUP BY " + strings.Join(group, ", ")
	}
	q += " LIMIT " + strconv.Itoa(maxGroups+1)
	return q, args
}

// visitColumn is one component of the visit metrics: how a segment reads
// it, and where it lands in raw.
type visitColumn struct {
	name, column, hourly string
	field                func(*raw) *int64
	neededBy             []string // metrics that need it; nil: always read
}

// visitComponents lists every component; visitors always, since folding
// small rows compares it.
var visitComponents = []visitColumn{
	{"visitors", "visitors", "uniqArrayMerge(visitors)", func(r *raw) *int64 { return &r.visitors }, nil},
	{"pageviews", "pageviews", "sum(pageviews)", func(r *raw) *int64 { return &r.pageviews }, []string{"pageviews", "exit_rate", "scroll_rate"}},
	// In page_flow, events are scrolls and visits exits.
	{"events", "events", "sum(events)", func(r *raw) *int64 { return &r.events }, []string{"events", "scroll_rate", "purchases", "average_order"}},
	{"visits", "visits", "sum(visits)", func(r *raw) *int64 { return &r.visits }, []string{"visits", "bounce_rate", "visit_duration", "exits", "exit_rate"}},
	{"bounces", "bounces", "sum(bounces)", func(r *raw) *int64 { return &r.bounces }, []string{"bounce_rate"}},
	{"duration", "duration_ms", "sum(duration_ms)", func(r *raw) *int64 { return &r.durationMS }, []string{"visit_duration"}},
	{"engagement", "engagement_ms", "sum(engagement_ms)", func(r *raw) *int64 { return &r.engagementMS }, []string{"engagement_time"}},
	// In revenue, hits are millionths of the currency.
	{"hits", "hits", "sum(hits)", func(r *raw) *int64 { return &r.hits }, []string{"revenue", "average_order"}},
}

// visitColumns are the components this query's metrics need: reading
// fewer columns is most of what a wide query costs the engine.
func (p *plan) visitColumns() []visitColumn {
	var out []visitColumn
	for _, c := range visitComponents {
		if c.neededBy == nil || slices.ContainsFunc(c.neededBy, func(m string) bool { return slices.Contains(p.q.Metrics, m) }) {
			out = append(out, c)
		}
	}
	return out
}

// segmentSQL selects one segment's keys (k_t, k0…) and metrics (v_*): from
// the hourly table aggregated per key and UTC day, or from a rollup's rows
// as they are.
func (p *plan) segmentSQL(pt part, sg segment) (string, []any) {
	var sel, group []string
	var selArgs, whereArgs []any
	hourly := sg.grain == ""
	table := pt.table.Name
	if !hourly {
		table = store.RollupTable(pt.table, store.Grain(sg.grain))
	}
	switch {
	case p.timeDim == "hour":
		sel = append(sel, "hour AS k_t")
	case p.timeDim != "" && hourly:
		fn := map[string]string{"day": "toDate", "week": "toMonday", "month": "toStartOfMonth"}[p.timeDim]
		sel = append(sel, fn+"(hour, ?) AS k_t")
		selArgs = append(selArgs, p.q.Timezone)
	case p.timeDim != "":
		// Rollups are read only for UTC-like zones (see segments).
		fn := map[string]string{"day": "", "week": "toMonday", "month": "toStartOfMonth"}[p.timeDim]
		if fn == "" {
			sel = append(sel, "start AS k_t")
		} else {
			sel = append(sel, fn+"(start) AS k_t")
		}
	}
	if p.timeDim != "" {
		group = append(group, "k_t")
	}
	for i, d := range p.keyDims(pt) {
		alias := "k" + strconv.Itoa(i)
		sel = append(sel, p.fam.columns[d]+" AS "+alias)
		group = append(group, alias)
	}
	where := []string{"site = ?"}
	whereArgs = append(whereArgs, p.q.Site)
	switch pt.goals {
	case goalRows:
		// The configured goals; "(ga4)" only when an is or in filter
		// lists it (is_not and contains select among the goals).
		where = append(where, "goal != ?")
		whereArgs = append(whereArgs, consentproxy.GoalAll)
		if !p.namesGA4() {
			where = append(where, "goal != ?")
			whereArgs = append(whereArgs, consentproxy.GoalGA4)
		}
	case goalAll:
		where = append(where, "goal = ?")
		whereArgs = append(whereArgs, consentproxy.GoalAll)
	}
	if hourly {
		where = append(where, "hour >= ?", "hour < ?")
		whereArgs = append(whereArgs, sg.from, sg.to)
	} else {
		where = append(where, "start >= toDate(?)", "start < toDate(?)")
		whereArgs = append(whereArgs, sg.from.Format(store.DateLayout), sg.to.Format(store.DateLayout))
	}
	// agg is what a metric is in this segment: summed per day from hourly
	// rows, taken as stored from a rollup.
	agg := func(hourlyExpr, rolledExpr, alias string) string {
		if hourly {
			return hourlyExpr + " AS " + alias
		}
		return rolledExpr + " AS " + alias
	}
	switch pt.kind {
	case "visits":
		for _, c := range p.visitColumns() {
			sel = append(sel, agg(c.hourly, c.column, "v_"+c.name))
		}
	case "choices":
		sel = append(sel, agg("sum(hits)", "hits", "v_hits"))
		for _, o := range choiceOutcomes {
			sel = append(sel, agg("sumIf(hits, outcome = ?)", "if(outcome = ?, hits, 0)", "v_"+o.alias))
			selArgs = append(selArgs, o.outcome)
		}
	case "outcomes":
		sel = append(sel, agg("sum(hits)", "hits", "v_hits"))
		where = append(where, "has(?, reason)")
		whereArgs = append(whereArgs, suppressedReasons)
	case "filtered", "removed":
		sel = append(sel, agg("sum(hits)", "hits", "v_hits"))
	}
	for _, f := range p.q.Filters {
		if pt.as == asBase && f.Dimension == "goal" {
			continue // the denominator is every visitor, whatever the goal
		}
		col := p.fam.columns[f.Dimension]
		switch f.Op {
		case "is", "in":
			where = append(where, "has(?, "+col+")")
			whereArgs = append(whereArgs, f.Values)
		case "is_not":
			where = append(where, "NOT has(?, "+col+")")
			whereArgs = append(whereArgs, f.Values)
		case "contains":
			ors := make([]string, len(f.Values))
			for i, v := range f.Values {
				ors[i] = "position(" + col + ", ?) > 0"
				whereArgs = append(whereArgs, v)
			}
			where = append(where, "("+strings.Join(ors, " OR ")+")")
		}
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + table + " FINAL WHERE " + strings.Join(where, " AND ")
	if hourly {
		q += " GROUP BY " + strings.Join(append(group, "toDate(hour)"), ", ")
	}
	return q, append(selArgs, whereArgs...)
}

// keyDims are the dimensions a part groups by: famDims, less the goal for
// a conversion rate's denominator.
func (p *plan) keyDims(pt part) []string {
	d := p.famDims()
	if pt.as == asBase {
		d = slices.DeleteFunc(slices.Clone(d), func(s string) bool { return s == "goal" })
	}
	return d
}

// famDims are the query's non-time dimensions, in query order.
func (p *plan) famDims() []string {
	var out []string
	for _, d := range p.dims {
		if !strings.HasPrefix(d, "time:") {
			out = append(out, d)
		}
	}
	return out
}

// run reads every part and merges the rows by dimension key.
func (p *plan) run(ctx context.Context, s consentproxy.Store, frontier time.Time) ([]*row, error) {
	byKey := map[string]*row{}
	var rows []*row
	segs := p.segments(frontier)
	parts := p.parts()
	cols := p.visitColumns()
	// A conversion rate's denominators, keyed without the goal, and where
	// the goal sits in a row's key (time first, then famDims).
	bases := map[string]int64{}
	goalAt := -1
	if i := slices.Index(p.famDims(), "goal"); i >= 0 {
		goalAt = i
		if p.timeDim != "" {
			goalAt++
		}
	}
	for pi, pt := range parts {
		nk := 0
		if p.timeDim != "" {
			nk = 1
		}
		nk += len(p.keyDims(pt))
		q, args := p.sql(pt, segs)
		res, err := s.Query(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", pt.table.Name, err)
		}
		if len(res.Rows) > maxGroups {
			return nil, invalid("the query matches more than %d groups; narrow the date range, use a coarser time dimension or add a filter", maxGroups)
		}
		for _, cells := range res.Rows {
			if len(cells) < nk {
				return nil, fmt.Errorf("query %s: short row", pt.table.Name)
			}
			key := make([]string, nk)
			copy(key, cells[:nk])
			if p.timeDim == "hour" {
				t, err := time.ParseInLocation(store.DateTimeLayout, key[0], time.UTC)
				if err != nil {
					return nil, fmt.Errorf("query %s: hour %q: %w", pt.table.Name, key[0], err)
				}
				key[0] = t.In(p.loc).Format(time.RFC3339)
			}
			var n [8]int64 // at most the six visit components
			if len(cells)-nk > len(n) {
				return nil, fmt.Errorf("query %s: %d columns", pt.table.Name, len(cells))
			}
			for i, c := range cells[nk:] {
				if n[i], err = strconv.ParseInt(c, 10, 64); err != nil {
					return nil, fmt.Errorf("query %s: value %q: %w", pt.table.Name, c, err)
				}
			}
			var m raw
			var count int64
			switch pt.kind {
			case "visits":
				for i, c := range cols {
					*c.field(&m) = n[i]
				}
				count = m.visitors
			case "choices":
				m = raw{choices: n[0], accepted: n[1], rejected: n[2], custom: n[3], withdrawn: n[4]}
			case "outcomes":
				m = raw{suppressed: n[0]}
			case "filtered":
				m = raw{filtered: n[0]}
			case "removed":
				m = raw{removed: n[0]}
			}
			main := pi == 0
			switch {
			case pt.as == asBase:
				bases[strings.Join(key, "\x00")] += m.visitors
				continue
			case pt.as == asConverted && !main:
				m = raw{converted: m.visitors}
			case pt.as == asConverted:
				m.converted = m.visitors
			case pt.goals == goalAll:
				m.base = m.visitors
			}
			var r *row
			if len(parts) == 1 {
				// One read: the engine grouped by the key already.
				r = &row{key: key, count: -1}
				rows = append(rows, r)
			} else {
				k := strings.Join(key, "\x00")
				if r = byKey[k]; r == nil {
					r = &row{key: key, count: -1}
					byKey[k] = r
					rows = append(rows, r)
				}
			}
			r.m.add(m)
			// Only visitor counts decide: banner choices and suppressed hits
			// carry no visitor attribute (a table row holds nothing but site,
			// hour, revision or jurisdiction group and outcome, or reason), so
			// a small one singles nobody out, and folding it would only make
			// rates disagree with their parts. A goals query's converted
			// visitors of any goal do not decide either: the row is every
			// visitor's.
			if pt.kind == "visits" && (main || pt.table.Name != consentproxy.TableGoals.Name) && (r.count < 0 || count < r.count) {
				r.count = count
			}
		}
	}
	if len(bases) > 0 {
		for _, r := range rows {
			k := r.key
			if goalAt >= 0 {
				k = slices.Delete(slices.Clone(k), goalAt, goalAt+1)
			}
			r.m.base = bases[strings.Join(k, "\x00")]
		}
	}
	for _, r := range rows {
		if r.count < 0 {
			r.count = math.MaxInt64 // no visitor part: never folded
		}
	}
	return rows, nil
}
