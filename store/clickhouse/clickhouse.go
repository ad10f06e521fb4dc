// Package clickhouse stores consentproxy's aggregates in a ClickHouse server
// or cluster over clickhouse-go's native protocol. The schema, migrations,
// retention and result rendering come from package store; this package only
// connects and moves rows.
package clickhouse

import (
	"context"

	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
)

// Store is a consentproxy.Store on a ClickHouse server.
type Store struct {
	conn     driver.Conn
	cfg      Config
	opts     store.Options
	version  string
	features store.Features
}

var (
	_ consentproxy.Store   = (*Store)(nil)
	_ consentproxy.Rollups = (*Store)(nil)
)

// Open connects to the server named by dsn (see ParseDSN), creates the
// database if missing, detects the server's features and migrates the
// schema. The database is o.Database, else the DSN's path, else
// "consentproxy". It fails fast with a clear error when the server cannot be
// reached, instead of letting the first flush discover it.
func Open(ctx context.Context, dsn string, o store.Options) (*Store, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("open clickhouse: %w", err)
	}
	if o.Database == "" {
		o.Database = cfg.Database
	}
	o, err = o.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("open clickhouse: %w", err)
	}
	// Bootstrap without a default database: it may not exist yet.
	addrs := cfg.Driver.Addr
	nodes := [][]string{addrs}
	if o.LocalDDL {
		// Without distributed DDL every node is migrated on its own.
		nodes = nodes[:0]
		for _, a := range addrs {
			nodes = append(nodes, []string{a})
		}
	}
	var version string
	for _, node := range nodes {
		v, err := migrateNode(ctx, cfg, node, o)
		if err != nil {
			return nil, fmt.Errorf("open clickhouse: %w", err)
		}
		if version == "" {
			version = v
		}
	}
	drv := *cfg.Driver
	drv.Auth.Database = o.Database
	conn, err := ch.Open(&drv)
	if err != nil {
		return nil, fmt.Errorf("open clickhouse: %w", err)
	}
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open clickhouse: ping %s: %w", strings.Join(addrs, ","), err)
	}
	return &Store{conn: conn, cfg: cfg, opts: o, version: version, features: store.FeaturesFor(version)}, nil
}

// migrateNode applies the migrations on the node(s) addrs and returns the
// server version.
func migrateNode(ctx context.Context, cfg Config, addrs []string, o store.Options) (string, error) {
	e, version, err := bootstrapConn(ctx, cfg, addrs)
	if err != nil {
		return "", err
	}
	defer e.conn.Close()
	if err := store.Migrate(ctx, e, store.FeaturesFor(version), o); err != nil {
		return "", fmt.Errorf("%s: %w", strings.Join(addrs, ","), err)
	}
	return version, nil
}

// bootstrapConn connects to addrs with one connection and no default
// database (it may not exist yet), and reads the server version. The
// caller closes e.conn.
func bootstrapConn(ctx context.Context, cfg Config, addrs []string) (e engine, version string, err error) {
	drv := *cfg.Driver
	drv.Addr = addrs
	drv.Auth.Database = ""
	drv.MaxOpenConns, drv.MaxIdleConns = 1, 1
	conn, err := ch.Open(&drv)
	if err != nil {
		return e, "", err
	}
	where := strings.Join(addrs, ",")
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return e, "", fmt.Errorf("ping %s: %w", where, err)
	}
	e = engine{conn: conn, cfg: &cfg}
	res, err := e.Query(ctx, "SELECT version()")
	if err != nil || len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		conn.Close()
		return e, "", fmt.Errorf("%s: read server version: %v", where, err)
	}
	return e, res.Rows[0][0], nil
}

// Version is the server's version string; Features what the schema uses of it.
func (s *Store) Version() string { return s.version }

// Features are the optional ClickHouse features the schema uses on this server.
func (s *Store) Features() store.Features { return s.features }

// Options are the effective options, defaults filled in.
func (s *Store) Options() store.Options { return s.opts }

// Write inserts the batch, one native batch per table, into the tables'
// T_in with the explicit column list (18.16 needs it). A failure can leave
// some tables written: the caller retries the whole batch, which the
// ReplacingMergeTree makes harmless.
func (s *Store) Write(ctx context.Context, b consentproxy.Batch) error {
	if err := store.CheckBatchAt(b, s.opts.UpTo); err != nil {
		return fmt.Errorf("clickhouse write: %w", err)
	}
	if s.opts.Cluster != "" {
		// Return only once every shard has its rows, so that a failed
		// write is reported to the caller (and retried) rather than
		// queued in a Distributed table's spool on one node.
		ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"insert_distributed_sync": 1}))
	}
	for _, tr := range b.Tables {
		if len(tr.Rows) == 0 {
			continue
		}
		t, _ := consentproxy.TableByName(tr.Table.Name)
		if err := s.writeTable(ctx, t, b, tr.Rows); err != nil {
			return fmt.Errorf("clickhouse write %s: %w", t.Name, err)
		}
	}
	return nil
}

