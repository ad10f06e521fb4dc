package chdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/chdb/internal/chdblib"
)

// Scheme is the DSN prefix this adapter answers to.
const Scheme = "chdb://"

// ErrLibraryMissing reports that libchdb.so is not installed; the error text
// names the setup command (scripts/fetch-chdb.sh).
var ErrLibraryMissing = chdblib.ErrLibraryMissing

// ErrOtherPath reports an Open of a second storage directory while a store
// on another one is open: chDB runs one directory per process.
var ErrOtherPath = chdblib.ErrOtherPath

// ErrClosed is returned by every method of a closed Store.
var ErrClosed = errors.New("chdb store is closed")

// Insert statements are cut so that one statement stays well below chDB's
// query-size limits and a huge batch does not hold the engine for long.
// (Variables so that tests can force small chunks.)
var (
	maxRowsPerInsert  = 10000
	maxBytesPerInsert = 8 << 20
)

// sessionSettings apply to every connection of a Store. session_timezone
// pins DateTime text to UTC whatever TZ the process runs in, so results
// match the server adapter's. The expression JIT is off: it maps generated
// code executable, which a W^X policy (systemd's MemoryDenyWriteExecute,
// PR_SET_MDWE) refuses, so that the fourth identical query failed with
// CANNOT_MPROTECT; the proxy's queries are small and gain nothing from it.
var sessionSettings = []string{"--session_timezone=UTC",
	"--compile_expressions=0", "--compile_aggregate_expressions=0", "--compile_sort_description=0"}

// Store is the embedded ClickHouse store. It holds two connections to the
// process's engine: a read-only one for Query (so a bound query can never
// write, whatever it says) and one for migrations and writes. Reads and
// writes therefore do not wait for each other.
type Store struct {
	rd, wr   *chdblib.Conn
	opts     store.Options
	version  string
	features store.Features

	mu     sync.RWMutex // guards closed against Close racing calls
	closed bool
}

// ParseDSN returns the storage directory of a "chdb://PATH" DSN. A relative
// PATH (chdb://./data/clickhouse, chdb://data) is relative to the working
// directory; chdb:///var/lib/x is absolute.
func ParseDSN(dsn string) (string, error) {
	path, ok := strings.CutPrefix(dsn, Scheme)
	if !ok {
		return "", fmt.Errorf("chdb dsn %q: want %sPATH", dsn, Scheme)
	}
	if path == "" {
		return "", fmt.Errorf("chdb dsn %q: empty path", dsn)
	}
	if strings.ContainsRune(path, 0) {
		return "", fmt.Errorf("chdb dsn: path contains a NUL byte")
	}
	return path, nil
}

// Open starts (or joins) the process's embedded engine on the directory of
// dsn, creates o.Database and applies every pending migration. Only one
// directory can be open per process; opening it again is cheap once the
// engine runs (milliseconds: no boot, migrations already recorded) and gives
// an independent Store.
func Open(ctx context.Context, dsn string, o store.Options) (*Store, error) {
	path, err := ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("open chdb: %w", err)
	}
	if o.Cluster != "" || o.Replicated {
		return nil, fmt.Errorf("open chdb: cluster mode needs a ClickHouse server (use a clickhouse:// DSN)")
	}
	o, err = o.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("open chdb: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open chdb: %w", err)
	}
	wr, err := chdblib.Connect(path, sessionSettings...)
	if err != nil {
		return nil, fmt.Errorf("open chdb: %w", err)
	}
	// readonly=1 rather than 2: it also refuses table functions such as
	// file() and url(), and SETTINGS clauses. Measured: under readonly=2
	// SELECT * FROM file('/etc/passwd') works.
	rd, err := chdblib.Connect(path, append([]string{"--readonly=1"}, sessionSettings...)...)
	if err != nil {
		wr.Close()
		return nil, fmt.Errorf("open chdb: %w", err)
	}
	s := &Store{rd: rd, wr: wr, opts: o}
	res, err := s.Query(ctx, "SELECT version()")
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open chdb: %w", err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		s.Close()
		return nil, fmt.Errorf("open chdb: SELECT version() returned %d rows", len(res.Rows))
	}
	s.version = res.Rows[0][0]
	s.features = store.FeaturesFor(s.version)
	if err := store.Migrate(ctx, s, s.features, o); err != nil {
		s.Close()
		return nil, fmt.Errorf("open chdb: %w", err)
	}
	// Queries name tables without a database ("FROM pages FINAL"), as
	// they do against a server whose DSN names the database. Each
	// connection is this Store's own, so USE affects nobody else.
	for _, c := range []*chdblib.Conn{s.wr, s.rd} {
		if _, err := s.run(ctx, c, "USE "+o.Database, "TabSeparated"); err != nil {
			s.Close()
			return nil, fmt.Errorf("open chdb: use %s: %w", o.Database, err)
		}
	}
	return s, nil
}

