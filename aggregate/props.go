package aggregate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/dims"
)

// Property is an event property (GA4's ep.NAME or epn.NAME) a site owner
// counts in the event_props table, per event name and value. A value is
// never stored as sent unless FreeText allows it: exactly one of Values,
// Buckets and FreeText says what is kept.
type Property struct {
	// Name is the parameter's name without ep. or epn.: 1-40 of a-z, 0-9, _.
	Name string
	// Values are the values kept (compared without regard to case, stored
	// as written here); any other value counts as (other).
	Values []string
	// Buckets are ascending bounds for a number: 12 with [10, 50] counts
	// as "10-50", 5 as "<10", 70 as ">=50"; a value that is no number as
	// (other).
	Buckets []float64
	// FreeText keeps any value, with personal data redacted (as page
	// paths are) and cut to MaxPropertyValue bytes. Default false.
	FreeText bool
	// Sites are the measurement ids it applies to. Default (nil): every site.
	Sites []string
}

// Limits of event properties.
const (
	MaxProperties    = 16  // per site
	MaxPropertyValue = 100 // bytes of a free-text value
	maxPropertyLen   = 40
)

// Values stored instead of a property's value.
const (
	PropNotSet = "(not set)" // the event lacks the parameter
)

type propMatcher struct {
	name     string // as configured
	ep, epn  string // "ep.name", "epn.name"
	values   []string
	buckets  []float64
	freeText bool
}

func checkProperty(p Property) error {
	if p.Name == "" || len(p.Name) > maxPropertyLen {
		return errors.New("a property name is 1 to 40 of a-z, 0-9 and _")
	}
	for i := 0; i < len(p.Name); i++ {
		if c := p.Name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return errors.New("a property name is 1 to 40 of a-z, 0-9 and _ (without ep. or epn.)")
		}
	}
	n := 0
	if len(p.Values) > 0 {
		n++
	}
	if len(p.Buckets) > 0 {
		n++
	}
	if p.FreeText {
		n++
	}
	if n != 1 {
		return errors.New("set exactly one of values, buckets and free_text")
	}
	if len(p.Values) > 100 {
		return errors.New("at most 100 values")
	}
	for _, v := range p.Values {
		if v == "" || len(v) > MaxPropertyValue || v != strings.TrimSpace(v) {
			return fmt.Errorf("value %q: 1 to %d bytes, no space around", v, MaxPropertyValue)
		}
	}
	if len(p.Buckets) > 20 || !slices.IsSorted(p.Buckets) || slices.ContainsFunc(p.Buckets, func(b float64) bool { return math.IsNaN(b) || math.IsInf(b, 0) }) {
		return errors.New("buckets: at most 20 ascending numbers")
	}
	if len(slices.Compact(slices.Clone(p.Buckets))) != len(p.Buckets) {
		return errors.New("buckets: a bound is given twice")
	}
	return nil
}

func compileProperty(p Property) propMatcher {
	return propMatcher{name: p.Name, ep: "ep." + p.Name, epn: "epn." + p.Name,
		values: p.Values, buckets: p.Buckets, freeText: p.FreeText}
}

// value is what the table stores for the event's parameter.
func (m *propMatcher) value(ps consentproxy.ParamSource, i int) string {
	v, ok := ps.Param(i, m.ep)
	if !ok {
		if v, ok = ps.Param(i, m.epn); !ok {
			return PropNotSet
		}
	}
	switch {
	case m.freeText:
		if v = dims.Text(v, MaxPropertyValue); v == "" {
			return PropNotSet
		}
		return v
	case m.buckets != nil:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return consentproxy.Other
		}
		return bucketLabel(m.buckets, f)
	}
	for _, want := range m.values {
		if strings.EqualFold(strings.TrimSpace(v), want) {
			return want // the configured copy: nothing aliases the request
		}
	}
	return consentproxy.Other
}

// bucketLabel names the bucket of f: "<b0", "b0-b1", …, ">=bn".
func bucketLabel(b []float64, f float64) string {
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	if f < b[0] {
		return "<" + num(b[0])
	}
	for i := 1; i < len(b); i++ {
		if f < b[i] {
			return num(b[i-1]) + "-" + num(b[i])
		}
	}
	return ">=" + num(b[len(b)-1])
}

// countProps counts the event in event_props once per property of the
// site. The caller holds sh.mu.
func (a *Aggregator) countProps(sh *shard, props []propMatcher, o *consentproxy.Observation, site string, hour int64, event string, h uint64) {
	for i := range props {
		r := sh.row(a.reg, tEventProps, site, hour, dimKey{event, props[i].name, props[i].value(o.Params, o.Index)})
		r.m.Events++
		r.vis.add(h)
		sh.touch(r)
	}
}

// Revenue limits: a value is a finite number of at most this many units.
const maxRevenue = 1e9

// countRevenue counts a purchase in revenue under its currency and the
// visit's channel, utm_source and utm_campaign: the purchase, the visit
// (once), the purchaser, and the value in millionths (Hits). A purchase
// without a valid value counts with value 0. The caller holds sh.mu.
func (a *Aggregator) countRevenue(sh *shard, s *session, o *consentproxy.Observation, hour int64, h uint64) {
	cur := currency(o.Params, o.Index)
	var micros int64
	for _, k := range [...]string{"epn.value", "ep.value"} {
		if v, ok := o.Params.Param(o.Index, k); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && !math.IsNaN(f) && math.Abs(f) <= maxRevenue {
				micros = int64(math.Round(f * 1e6))
			}
			break
		}
	}
	src := s.start[sSources].key.d
	r := sh.row(a.reg, tRevenue, s.site(), hour, dimKey{cur, src[1], src[2], src[4]})
	r.m.Events++
	r.m.Hits += micros
	if s.flags&visitPurchased == 0 {
		s.flags |= visitPurchased
		r.m.Visits++
	}
	r.vis.add(h)
	sh.touch(r)
}

// currency is the purchase's ISO 4217 code (cu, or ep.currency), upper
// case; (not set) when it has none or no three-letter one.
func currency(ps consentproxy.ParamSource, i int) string {
	v, ok := ps.Param(i, "cu")
	if !ok {
		v, ok = ps.Param(i, "ep.currency")
	}
	if !ok || len(v) != 3 {
		return PropNotSet
	}
	var b [3]byte
	for j := 0; j < 3; j++ {
		c := v[j]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			return PropNotSet
		}
		b[j] = c
	}
	return string(b[:]) // the registry copies what it admits
}
