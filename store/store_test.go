package store

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

func TestFeaturesFor(t *testing.T) {
	all := Features{LowCardinality: true, TTL: true, Codecs: true}
	cases := map[string]Features{
		"18.16.1":    {},
		"19.17.4.11": {},
		"20.1.2.4":   all,
		"21.8":       all,
		"26.7.2.1":   all,
		"":           {},
		"garbage":    {},
		"x.y":        {},
		" 26.7.2.1":  all,
	}
	for v, want := range cases {
		if got := FeaturesFor(v); got != want {
			t.Errorf("FeaturesFor(%q) = %+v, want %+v", v, got, want)
		}
	}
}

func TestOptionsDefaults(t *testing.T) {
	o, err := Options{}.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.Database != "consentproxy" || o.Cluster != "" || o.Replicated || o.LockStale != DefaultLockStale {
		t.Errorf("defaults: %+v", o)
	}
	// 25 months of 30.44 days.
	if days := o.Retention.Hours() / 24; days < 760 || days > 762 {
		t.Errorf("default retention %v days, want ≈ 761", days)
	}
	if o.RetentionDays() != 761 {
		t.Errorf("RetentionDays = %d", o.RetentionDays())
	}
	if d := (Options{Retention: 36 * time.Hour}).RetentionDays(); d != 2 {
		t.Errorf("36h rounds up to %d days, want 2", d)
	}
	for _, bad := range []Options{
		{Database: "a-b"}, {Database: "x; DROP"}, {Database: "1db"}, {Cluster: "c l"},
		{Replicated: true}, {LocalDDL: true}, {Retention: time.Hour},
	} {
		if _, err := bad.WithDefaults(); err == nil {
			t.Errorf("WithDefaults(%+v) accepted", bad)
		}
	}
}

func TestInsertColumnsMatchRowValues(t *testing.T) {
	h := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	for _, tb := range consentproxy.Tables() {
		cols := InsertColumns(tb, 0)
		r := consentproxy.Row{Site: "s", Hour: h, Dims: make([]string, len(tb.Dims)), Metrics: consentproxy.Metrics{Hits: 1, DurationMS: 6, EngagementMS: 7}}
		vals := RowValues(tb, 0, "inst", 9, r)
		// Pinned at migration 2, the columns are those the release that
		// shipped 002 inserted: no engagement_ms.
		old, oldVals := InsertColumns(tb, 2), RowValues(tb, 2, "inst", 9, r)
		if slices.Contains(old, "engagement_ms") || len(old) != len(cols)-1 || len(oldVals) != len(old) {
			t.Errorf("%s at schema 2: columns %v, %d values", tb.Name, old, len(oldVals))
		}
		if !slices.Contains(cols, "engagement_ms") || vals[slices.Index(cols, "engagement_ms")] != int64(7) {
			t.Errorf("%s: engagement_ms missing or misplaced: %v %v", tb.Name, cols, vals)
		}
		if len(cols) != len(vals) {
			t.Fatalf("%s: %d columns, %d values", tb.Name, len(cols), len(vals))
		}
		byName := map[string]any{}
		for i, c := range cols {
			byName[c] = vals[i]
		}
		if byName["site"] != "s" || byName["instance"] != "inst" || byName["version"] != uint64(9) ||
			byName["hits"] != int64(1) || byName["duration_ms"] != int64(6) || byName["hour"] != h {
			t.Errorf("%s: values misplaced: %v", tb.Name, byName)
		}
		_, hasVis := byName["visitor_hashes"]
		if hasVis != tb.Visitors {
			t.Errorf("%s: visitor_hashes present = %v, want %v", tb.Name, hasVis, tb.Visitors)
		}
		if tb.Visitors && byName["visitor_hashes"] == nil {
			t.Errorf("%s: nil visitors must be sent as an empty array", tb.Name)
		}
		if !slices.Equal(cols[2:2+len(tb.Dims)], tb.Dims) {
			t.Errorf("%s: dims %v not in key order %v", tb.Name, cols, tb.Dims)
		}
	}
}

