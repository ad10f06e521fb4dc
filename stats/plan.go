package stats

import (
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/consentproxy/consentproxy"
)

// plan is a validated, normalized query: what to read and how to shape it.
type plan struct {
	q        Query // normalized, echoed in responses
	loc      *time.Location
	from, to time.Time // UTC, [from, to)
	timeDim  string    // "", "hour", "day", "week" or "month"
	fam      *family   // nil: no attribute family (totals)
	dims     []string  // the query's dimensions, time included, in order
}

// validate checks q against the schema and fills in defaults. Every refusal
// says why and what is possible instead.
func validate(q Query, now time.Time) (*plan, error) {
	p := &plan{q: q}
	if q.Site == "" || len(q.Site) > 200 || !printable(q.Site) {
		return nil, invalid("site is required: the measurement id of one site (printable, at most 200 bytes)")
	}
	if len(q.Metrics) == 0 {
		return nil, invalid("metrics is required; possible: %s", strings.Join(Metrics, ", "))
	}
	for i, m := range q.Metrics {
		if !slices.Contains(Metrics, m) {
			return nil, errUnknown("metric", m, Metrics)
		}
		if slices.Contains(q.Metrics[:i], m) {
			return nil, invalid("metric %q is listed twice", m)
		}
	}
	// The families that have every dimension and filter so far (a
	// dimension may be in several: consent_outcome), and the first
	// dimension or filter, which chose them.
	var fams []*family
	var famDim string
	useFamily := func(dim, role string) error {
		fs := familiesOf(dim)
		if fams == nil {
			fams, famDim = fs, dim
			return nil
		}
		var both []*family
		for _, f := range fams {
			if slices.Contains(fs, f) {
				both = append(both, f)
			}
		}
		if len(both) == 0 {
			return invalid("%s %q cannot be combined with %q: the data is aggregate-only, each table holds one attribute family (%s here, %s there) and no stored row links a visitor's %s to their %s, so any answer would be wrong. Compatible with %q: %s, and one time dimension (%s)",
				role, dim, famDim, fs[0].name, fams[0].name, fs[0].name, fams[0].name, famDim,
				strings.Join(dimsOf(fams), ", "), strings.Join(TimeDimensions, ", "))
		}
		fams = both
		return nil
	}
	for i, d := range q.Dimensions {
		if slices.Contains(q.Dimensions[:i], d) {
			return nil, invalid("dimension %q is listed twice", d)
		}
		if slices.Contains(TimeDimensions, d) {
			if p.timeDim != "" {
				return nil, invalid("at most one time dimension per query; got %q and time:%s", d, p.timeDim)
			}
			p.timeDim = strings.TrimPrefix(d, "time:")
			continue
		}
		if familiesOf(d) == nil {
			return nil, errUnknown("dimension", d, append(slices.Clone(TimeDimensions), Dimensions...))
		}
		if err := useFamily(d, "dimension"); err != nil {
			return nil, err
		}
	}
	p.dims = q.Dimensions
	if len(q.Filters) > maxFilters {
		return nil, invalid("at most %d filters per query", maxFilters)
	}
	for _, f := range q.Filters {
		if !slices.Contains(FilterOps, f.Op) {
			return nil, errUnknown("filter op", f.Op, FilterOps)
		}
		if familiesOf(f.Dimension) == nil {
			return nil, invalid("unknown filter dimension %q; filters apply to: %s (time is chosen with date_range)", f.Dimension, strings.Join(Dimensions, ", "))
		}
		if len(f.Values) == 0 || len(f.Values) > maxValues {
			return nil, invalid("filter on %q needs 1 to %d values", f.Dimension, maxValues)
		}
		for _, v := range f.Values {
			if len(v) > maxValueLen || !utf8.ValidString(v) {
				return nil, invalid("filter values must be valid UTF-8 of at most %d bytes", maxValueLen)
			}
		}
		if err := useFamily(f.Dimension, "filter on"); err != nil {
			return nil, err
		}
	}
	if fams != nil {
		// The first family, unless a metric chooses another that has the
		// dimensions too: channel with conversion_rate is a goals query,
		// channel with visitors a sources one. (Elsewhere a missing metric
		// stays a refusal: consent_rate per consent_outcome says nothing.)
		p.fam = fams[0]
		if mf := metricFamily(q.Metrics); mf != nil && slices.Contains(fams, mf) {
			p.fam = mf
		}
	}
	if p.fam == nil {
		// Without a dimension, such a metric reads its own family: the
		// share of every visitor who reached any goal, every page's exits.
		p.fam = metricFamily(q.Metrics)
	}
	if err := p.checkMetrics(); err != nil {
		return nil, err
	}
	for _, o := range q.OrderBy {
		if !slices.Contains(q.Metrics, o.Field) && !slices.Contains(q.Dimensions, o.Field) {
			return nil, invalid("order_by %q is neither a metric nor a dimension of this query; possible: %s",
				o.Field, strings.Join(append(slices.Clone(q.Metrics), q.Dimensions...), ", "))
		}
	}
	switch {
	case p.q.Limit == 0:
		p.q.Limit = DefaultLimit
	case p.q.Limit < 1 || p.q.Limit > MaxLimit:
		return nil, invalid("limit must be between 1 and %d", MaxLimit)
	}
	switch {
	case p.q.Page == 0:
		p.q.Page = 1
	case p.q.Page < 1 || p.q.Page > 1_000_000:
		return nil, invalid("page must be between 1 and 1000000 (1 is the first page)")
	}
	if q.Compare != "" && q.Compare != ComparePrevious && q.Compare != CompareYear {
		return nil, invalid("compare %q is neither %q nor %q", q.Compare, ComparePrevious, CompareYear)
	}
	if p.q.Timezone == "" {
		p.q.Timezone = "UTC"
	}
	loc, err := loadZone(p.q.Timezone)
	if err != nil {
		return nil, err
	}
	p.loc = loc
	if p.q.DateRange == (DateRange{}) {
		p.q.DateRange = DateRange{Period: "30d"}
	}
	if p.from, p.to, err = dateRange(p.q.DateRange, now.In(loc)); err != nil {
		return nil, err
	}
	return p, nil
}

