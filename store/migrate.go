package store

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/consentproxy/consentproxy"
)

//go:embed migrations/*.sql.tmpl
var migrationFS embed.FS

// Migration is one numbered schema step, rendered for an engine.
type Migration struct {
	Version    uint32
	Name       string      // file name without extension, e.g. "001_aggregate_tables"
	Statements []Statement // run in order; each is idempotent
}

// Statement is one statement of a migration. Most are idempotent by
// themselves (IF NOT EXISTS, IF EXISTS); one that is not says when it has
// already run: a line "-- @unless-column <table> <column>" before it skips
// it where the table has the column (ClickHouse 18.16 has no ADD COLUMN IF
// NOT EXISTS), so a migration interrupted half-way can always run again.
type Statement struct {
	SQL string
	// UnlessTable and UnlessColumn: skip the statement when the table of the
	// migrated database already has the column.
	UnlessTable, UnlessColumn string
	// EachShard ("-- @each-shard") runs the statement, an ALTER of a
	// Replicated table written without ON CLUSTER, on one replica of each
	// shard (see Sharded), its guard checked on that replica.
	EachShard bool
}

// String is the statement as a dry run prints it.
func (s Statement) String() string {
	out := s.SQL
	if s.UnlessTable != "" {
		out = "-- @unless-column " + s.UnlessTable + " " + s.UnlessColumn + "\n" + out
	}
	if s.EachShard {
		out = "-- @each-shard\n" + out
	}
	return out
}

// Migrations renders every embedded migration for the given features and
// options, in version order. It is what Migrate applies and what a dry run
// prints.
func Migrations(f Features, o Options) ([]Migration, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql.tmpl")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	sort.Strings(names)
	data := newTemplateData(f, o)
	var out []Migration
	seen := map[uint32]string{}
	for _, file := range names {
		base := strings.TrimSuffix(path.Base(file), ".sql.tmpl")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil || v == 0 {
			return nil, fmt.Errorf("migrations: %s: name must start with a number and _", file)
		}
		if prev, dup := seen[uint32(v)]; dup {
			return nil, fmt.Errorf("migrations: %s and %s share version %d", prev, base, v)
		}
		seen[uint32(v)] = base
		src, err := migrationFS.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		tmpl, err := template.New(base).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", base, err)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, data); err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", base, err)
		}
		stmts, err := splitStatements(buf.String())
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", base, err)
		}
		out = append(out, Migration{Version: uint32(v), Name: base, Statements: stmts})
	}
	return out, nil
}

