package stats

import (
	"math"
	"strings"
	"time"
)

// Comparisons a query may ask for (Query.Compare).
const (
	ComparePrevious = "previous_period"
	CompareYear     = "year_over_year"
)

// Comparison is a row's values in the compared period and the change to
// the current ones: for a rate (bounce_rate, consent_rate,
// conversion_rate) the difference in percentage points, for every other
// metric the change in percent of the compared value; null where either
// value is undefined or the compared one is zero.
type Comparison struct {
	Metrics []any `json:"metrics"`
	Change  []any `json:"change"`
}

// comparePlan is p over the compared period: the same length immediately
// before (previous_period; a named month or 12 months as months, so that
// "month" compares with the whole previous month), or the same dates a
// year earlier (year_over_year).
func (p *plan) comparePlan() *plan {
	cp := *p
	from, to := p.from.In(p.loc), p.to.In(p.loc)
	switch {
	case p.q.Compare == CompareYear:
		cp.from, cp.to = from.AddDate(-1, 0, 0), to.AddDate(-1, 0, 0)
	case p.q.DateRange.Period == "month":
		cp.from, cp.to = from.AddDate(0, -1, 0), from
	case p.q.DateRange.Period == "12mo":
		cp.from, cp.to = from.AddDate(0, -12, 0), from
	default:
		days := int(math.Round(to.Sub(from).Hours() / 24))
		cp.from, cp.to = from.AddDate(0, 0, -days), from
	}
	cp.from, cp.to = cp.from.UTC(), cp.to.UTC()
	return &cp
}

// buckets lists the labels of every time bucket of [p.from, p.to), as run
// labels rows, so that bucket i of one period meets bucket i of another.
func (p *plan) buckets() []string {
	var out []string
	switch p.timeDim {
	case "hour":
		for t := p.from; t.Before(p.to) && len(out) < maxGroups; t = t.Add(time.Hour) {
			out = append(out, t.In(p.loc).Format(time.RFC3339))
		}
	case "day", "week", "month":
		t := p.from.In(p.loc)
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, p.loc)
		switch p.timeDim {
		case "week":
			t = t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
		case "month":
			t = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, p.loc)
		}
		for t.Before(p.to) && len(out) < maxGroups {
			out = append(out, t.Format(dateLayout))
			switch p.timeDim {
			case "day":
				t = t.AddDate(0, 0, 1)
			case "week":
				t = t.AddDate(0, 0, 7)
			default:
				t = t.AddDate(0, 1, 0)
			}
		}
	}
	return out
}

// compare adds each result row's comparison: the compared period's row of
// the same dimensions (and of the same place in the period, for a time
// dimension). Compared rows under minCount are not shown: a row without
// its counterpart compares with nothing (null metrics), never with a
// small number.
func (p *plan) compare(res *Response, cp *plan, rows []*row, minCount int) {
	from, to := cp.from, cp.to
	res.Meta.CompareFrom, res.Meta.CompareTo = &from, &to
	// The compared period's label of each of the current period's buckets.
	var toPrev map[string]string
	if p.timeDim != "" {
		cur, prev := p.buckets(), cp.buckets()
		toPrev = make(map[string]string, len(cur))
		for i, b := range cur {
			if i < len(prev) {
				toPrev[b] = prev[i]
			}
		}
	}
	byKey := make(map[string]*row, len(rows))
	for _, r := range rows {
		if r.count >= int64(minCount) {
			byKey[strings.Join(r.key, "\x00")] = r
		}
	}
	for i := range res.Results {
		out := &res.Results[i]
		key := out.Dimensions
		if p.timeDim != "" && len(key) > 0 {
			key = append([]string{toPrev[key[0]]}, key[1:]...)
		}
		c := &Comparison{Metrics: make([]any, len(p.q.Metrics)), Change: make([]any, len(p.q.Metrics))}
		if r := byKey[strings.Join(key, "\x00")]; r != nil && (len(key) == 0 || !allOther(out.Dimensions)) {
			c.Metrics = p.values(r.m)
			for j, name := range p.q.Metrics {
				c.Change[j] = change(name, out.Metrics[j], c.Metrics[j])
			}
		}
		out.Comparison = c
	}
}

// rateMetrics change by the difference of their values.
var rateMetrics = map[string]bool{"bounce_rate": true, "consent_rate": true, "conversion_rate": true, "exit_rate": true, "scroll_rate": true,
	"reject_rate": true, "custom_rate": true, "withdraw_rate": true}

func change(metric string, cur, prev any) any {
	c, ok1 := toFloat(cur)
	p, ok2 := toFloat(prev)
	if !ok1 || !ok2 {
		return nil
	}
	if rateMetrics[metric] {
		return math.Round((c-p)*10) / 10
	}
	if p == 0 {
		return nil
	}
	return math.Round((c-p)/p*1000) / 10
}