// Version is the engine's ClickHouse version (SELECT version()).
func (s *Store) Version() string { return s.version }

// Features are the schema features chosen for the engine's version.
func (s *Store) Features() store.Features { return s.features }

// Options are the store's options with defaults filled in.
func (s *Store) Options() store.Options { return s.opts }

// Path is the absolute storage directory.
func (s *Store) Path() string { return s.wr.Path() }

// run executes sql on c. The C call cannot be interrupted, so a context
// that ends first makes run return early while the statement finishes in
// the background; the write path is idempotent, so a caller retrying after
// such an error does no harm.
func (s *Store) run(ctx context.Context, c *chdblib.Conn, sql, format string) ([]byte, error) {
	return s.do(ctx, func() ([]byte, error) { return c.Query(sql, format) })
}

// do runs f, which calls into chDB, under the store's close guard and the
// context (see run).
func (s *Store) do(ctx context.Context, f func() ([]byte, error)) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ctx.Done() == nil {
		return f()
	}
	type reply struct {
		out []byte
		err error
	}
	ch := make(chan reply, 1)
	go func() {
		out, err := f()
		ch <- reply{out, err}
	}()
	select {
	case r := <-ch:
		return r.out, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Exec runs one statement that returns no rows (store.Engine).
func (s *Store) Exec(ctx context.Context, sql string) error {
	if _, err := s.run(ctx, s.wr, sql, "TabSeparated"); err != nil {
		return fmt.Errorf("chdb exec: %w", err)
	}
	return nil
}

// Query runs a read-only SELECT with "?" placeholders bound client-side by
// store.Bind, on the read-only connection. Values are rendered as text by
// store.RenderValue's rules, identical to the server adapter.
func (s *Store) Query(ctx context.Context, sql string, args ...any) (consentproxy.Result, error) {
	bound, err := store.Bind(sql, args...)
	if err != nil {
		return consentproxy.Result{}, fmt.Errorf("chdb query: %w", err)
	}
	out, err := s.do(ctx, func() ([]byte, error) {
		if err := checkReadOnly(s.rd, bound); err != nil {
			return nil, err
		}
		return s.rd.Query(bound, "TabSeparatedWithNamesAndTypes")
	})
	if err != nil {
		return consentproxy.Result{}, fmt.Errorf("chdb query: %w", err)
	}
	res, err := decodeResult(out)
	if err != nil {
		return consentproxy.Result{}, fmt.Errorf("chdb query: decode result: %w", err)
	}
	return res, nil
}

// checkReadOnly lets through exactly one statement that chDB's own parser
// classifies as read-only. The read-only connection alone is not enough:
// "SELECT … INTO OUTFILE" writes a file even under readonly=1, and a
// multi-statement text would return the outputs of all statements glued
// together. Engines without the classifier (before 26.7.2) rely on the
// read-only connection.
func checkReadOnly(c *chdblib.Conn, sql string) error {
	a, err := c.Classify(sql)
	switch {
	case errors.Is(err, chdblib.ErrNoClassifier):
		return nil
	case err != nil:
		return err
	case a.Class == chdblib.ClassUnknown:
		return nil // a syntax error: let the engine report it precisely
	case a.Statements != 1:
		return fmt.Errorf("%d statements; Query runs exactly one", a.Statements)
	case a.Class != chdblib.ClassReadOnly:
		return errors.New("not a read-only statement; Query only reads")
	}
	return nil
}

// decodeResult turns TabSeparatedWithNamesAndTypes output into a Result.
func decodeResult(out []byte) (consentproxy.Result, error) {
	var res consentproxy.Result
	rows, err := splitTSV(out)
	if err != nil {
		return res, err
	}
	if len(rows) == 0 {
		return res, nil // a statement without a result set
	}
	if len(rows) < 2 || len(rows[0]) != len(rows[1]) {
		return res, errors.New("missing names or types header")
	}
	res.Columns = make([]string, len(rows[0]))
	types := make([]string, len(rows[1]))
	for i := range rows[0] {
		if res.Columns[i], err = unescapeTSV(rows[0][i]); err != nil {
			return res, fmt.Errorf("column %d name: %w", i+1, err)
		}
		if types[i], err = unescapeTSV(rows[1][i]); err != nil {
			return res, fmt.Errorf("column %d type: %w", i+1, err)
		}
	}
	res.Rows = make([][]string, 0, len(rows)-2)
	for r, fields := range rows[2:] {
		if len(fields) != len(types) {
			return res, fmt.Errorf("row %d: %d fields, want %d", r+1, len(fields), len(types))
		}
		row := make([]string, len(fields))
		for i, f := range fields {
			if row[i], err = renderField(types[i], f); err != nil {
				return res, fmt.Errorf("row %d column %s: %w", r+1, res.Columns[i], err)
			}
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// Write inserts the batch into each table's T_in; the materialized views
// and ReplacingMergeTree(version) make that idempotent (see schema.md).
// Big tables are split into several statements.
func (s *Store) Write(ctx context.Context, b consentproxy.Batch) error {
	if err := store.CheckBatchAt(b, s.opts.UpTo); err != nil {
		return fmt.Errorf("chdb write: %w", err)
	}
	for _, tr := range b.Tables {
		stmts, err := insertStatements(s.opts, b.Instance, b.Version, tr)
		if err != nil {
			return fmt.Errorf("chdb write: %w", err)
		}
		for _, st := range stmts {
			if err := s.Exec(ctx, st.sql); err != nil {
				return fmt.Errorf("chdb write: %s rows %d-%d: %w", tr.Table.Name, st.first, st.last, err)
			}
		}
	}
	return nil
}

type insert struct {
	sql         string
	first, last int // row range, for error messages
}

// insertStatements renders one table's rows as "INSERT … FORMAT
// TabSeparated" statements with inline data, cut by maxRowsPerInsert and
// maxBytesPerInsert (every statement holds at least one row).
func insertStatements(o store.Options, instance string, version uint64, tr consentproxy.TableRows) ([]insert, error) {
	t, ok := consentproxy.TableByName(tr.Table.Name)
	if !ok {
		return nil, fmt.Errorf("unknown table %q", tr.Table.Name)
	}
	head := store.InsertStatement(t, o) + " FORMAT TabSeparated\n"
	var out []insert
	var buf []byte
	for start := 0; start < len(tr.Rows); {
		buf = append(buf[:0], head...)
		n := 0
		for start+n < len(tr.Rows) && (n == 0 || n < maxRowsPerInsert && len(buf) < maxBytesPerInsert) {
			var err error
			buf, err = appendTSVRow(buf, store.RowValues(t, o.UpTo, instance, version, tr.Rows[start+n]))
			if err != nil {
				return nil, fmt.Errorf("%s row %d: %w", t.Name, start+n, err)
			}
			n++
		}
		out = append(out, insert{sql: string(buf), first: start, last: start + n - 1})
		start += n
	}
	return out, nil
}

// DropBefore drops every month of data entirely older than t.
func (s *Store) DropBefore(ctx context.Context, t time.Time) error {
	if err := store.DropBefore(ctx, s, s.opts, t); err != nil {
		return fmt.Errorf("chdb: %w", err)
	}
	return nil
}

// Rollup derives the daily and monthly rollups of [from, to) (see
// store.Rollup).
func (s *Store) Rollup(ctx context.Context, from, to time.Time, version uint64) error {
	if err := store.Rollup(ctx, s, s.opts, from, to, version); err != nil {
		return fmt.Errorf("chdb: %w", err)
	}
	return nil
}

// StaleDays lists the days of [from, to) whose rollups are out of date.
func (s *Store) StaleDays(ctx context.Context, from, to time.Time) ([]time.Time, error) {
	days, err := store.StaleDays(ctx, s, s.opts, from, to)
	if err != nil {
		return nil, fmt.Errorf("chdb: %w", err)
	}
	return days, nil
}

// Ping runs a trivial query on both connections.
func (s *Store) Ping(ctx context.Context) error {
	for _, c := range []*chdblib.Conn{s.rd, s.wr} {
		out, err := s.run(ctx, c, "SELECT 1", "TabSeparated")
		if err != nil {
			return fmt.Errorf("chdb ping: %w", err)
		}
		if !bytes.Equal(out, []byte("1\n")) {
			return fmt.Errorf("chdb ping: unexpected answer %q", out)
		}
	}
	return nil
}

// Close closes the store's connections. The engine stays up for the life of
// the process so that stores can be reopened cheaply (see chdblib).
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return errors.Join(s.rd.Close(), s.wr.Close())
}

var (
	_ consentproxy.Store   = (*Store)(nil)
	_ consentproxy.Rollups = (*Store)(nil)
	_ store.Engine         = (*Store)(nil)
)
