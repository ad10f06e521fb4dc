package consentproxy

import (
	"context"
	"time"
)

// Metrics are the additive counters of one aggregate row. They are signed
// because a session's bounce is taken back when its second pageview arrives.
type Metrics struct {
	Hits       int64 // hits counted (outcomes, consent choices)
	Pageviews  int64
	Events     int64 // every event, page_view included
	Visits     int64 // sessions started
	Bounces    int64 // sessions with a single pageview (net of corrections)
	DurationMS int64 // session duration: time from a visit's first hit to its last, summed
	// EngagementMS is gtag's engagement time (_et: the page visible and
	// focused), summed over the row's events. Since migration 003.
	EngagementMS int64
}

// MetricColumn is one counter of Metrics as stored.
type MetricColumn struct {
	Name  string                // the column in every aggregate and rollup table
	Field func(*Metrics) *int64 // where it lives in Metrics
	// Since is the schema migration that added the column (1: the first
	// schema). A store pinned to an older schema (a rolling upgrade's old
	// side) writes only the columns it has.
	Since uint32
}

// MetricColumns are the Metrics fields in schema order: the one list the
// store's columns, the spool format and the tests derive from. A new metric is appended here (Since ascending), to
// Metrics, and to the schema by a new migration.
var MetricColumns = []MetricColumn{
	{"hits", func(m *Metrics) *int64 { return &m.Hits }, 1},
	{"pageviews", func(m *Metrics) *int64 { return &m.Pageviews }, 1},
	{"events", func(m *Metrics) *int64 { return &m.Events }, 1},
	{"visits", func(m *Metrics) *int64 { return &m.Visits }, 1},
	{"bounces", func(m *Metrics) *int64 { return &m.Bounces }, 1},
	{"duration_ms", func(m *Metrics) *int64 { return &m.DurationMS }, 1},
	{"engagement_ms", func(m *Metrics) *int64 { return &m.EngagementMS }, 3},
}

// Add adds m2 to m.
func (m *Metrics) Add(m2 Metrics) {
	m.Hits += m2.Hits
	m.Pageviews += m2.Pageviews
	m.Events += m2.Events
	m.Visits += m2.Visits
	m.Bounces += m2.Bounces
	m.DurationMS += m2.DurationMS
	m.EngagementMS += m2.EngagementMS
}

// Row is the cumulative state of one (site, hour, dims) key as seen by one proxy
// instance. Rows are written again, with a higher batch version, whenever the
// key changes; the store keeps only the newest version per (instance, key).
// That makes every write idempotent: a retried or replayed batch can never
// count twice.
type Row struct {
	Site    string
	Hour    time.Time // UTC, truncated to the hour
	Dims    []string  // one value per Table.Dims
	Metrics Metrics
	// Visitors are table-keyed, daily-salted visitor hashes (see the aggregate
	// package). They pass through the engine only to build a uniq state and are
	// never stored as values.
	Visitors []uint64
}

// TableRows groups the rows of one table in a batch.
type TableRows struct {
	Table Table
	Rows  []Row
}

// Batch is one flush of one proxy instance.
type Batch struct {
	// Instance identifies the writing process (random per start). Rows of
	// different instances add up; rows of one instance replace each other.
	Instance string
	// Version increases with every flush of an instance; for a key, the row
	// with the highest version wins.
	Version uint64
	Tables  []TableRows
}

// Len is the number of rows in the batch.
func (b *Batch) Len() int {
	n := 0
	for _, t := range b.Tables {
		n += len(t.Rows)
	}
	return n
}

// Result is a query's answer, every value rendered as text so that both engines
// give identical results.
type Result struct {
	Columns []string
	Rows    [][]string
}

// Store keeps the aggregate tables. Implementations: store/chdb (embedded
// ClickHouse) and store/clickhouse (a server or cluster). Both must pass
// store/storetest.
type Store interface {
	// Write stores a batch. It must be idempotent: writing a batch that was
	// already written, wholly or partly, leaves every total unchanged.
	Write(ctx context.Context, b Batch) error
	// Query runs a read-only SELECT. Placeholders are "?", bound by the engine
	// adapter from args (string, int64, uint64, time.Time, []string), never by
	// string concatenation of user input.
	Query(ctx context.Context, sql string, args ...any) (Result, error)
	// DropBefore removes every partition whose data is entirely older than t.
	DropBefore(ctx context.Context, t time.Time) error
	// Ping reports whether the engine is usable.
	Ping(ctx context.Context) error
	Close() error
}

// Rollups is what a Store offers when it keeps daily and monthly rollups of
// the hourly tables, which both adapters do. Long-range queries read them;
// the rollup package decides when they are derived and up to when they may
// be read.
type Rollups interface {
	// Rollup derives the daily rollups of the UTC days in [from, to) from
	// the hourly tables, then the monthly rollups of the months they touch.
	// from and to are UTC midnights; version must grow between calls.
	Rollup(ctx context.Context, from, to time.Time, version uint64) error
	// StaleDays lists the UTC days in [from, to) whose rollups no longer
	// match the hourly tables.
	StaleDays(ctx context.Context, from, to time.Time) ([]time.Time, error)
}