// splitStatements cuts a rendered script at the ";" that ends a line and drops
// "--" comment lines, but for "-- @unless-column" guards, which attach to the
// statement after them. Our templates never put ";" inside literals, so this
// simple rule is exact for them.
func splitStatements(script string) ([]Statement, error) {
	var out []Statement
	var cur strings.Builder
	var guard Statement
	for n, line := range strings.Split(script, "\n") {
		t := strings.TrimSpace(line)
		if g, ok := strings.CutPrefix(t, "-- @unless-column"); ok {
			// A guard that does not parse would leave its statement
			// unguarded, and an ALTER that runs twice fails: refuse it.
			f := strings.Fields(g)
			if len(f) != 2 || guard.UnlessTable != "" || cur.Len() > 0 {
				return nil, fmt.Errorf("line %d: want one \"-- @unless-column <table> <column>\" before a statement", n+1)
			}
			guard.UnlessTable, guard.UnlessColumn = f[0], f[1]
			continue
		}
		if t == "-- @each-shard" {
			if guard.EachShard || cur.Len() > 0 {
				return nil, fmt.Errorf("line %d: want one \"-- @each-shard\" before a statement", n+1)
			}
			guard.EachShard = true
			continue
		}
		if strings.HasPrefix(t, "--") || t == "" {
			continue
		}
		if strings.HasSuffix(t, ";") {
			cur.WriteString(strings.TrimSuffix(line, ";"))
			if guard.SQL = strings.TrimSpace(cur.String()); guard.SQL != "" {
				out = append(out, guard)
			} else if guard.UnlessTable != "" || guard.EachShard {
				return nil, fmt.Errorf("line %d: a guard without a statement", n+1)
			}
			cur.Reset()
			guard = Statement{}
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		guard.SQL = s
		out = append(out, guard)
	} else if guard.UnlessTable != "" || guard.EachShard {
		return nil, errors.New("a guard at the end, without a statement")
	}
	return out, nil
}

// templateData is all a migration template may ask: the deployment's
// names and the engine's features. Deliberately nothing about the tables:
// a migration spells out its own DDL, so that changing the Go code can
// never change what a released migration does (see TestMigrationsFrozen).
type templateData struct {
	DB        string // the database
	Cluster   string // the cluster name, "" on a single node
	OnCluster string // " ON CLUSTER <name>" for distributed DDL, else ""
	L         string // "_local" on a cluster (storage and Null tables per shard), else ""
	// Replicated selects Replicated engines (a cluster with Keeper).
	Replicated bool
	// StorageOnCluster and EachShard are how an ALTER of a storage table
	// runs: ON CLUSTER like every DDL, but with Replicated engines without
	// it, under an "-- @each-shard" line. 18.16 runs an ALTER … ON CLUSTER
	// of a Replicated table on one replica per shard, chosen by a race that
	// can crash the server (see Sharded).
	StorageOnCluster, EachShard string
	// TTL and RetentionDays: the engine has TTL (retention also runs as
	// partition drops everywhere).
	TTL           bool
	RetentionDays int64
	// Dim, Metric and UMetric are the column types of dimensions, signed
	// metrics and unsigned counts: LowCardinality and codecs where the
	// engine has them. MetricType and Codec are Metric's two parts, for
	// ADD COLUMN … DEFAULT 0, which goes between them.
	Dim, Metric, UMetric string
	MetricType, Codec    string
}

func newTemplateData(f Features, o Options) templateData {
	d := templateData{DB: o.Database, Cluster: o.Cluster, OnCluster: onCluster(o), Replicated: o.Replicated,
		TTL: f.TTL, RetentionDays: o.RetentionDays(), Dim: "String", Metric: "Int64", UMetric: "UInt64", MetricType: "Int64"}
	if o.Cluster != "" {
		d.L = "_local"
	}
	d.StorageOnCluster = d.OnCluster
	if eachShardDDL(o) {
		d.StorageOnCluster, d.EachShard = "", "-- @each-shard"
	}
	if f.LowCardinality {
		d.Dim = "LowCardinality(String)"
	}
	if f.Codecs {
		d.Codec = " CODEC(T64, LZ4)"
		d.Metric, d.UMetric = "Int64"+d.Codec, "UInt64"+d.Codec
	}
	return d
}

// InTable is the Null table whose materialized view feeds t's storage: T_in
// on a single node, T_in_local on each shard of a cluster. Adapters always
// insert into T_in (see InsertStatement), which on a cluster is the
// Distributed table sharding by instance over T_in_local.
func InTable(t consentproxy.Table, o Options) string {
	if o.Cluster != "" {
		return t.Name + "_in_local"
	}
	return t.Name + "_in"
}

// StorageTable is the MergeTree that physically holds t's rows: T on a single
// node, T_local on each shard of a cluster. DropBefore works on it; queries
// read T, which on a cluster is the Distributed table over T_local.
func StorageTable(t consentproxy.Table, o Options) string {
	if o.Cluster != "" {
		return t.Name + "_local"
	}
	return t.Name
}

// InsertStatement is the statement prefix an adapter hands its batch API
// for t: always with the explicit column list.
func InsertStatement(t consentproxy.Table, o Options) string {
	if o.Database == "" {
		o.Database = "consentproxy"
	}
	return fmt.Sprintf("INSERT INTO %s.%s (%s)", o.Database, t.Name+"_in", strings.Join(InsertColumns(t, o.UpTo), ", "))
}