// metricFamily is the family one of metrics chooses, or nil.
func metricFamily(metrics []string) *family {
	for _, mf := range metricFamilies {
		if slices.ContainsFunc(metrics, func(m string) bool { return slices.Contains(mf.metrics, m) }) {
			return mf.fam
		}
	}
	return nil
}

// checkMetrics refuses a metric the chosen family's table does not keep.
func (p *plan) checkMetrics() error {
	if p.fam == nil {
		return nil
	}
	if p.fam.table.Name == consentproxy.TableRevenue.Name && slices.ContainsFunc(p.q.Metrics, func(m string) bool { return m == "revenue" || m == "average_order" }) && !p.pins("currency") {
		return invalid("revenue and average_order need currency as a dimension or an \"is\" filter: a sum of different currencies is no number")
	}
	if p.fam.table.Name == consentproxy.TableGoals.Name && !p.namesGoal() && slices.Contains(p.q.Metrics, "events") {
		return invalid("metric \"events\" of goals is a goal's completions: add goal as a dimension or filter (without one, the goals family answers visitors, visits and conversion_rate for every visit)")
	}
	for _, m := range p.q.Metrics {
		if !slices.Contains(p.fam.metrics, m) {
			return invalid("metric %q is not available for %s: the %s table keeps only what is meaningful per %s. Available with these dimensions: %s; %q is available without a %s dimension or filter",
				m, p.fam.name, p.fam.table.Name, strings.Join(p.fam.dims(), "/"), strings.Join(p.fam.metrics, ", "), m, p.fam.name)
		}
	}
	return nil
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// loadZone accepts canonical IANA zone names only. The name is bound into
// SQL, and ClickHouse knows the IANA names, not whatever else sits in the
// server's zoneinfo directory that time.LoadLocation would open: "right/…"
// and "posix/…" (leap-second and POSIX copies), "localtime", "posixrules",
// and paths ("../…", "/etc/…"). Every IANA name is components of
// [A-Za-z0-9_+-] that each start with a capital letter, which none of those
// is; "Local" would depend on the server's setting.
func loadZone(name string) (*time.Location, error) {
	if canonicalZone(name) {
		if loc, ok := zones.Load(name); ok {
			return loc.(*time.Location), nil
		}
		if loc, err := time.LoadLocation(name); err == nil {
			zones.Store(name, loc) // only valid names: the cache stays bounded by the tz database
			return loc, nil
		}
	}
	return nil, invalid("timezone %q is not an IANA time zone name such as UTC or Europe/Berlin "+
		"(canonical names only: no right/ or posix/ copies, localtime, Local or paths)", name)
}

// canonicalZone reports whether name has the shape of an IANA zone name:
// at most 64 bytes, "/"-separated non-empty components, each a capital
// letter followed by letters, digits, "_", "+" or "-".
func canonicalZone(name string) bool {
	if name == "Local" || name == "" || len(name) > 64 {
		return false
	}
	for part := range strings.SplitSeq(name, "/") {
		if part == "" || part[0] < 'A' || part[0] > 'Z' {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '+' || r == '-') {
				return false
			}
		}
	}
	return true
}

// zones caches loaded time zones; LoadLocation reads the tz database file.
var zones sync.Map

const dateLayout = "2006-01-02"

// dateRange turns a period into [from, to) in UTC. Named periods end with
// the current local day or month, so they include today.
func dateRange(d DateRange, now time.Time) (time.Time, time.Time, error) {
	loc := now.Location()
	day := func(t time.Time, add int) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day()+add, 0, 0, 0, 0, loc)
	}
	month := func(add int) time.Time { return time.Date(now.Year(), now.Month()+time.Month(add), 1, 0, 0, 0, 0, loc) }
	var from, to time.Time
	switch d.Period {
	case "today":
		from, to = day(now, 0), day(now, 1)
	case "7d":
		from, to = day(now, -6), day(now, 1)
	case "30d":
		from, to = day(now, -29), day(now, 1)
	case "month":
		from, to = month(0), month(1)
	case "12mo":
		from, to = month(-11), month(1)
	case "":
		f, err1 := time.ParseInLocation(dateLayout, d.From, loc)
		t, err2 := time.ParseInLocation(dateLayout, d.To, loc)
		if err1 != nil || err2 != nil {
			return from, to, invalid("date_range dates must be YYYY-MM-DD, got [%q, %q]", d.From, d.To)
		}
		if t.Before(f) || t.Sub(f) > 5*366*24*time.Hour || f.Year() < 1971 || t.Year() > 2105 {
			return from, to, invalid("date_range [from, to] needs from <= to, at most 5 years apart, between 1971 and 2105")
		}
		from, to = f, day(t, 1)
	default:
		return from, to, invalid("date_range %q is not a period; possible: %s, or [from, to] dates", d.Period, strings.Join(Periods, ", "))
	}
	return from.UTC(), to.UTC(), nil
}