// MetricColumns(upTo) must be a prefix of the domain's list, so Since has to
// ascend; and every migration a column names must exist.
func TestMetricColumnsSince(t *testing.T) {
	migs, err := Migrations(Features{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := migs[len(migs)-1].Version
	prev := uint32(1)
	for _, c := range consentproxy.MetricColumns {
		if c.Since < prev || c.Since > last {
			t.Errorf("%s: Since %d after %d, or beyond the last migration %d", c.Name, c.Since, prev, last)
		}
		prev = c.Since
	}
	if n := len(MetricColumns(0)); n != len(consentproxy.MetricColumns) {
		t.Errorf("MetricColumns(0) has %d columns", n)
	}
	if n := len(MetricColumns(1)); n != 6 {
		t.Errorf("MetricColumns(1) has %d columns, want the first schema's 6", n)
	}
}

func TestCheckBatch(t *testing.T) {
	h := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	ok := consentproxy.Batch{Instance: "i", Version: 1, Tables: []consentproxy.TableRows{
		{Table: consentproxy.TablePages, Rows: []consentproxy.Row{{Site: "s", Hour: h, Dims: []string{"/"}, Visitors: []uint64{1}}}},
		{Table: consentproxy.TableOutcomes, Rows: []consentproxy.Row{{Site: "s", Hour: h.In(time.FixedZone("Z", 3600)), Dims: []string{"bot"}}}},
	}}
	if err := CheckBatch(ok); err != nil {
		t.Fatalf("valid batch: %v", err)
	}
	mutate := map[string]func(b *consentproxy.Batch){
		"instance": func(b *consentproxy.Batch) { b.Instance = "" },
		"bad utf8": func(b *consentproxy.Batch) { b.Instance = "\xff" },
		"table":    func(b *consentproxy.Batch) { b.Tables[0].Table.Name = "x" },
		"dims":     func(b *consentproxy.Batch) { b.Tables[0].Rows[0].Dims = nil },
		"minute":   func(b *consentproxy.Batch) { b.Tables[0].Rows[0].Hour = h.Add(time.Second) },
		"range":    func(b *consentproxy.Batch) { b.Tables[0].Rows[0].Hour = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC) },
		"visitors": func(b *consentproxy.Batch) { b.Tables[1].Rows[0].Visitors = []uint64{1} },
	}
	// A store pinned at migration 4 refuses a table of migration 5 (and
	// takes an empty one: nothing of it would be written).
	later := consentproxy.Batch{Instance: "i", Version: 1, Tables: []consentproxy.TableRows{{Table: consentproxy.TableConsentJurisdictions,
		Rows: []consentproxy.Row{{Site: "s", Hour: h, Dims: []string{"eea", "accept_all"}}}}}}
	if err := CheckBatchAt(later, 4); err == nil || !strings.Contains(err.Error(), "consent_jurisdictions needs migration 5") {
		t.Errorf("pinned at 4, a consent_jurisdictions row: %v", err)
	}
	if err := CheckBatchAt(later, 5); err != nil {
		t.Errorf("pinned at 5, a consent_jurisdictions row: %v", err)
	}
	later.Tables[0].Rows = nil
	if err := CheckBatchAt(later, 4); err != nil {
		t.Errorf("pinned at 4, an empty consent_jurisdictions table: %v", err)
	}
	for name, m := range mutate {
		b := ok
		b.Tables = slices.Clone(ok.Tables)
		for i := range b.Tables {
			b.Tables[i].Rows = slices.Clone(ok.Tables[i].Rows)
		}
		m(&b)
		if err := CheckBatch(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestMonthEnd(t *testing.T) {
	cases := map[string]string{"202401": "2024-02-01", "202412": "2025-01-01", "197001": "1970-02-01"}
	for in, want := range cases {
		got, err := monthEnd(in)
		if err != nil || got.Format("2006-01-02") != want {
			t.Errorf("monthEnd(%s) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2024", "202413", "202400", "2024-01", "tuple()"} {
		if _, err := monthEnd(bad); err == nil {
			t.Errorf("monthEnd(%q) accepted", bad)
		}
	}
}

func TestRenderValue(t *testing.T) {
	s := "x"
	var nilp *int64
	cases := []struct {
		v    any
		want string
	}{
		{"a\tb", "a\tb"}, {int64(-1), "-1"}, {uint64(1 << 63), "9223372036854775808"}, {uint8(255), "255"},
		{2.5, "2.5"}, {1.0 / 3, "0.3333333333333333"}, {1e20, "100000000000000000000"}, {float32(0.1), "0.1"},
		{time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("P", 3600)), "2026-03-04 04:06:07"},
		{true, "true"}, {nil, `\N`}, {nilp, `\N`}, {&s, "x"},
		{[]uint64{1, 2}, "[1,2]"}, {[]string{"a", "it's"}, `['a','it\'s']`}, {[][]int32{{1}, {}}, "[[1],[]]"},
	}
	for _, c := range cases {
		if got := RenderValue(c.v); got != c.want {
			t.Errorf("RenderValue(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := RenderArray([]byte{1, 2}); got != "[1,2]" {
		t.Errorf("RenderArray([]byte) = %q", got)
	}
	if got := RenderDate(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)); got != "2026-03-04" {
		t.Errorf("RenderDate = %q", got)
	}
}

func TestSplitStatements(t *testing.T) {
	got, err := splitStatements("-- c\nCREATE a (\n x\n);\n\n-- @unless-column b_in y\nALTER b;\n-- @each-shard\n-- @unless-column c y\nALTER c;\n" +
		"-- @each-shard\nALTER d;\nSELECT 1")
	want := []Statement{{SQL: "CREATE a (\n x\n)"}, {SQL: "ALTER b", UnlessTable: "b_in", UnlessColumn: "y"},
		{SQL: "ALTER c", UnlessTable: "c", UnlessColumn: "y", EachShard: true}, {SQL: "ALTER d", EachShard: true}, {SQL: "SELECT 1"}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	// A guard that would leave its statement unguarded is refused.
	for _, bad := range []string{
		"-- @unless-column b_in\nALTER b;",
		"-- @unless-column b_in y z\nALTER b;",
		"-- @unless-column a x\n-- @unless-column b y\nALTER b;",
		"ALTER a\n-- @unless-column b y\n;",
		"-- @unless-column b y\n;",
		"SELECT 1;\n-- @unless-column b y",
		"-- @each-shard\n-- @each-shard\nALTER b;",
		"ALTER a\n-- @each-shard\n;",
		"SELECT 1;\n-- @each-shard",
		"-- @each-shard\n;",
	} {
		if got, err := splitStatements(bad); err == nil {
			t.Errorf("splitStatements(%q) = %q, want an error", bad, got)
		}
	}
}

// FuzzSplitStatements: any script splits without a panic, into non-empty
// statements whose guards name a table and a column, and printing them
// (as a dry run does) and splitting again gives the same statements.
func FuzzSplitStatements(f *testing.F) {
	f.Add("-- c\nCREATE a (\n x\n);\n\n-- @unless-column b_in y\nALTER b;\nSELECT 1")
	f.Add("-- @unless-column t c\n;")
	f.Add("-- @each-shard\n-- @unless-column t c\nALTER t;\n-- @each-shard\nALTER u;")
	f.Add(";;\n--\n-- @unless-column\n")
	f.Fuzz(func(t *testing.T, script string) {
		stmts, err := splitStatements(script)
		if err != nil {
			return
		}
		var printed strings.Builder
		for _, s := range stmts {
			if s.SQL == "" || (s.UnlessTable == "") != (s.UnlessColumn == "") {
				t.Fatalf("statement %+v from %q", s, script)
			}
			printed.WriteString(s.String() + ";\n\n")
		}
		again, err := splitStatements(printed.String())
		if err != nil || !slices.Equal(again, stmts) {
			// Only SQL that itself holds guard lines, comments or ";"
			// line ends may print ambiguously; templates have none.
			for _, s := range stmts {
				if strings.Contains(s.SQL, "--") || strings.Contains(s.SQL, ";") {
					return
				}
			}
			t.Fatalf("split %q: %q; printed and split again: %q, %v", script, stmts, again, err)
		}
	})
}

var recordNew = flag.Bool("record-new", false, "record the rendered SQL of migrations not yet released (never rewrites a released one)")

// migrationVariants are the DDL flavours a migration renders to: the
// embedded engine, a server, and clusters with and without Replicated
// engines and distributed DDL.
var migrationVariants = map[string]struct {
	f Features
	o Options
}{
	"server-18.16":             {FeaturesFor("18.16.1"), Options{}},
	"chdb-26.7":                {FeaturesFor("26.7.2.1"), Options{}},
	"cluster":                  {FeaturesFor("26.7.2.1"), Options{Database: "analytics", Cluster: "web", Replicated: true}},
	"cluster-replicated-18.16": {FeaturesFor("18.16.1"), Options{Cluster: "web", Replicated: true}},
	"cluster-local-ddl-18.16":  {FeaturesFor("18.16.1"), Options{Cluster: "test2", LocalDDL: true}},
}

// TestMigrationsFrozen holds every released migration to the SQL it was
// released with, per DDL flavour (testdata/migrations/<flavour>/NNN_name.sql):
// installations that applied it never run it again, so a released
// migration that changes would leave them on a schema nobody tests. A new
// migration is recorded once with -record-new; a released one is never
// rewritten.
func TestMigrationsFrozen(t *testing.T) {
	for name, v := range migrationVariants {
		migs, err := Migrations(v.f, v.o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dir := filepath.Join("testdata", "migrations", name)
		known := map[string]bool{}
		for _, m := range migs {
			known[m.Name+".sql"] = true
			var b strings.Builder
			for _, s := range m.Statements {
				b.WriteString(s.String() + ";\n\n")
			}
			path := filepath.Join(dir, m.Name+".sql")
			want, err := os.ReadFile(path)
			switch {
			case os.IsNotExist(err) && *recordNew:
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("recorded %s", path)
			case os.IsNotExist(err):
				t.Errorf("migration %s has no released copy in %s: if it is new, review it and record it with "+
					"go test ./store -run TestMigrationsFrozen -record-new (which never rewrites a released one)", m.Name, dir)
			case err != nil:
				t.Fatal(err)
			case b.String() != string(want):
				t.Errorf("migration %s (%s) was released and must never change: installations that applied it will not "+
					"apply it again. Restore it and write a new numbered migration that changes the schema from there "+
					"(store/migrations/NNN_name.sql.tmpl, see store/doc.go)", m.Name, name)
			}
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.sql"))
		for _, f := range files {
			if !known[filepath.Base(f)] {
				t.Errorf("released migration %s (%s) is gone: released migrations are never removed or renamed", filepath.Base(f), name)
			}
		}
	}
}

func TestMigrationsShape(t *testing.T) {
	migs, err := Migrations(Features{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) == 0 || migs[0].Version != 1 {
		t.Fatalf("migrations: %+v", migs)
	}
	sqlOf := func(v uint32) string {
		var sqls []string
		for _, m := range migs {
			if m.Version == v {
				for _, s := range m.Statements {
					sqls = append(sqls, s.SQL)
				}
			}
		}
		return strings.Join(sqls, "\n")
	}
	all := sqlOf(1)
	for _, tb := range consentproxy.Tables() {
		since := max(tb.Since, 1)
		created := sqlOf(since)
		for _, obj := range []string{tb.Name + "_in ", tb.Name + " (", tb.Name + "_mv "} {
			if !strings.Contains(created, "consentproxy."+obj) {
				t.Errorf("no %q in migration %d, which the table says created it", obj, since)
			}
		}
	}
	for _, m := range migs {
		for _, s := range m.Statements {
			if !strings.Contains(s.SQL, "IF NOT EXISTS") && !strings.Contains(s.SQL, "IF EXISTS") && s.UnlessTable == "" {
				t.Errorf("%s: statement is not idempotent (IF [NOT] EXISTS, or an @unless-column guard): %.80s", m.Name, s.SQL)
			}
		}
	}
	if strings.Contains(all, "LowCardinality") || strings.Contains(all, "TTL") || strings.Contains(all, "CODEC") {
		t.Errorf("18.16 schema uses a feature it lacks")
	}
	if strings.Contains(all, "visitor_hashes Array(UInt64)\n) ENGINE = ReplacingMergeTree") {
		t.Errorf("raw visitor hashes stored in a MergeTree")
	}
}

// TestNoReplicatedAlterOnCluster: with Replicated engines no migration runs
// an ALTER … ON CLUSTER (18.16 races replicas of a shard over it and one may
// crash, see Sharded); an ALTER runs on each shard instead.
func TestNoReplicatedAlterOnCluster(t *testing.T) {
	for name, v := range migrationVariants {
		if !v.o.Replicated {
			continue
		}
		migs, err := Migrations(v.f, v.o)
		if err != nil {
			t.Fatal(err)
		}
		alters := 0
		for _, m := range migs {
			for _, s := range m.Statements {
				if !strings.HasPrefix(s.SQL, "ALTER ") {
					continue
				}
				alters++
				if strings.Contains(s.SQL, " ON CLUSTER ") || !s.EachShard {
					t.Errorf("%s %s: %q (each shard: %v), want an ALTER without ON CLUSTER on each shard", name, m.Name, s.SQL, s.EachShard)
				}
			}
		}
		if alters == 0 {
			t.Errorf("%s: no ALTER at all; the test checks nothing", name)
		}
	}
}
