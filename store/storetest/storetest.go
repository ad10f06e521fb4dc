// Package storetest is the conformance suite every consentproxy.Store must
// pass. It runs against real engines only: its point is to prove that the
// chDB library and a ClickHouse server keep identical tables and give
// byte-identical answers, which no mock could show.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// Run runs the suite. open must return a store on a fresh, empty database
// of its own (and arrange its clean-up with t.Cleanup); it is called once per
// subtest.
func Run(t *testing.T, open func(t *testing.T) consentproxy.Store) {
	t.Run("SchemaMatchesDomain", func(t *testing.T) { testSchemaMatchesDomain(t, open(t)) })
	t.Run("RoundTripEveryTable", func(t *testing.T) { testRoundTrip(t, open(t)) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, open(t)) })
	t.Run("InstancesAddUp", func(t *testing.T) { testInstances(t, open(t)) })
	t.Run("UniqVisitorsMerge", func(t *testing.T) { testUniq(t, open(t)) })
	t.Run("HostileDimValues", func(t *testing.T) { testHostileDims(t, open(t)) })
	t.Run("QueryBinding", func(t *testing.T) { testBinding(t, open(t)) })
	t.Run("QueryIsReadOnly", func(t *testing.T) { testReadOnly(t, open(t)) })
	t.Run("Rendering", func(t *testing.T) { testRendering(t, open(t)) })
	t.Run("Retention", func(t *testing.T) { testRetention(t, open(t)) })
	t.Run("Rollups", func(t *testing.T) { testRollups(t, open(t)) })
	t.Run("BadInput", func(t *testing.T) { testBadInput(t, open(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testConcurrent(t, open(t)) })
	t.Run("Ping", func(t *testing.T) {
		s := open(t)
		if err := s.Ping(ctx(t)); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

// Retention is the suite's retention test on its own, for a store whose
// fresh database is costly to make (a Replicated cluster): s must be empty.
func Retention(t *testing.T, s consentproxy.Store) { testRetention(t, s) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// baseHour is two days ago on the hour: recent enough that no retention TTL
// touches it, old enough never to be "now".
func baseHour() time.Time { return time.Now().UTC().Truncate(time.Hour).Add(-48 * time.Hour) }

func write(t *testing.T, s consentproxy.Store, b consentproxy.Batch) {
	t.Helper()
	if err := s.Write(ctx(t), b); err != nil {
		t.Fatalf("Write(instance %s, version %d): %v", b.Instance, b.Version, err)
	}
}

func query(t *testing.T, s consentproxy.Store, q string, args ...any) consentproxy.Result {
	t.Helper()
	res, err := s.Query(ctx(t), q, args...)
	if err != nil {
		t.Fatalf("Query(%q): %v", q, err)
	}
	return res
}

// rows renders a result's rows as lines of tab-joined values, for compact
// exact comparison with expected text.
func rows(r consentproxy.Result) []string {
	out := make([]string, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = strings.Join(row, "\t")
	}
	return out
}

func wantRows(t *testing.T, what string, got consentproxy.Result, want ...string) {
	t.Helper()
	g := rows(got)
	if !slices.Equal(g, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, g, want)
	}
}

// totalsQuery sums every metric (and merges visitors) of table tb for a site.
func totalsQuery(tb consentproxy.Table) string {
	var sums []string
	for _, c := range consentproxy.MetricColumns {
		sums = append(sums, "sum("+c.Name+")")
	}
	q := "SELECT " + strings.Join(sums, ", ")
	if tb.Visitors {
		q += ", uniqArrayMerge(visitors)"
	}
	return q + " FROM " + tb.Name + " FINAL WHERE site = ?"
}

func totalsLine(tb consentproxy.Table, m consentproxy.Metrics, visitors int) string {
	var vals []string
	for _, c := range consentproxy.MetricColumns {
		vals = append(vals, strconv.FormatInt(*c.Field(&m), 10))
	}
	s := strings.Join(vals, "\t")
	if tb.Visitors {
		s += "\t" + strconv.Itoa(visitors)
	}
	return s
}

// metricsFor derives distinct, signed metrics from a seed so that a swapped
// column or a lost row changes the totals.
func metricsFor(seed int64) consentproxy.Metrics {
	return consentproxy.Metrics{Hits: seed*7 + 1, Pageviews: seed*3 + 2, Events: seed*11 + 3,
		Visits: seed + 4, Bounces: seed%3 - 1, DurationMS: seed*1000 + 5, EngagementMS: seed*700 + 6}
}

func dimsFor(tb consentproxy.Table, k int) []string {
	d := make([]string, len(tb.Dims))
	for i, name := range tb.Dims {
		d[i] = fmt.Sprintf("%s-%d", name, (k+i)%3)
	}
	return d
}

func visitorsFor(tb consentproxy.Table, from, n int) []uint64 {
	if !tb.Visitors {
		return nil
	}
	v := make([]uint64, n)
	for i := range v {
		// Spread over the whole range, as real hashes are.
		v[i] = uint64(from+i) * 0x9E3779B97F4A7C15
	}
	return v
}

func distinct(lists ...[]uint64) int {
	seen := map[uint64]bool{}
	for _, l := range lists {
		for _, v := range l {
			seen[v] = true
		}
	}
	return len(seen)
}
