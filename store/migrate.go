package store

import (
	"bytes"
	"embed"
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
	Name       string   // file name without extension, e.g. "001_aggregate_tables"
	Statements []string // run in order; each is idempotent (IF NOT EXISTS)
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
		out = append(out, Migration{Version: uint32(v), Name: base, Statements: splitStatements(buf.String())})
	}
	return out, nil
}

// splitStatements cuts a rendered script at the ";" that ends a line and drops
// "--" comment lines. Our templates never put ";" inside literals, so this
// simple rule is exact for them.
func splitStatements(script string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(script, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "--") || t == "" {
			continue
		}
		if strings.HasSuffix(t, ";") {
			cur.WriteString(strings.TrimSuffix(line, ";"))
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

type templateData struct {
	DB, Cluster, OnCluster string
	TTL                    bool
	RetentionDays          int64
	Tables                 []tableData
	Rollups                []rollupData
}

type tableData struct {
	Name, In, Storage string
	Visitors          bool
	InColumns         string
	StorageColumns    string
	Engine, Key       string
	Select, GroupBy   string
}

func newTemplateData(f Features, o Options) templateData {
	d := templateData{DB: o.Database, Cluster: o.Cluster, TTL: f.TTL, RetentionDays: o.RetentionDays()}
	d.OnCluster = onCluster(o)
	for _, t := range consentproxy.Tables() {
		td := tableData{Name: t.Name, In: InTable(t, o), Storage: StorageTable(t, o), Visitors: t.Visitors}
		str, dim := "String", "String"
		if f.LowCardinality {
			dim = "LowCardinality(String)"
		}
		metric := "Int64"
		if f.Codecs {
			metric = "Int64 CODEC(T64, LZ4)"
		}
		var in, st []string
		in = append(in, "site "+str, "hour DateTime('UTC')")
		st = append(st, "site "+dim, "hour DateTime('UTC')")
		for _, d := range t.Dims {
			in = append(in, d+" "+str)
			st = append(st, d+" "+dim)
		}
		in = append(in, "instance String", "version UInt64")
		st = append(st, "instance "+str, "version UInt64")
		for _, m := range metricColumns {
			in = append(in, m+" Int64")
			st = append(st, m+" "+metric)
		}
		key := append(append([]string{"site", "hour"}, t.Dims...), "instance")
		sel := append(append([]string(nil), key[:len(key)-1]...), "instance", "version")
		sel = append(sel, metricColumns...)
		group := append([]string(nil), sel...)
		if t.Visitors {
			in = append(in, "visitor_hashes Array(UInt64)")
			st = append(st, "visitors AggregateFunction(uniqArray, Array(UInt64))")
			sel = append(sel, "uniqArrayState(visitor_hashes) AS visitors")
		}
		td.InColumns = "    " + strings.Join(in, ",\n    ")
		td.StorageColumns = "    " + strings.Join(st, ",\n    ")
		td.Key = strings.Join(key, ", ")
		td.Select = strings.Join(sel, ", ")
		td.GroupBy = strings.Join(group, ", ")
		td.Engine = replacingEngine(o, td.Storage)
		d.Tables = append(d.Tables, td)
		for _, g := range Grains {
			d.Rollups = append(d.Rollups, newRollupData(t, g, o, dim, metric))
		}
	}
	return d
}

// replacingEngine keeps the newest version per key, replicated when asked.
func replacingEngine(o Options, storage string) string {
	if o.Replicated {
		return fmt.Sprintf("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/%s/%s', '{replica}', version)", o.Database, storage)
	}
	return "ReplacingMergeTree(version)"
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
	return fmt.Sprintf("INSERT INTO %s.%s (%s)", o.Database, t.Name+"_in", strings.Join(InsertColumns(t), ", "))
}