func (s *Store) writeTable(ctx context.Context, t consentproxy.Table, b consentproxy.Batch, rows []consentproxy.Row) error {
	batch, err := s.conn.PrepareBatch(ctx, store.InsertStatement(t, s.opts))
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := batch.Append(store.RowValues(t, s.opts.UpTo, b.Instance, b.Version, r)...); err != nil {
			_ = batch.Abort()
			return err
		}
	}
	return batch.Send()
}

// Query runs a read-only query (readonly=2: settings may change, data and
// schema may not) and renders every value as text (see store.RenderValue).
// Placeholders are bound by clickhouse-go, which quotes strings and skips
// "?" inside literals and comments.
func (s *Store) Query(ctx context.Context, query string, args ...any) (consentproxy.Result, error) {
	ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"readonly": 2}))
	res, err := engine{conn: s.conn}.Query(ctx, query, args...)
	if err != nil {
		return res, fmt.Errorf("clickhouse query: %w", err)
	}
	return res, nil
}

// DropBefore drops every month of data that ends at or before t.
func (s *Store) DropBefore(ctx context.Context, t time.Time) error {
	if !s.opts.LocalDDL {
		if err := store.DropBefore(ctx, s.engine(), s.opts, t); err != nil {
			return fmt.Errorf("clickhouse: %w", err)
		}
		return nil
	}
	for _, addr := range s.cfg.Driver.Addr {
		err := s.onNode(ctx, addr, func(e store.Engine) error { return store.DropBefore(ctx, e, s.opts, t) })
		if err != nil {
			return fmt.Errorf("clickhouse %s: %w", addr, err)
		}
	}
	return nil
}

func (s *Store) onNode(ctx context.Context, addr string, f func(store.Engine) error) error {
	drv := *s.cfg.Driver
	drv.Addr = []string{addr}
	drv.MaxOpenConns, drv.MaxIdleConns = 1, 1
	conn, err := ch.Open(&drv)
	if err != nil {
		return err
	}
	defer conn.Close()
	return f(engine{conn: conn})
}

// Rollup derives the daily and monthly rollups of [from, to) (see
// store.Rollup). On a cluster the rows go through the Distributed rollup
// tables synchronously, so that a rollup reported done is readable.
func (s *Store) Rollup(ctx context.Context, from, to time.Time, version uint64) error {
	if s.opts.Cluster != "" {
		ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"insert_distributed_sync": 1}))
	}
	if err := store.Rollup(ctx, engine{conn: s.conn}, s.opts, from, to, version); err != nil {
		return fmt.Errorf("clickhouse: %w", err)
	}
	return nil
}

// StaleDays lists the days of [from, to) whose rollups are out of date.
func (s *Store) StaleDays(ctx context.Context, from, to time.Time) ([]time.Time, error) {
	days, err := store.StaleDays(ctx, engine{conn: s.conn}, s.opts, from, to)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: %w", err)
	}
	return days, nil
}

// Ping checks that the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.conn.Ping(ctx); err != nil {
		return fmt.Errorf("clickhouse ping: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.conn.Close() }

// Engine exposes the store's connection to the shared schema code (for the
// `migrate` command and tests).
func (s *Store) Engine() store.Engine { return s.engine() }

func (s *Store) engine() engine { return engine{conn: s.conn, cfg: &s.cfg} }

// engine adapts a clickhouse-go connection to store.Engine. cfg, when set,
// lets it reach each shard of a cluster (store.Sharded).
type engine struct {
	conn driver.Conn
	cfg  *Config
}

func (e engine) Exec(ctx context.Context, sql string) error { return e.conn.Exec(ctx, sql) }

func (e engine) Query(ctx context.Context, sql string, args ...any) (consentproxy.Result, error) {
	// clickhouse-go binds a time in its own zone, which the server may not
	// know (a FixedZone, say); the schema is UTC anyway.
	args = slices.Clone(args)
	for i, a := range args {
		if tm, ok := a.(time.Time); ok {
			args[i] = tm.UTC()
		}
	}
	rows, err := e.conn.Query(ctx, sql, args...)
	if err != nil {
		return consentproxy.Result{}, err
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	res := consentproxy.Result{Columns: rows.Columns()}
	dest := make([]any, len(types))
	for i, ct := range types {
		st := ct.ScanType()
		if st == nil {
			return res, fmt.Errorf("column %s: type %s cannot be read", ct.Name(), ct.DatabaseTypeName())
		}
		dest[i] = reflect.New(st).Interface()
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return res, err
		}
		row := make([]string, len(dest))
		for i, d := range dest {
			v := reflect.ValueOf(d).Elem().Interface()
			row[i] = render(types[i].DatabaseTypeName(), v)
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// render applies store.RenderValue, except that a Date arrives as a
// time.Time and must print as a date.
func render(dbType string, v any) string {
	base := strings.TrimSuffix(strings.TrimPrefix(dbType, "Nullable("), ")")
	if strings.HasPrefix(base, "Array(") {
		return store.RenderArray(v)
	}
	if base == "Date" || base == "Date32" {
		switch t := v.(type) {
		case time.Time:
			return store.RenderDate(t)
		case *time.Time:
			if t == nil {
				return store.NullText
			}
			return store.RenderDate(*t)
		}
	}
	return store.RenderValue(v)
}
