package storetest

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// hostile are dimension values and query arguments that break naive quoting,
// C strings, line-based formats or UTF-8 assumptions.
func hostile() []string {
	return []string{
		"plain",
		"it's",
		`back\slash`,
		`\'`,
		`\\'`,
		`'; DROP TABLE pages; --`,
		`?`,
		`'?'`,
		"tab\there",
		"new\nline",
		"cr\rlf\r\n",
		"nul\x00byte",
		"\x01\x1f\x7f",
		"invalid \xff\xfe utf-8",
		"中文 / ünïcødé / emoji 🍪",
		"\u2028\u2029\ufeff",
		`"double" and ` + "`back`",
		"/* comment */ -- dash",
		"{name:String}",
		"",
		strings.Repeat("long/", 20000) + "end", // 100 kB
	}
}

// testHostileDims stores hostile values as dims and reads them back byte for
// byte, then finds each of them again through a bound argument.
func testHostileDims(t *testing.T, s consentproxy.Store) {
	h0 := baseHour()
	vals := hostile()
	var rows []consentproxy.Row
	for i, v := range vals {
		rows = append(rows, consentproxy.Row{Site: "G-HOSTILE", Hour: h0, Dims: []string{v},
			Metrics: consentproxy.Metrics{Pageviews: int64(i + 1)}})
	}
	write(t, s, consentproxy.Batch{Instance: "i", Version: 1,
		Tables: []consentproxy.TableRows{{Table: consentproxy.TablePages, Rows: rows}}})
	res := query(t, s, "SELECT path, sum(pageviews) FROM pages FINAL WHERE site = ? GROUP BY path", "G-HOSTILE")
	got := map[string]string{}
	for _, r := range res.Rows {
		got[r[0]] = r[1]
	}
	if len(got) != len(vals) {
		t.Errorf("read back %d distinct paths, wrote %d", len(got), len(vals))
	}
	for i, v := range vals {
		if got[v] != fmt.Sprint(i+1) {
			t.Errorf("path %.60q: pageviews %q, want %d (not read back byte-exactly)", v, got[v], i+1)
		}
		res := query(t, s, "SELECT sum(pageviews), length(path) FROM pages FINAL WHERE site = ? AND path = ? GROUP BY path", "G-HOSTILE", v)
		wantRows(t, fmt.Sprintf("lookup of %.60q", v), res, fmt.Sprintf("%d\t%d", i+1, len(v)))
	}
}

// testBinding: every hostile string comes back from "SELECT ?" unchanged, a
// "?" inside a literal is not a placeholder, and the other argument types
// bind to the values they hold.
func testBinding(t *testing.T, s consentproxy.Store) {
	for _, v := range hostile() {
		res := query(t, s, "SELECT ?, length(?), '?'", v, v)
		wantRows(t, fmt.Sprintf("SELECT %.60q", v), res, fmt.Sprintf("%s\t%d\t?", v, len(v)))
	}
	ts := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("X", 5*3600))
	cases := []struct {
		q    string
		args []any
		want string
	}{
		{"SELECT toString(?)", []any{int64(math.MinInt64)}, "-9223372036854775808"},
		{"SELECT toString(?)", []any{uint64(math.MaxUint64)}, "18446744073709551615"},
		{"SELECT ? + 1", []any{41}, "42"},
		{"SELECT toString(?)", []any{ts}, "2026-03-04 00:06:07"},
		{"SELECT toUnixTimestamp(?)", []any{ts}, fmt.Sprint(ts.Unix())},
		{"SELECT length(?), has(?, 'it''s')", []any{[]string{"a", "it's"}, []string{"a", "it's"}}, "2\t1"},
		{"SELECT arrayStringConcat(?, '|')", []any{[]string{`x\y`, "'", "?"}}, `x\y|'|?`},
		{"SELECT /* ? */ ? -- ?", []any{"only"}, "only"},
	}
	for _, c := range cases {
		wantRows(t, fmt.Sprintf("%s %v", c.q, c.args), query(t, s, c.q, c.args...), c.want)
	}
}

// testReadOnly: Query refuses to change data or schema.
func testReadOnly(t *testing.T, s consentproxy.Store) {
	write(t, s, consentproxy.Batch{Instance: "i", Version: 1, Tables: []consentproxy.TableRows{{Table: consentproxy.TableTotals,
		Rows: []consentproxy.Row{{Site: "G-RO", Hour: baseHour(), Metrics: consentproxy.Metrics{Hits: 1}}}}}})
	for _, q := range []string{
		"DROP TABLE totals",
		"TRUNCATE TABLE totals",
		"CREATE TABLE ro_probe (a UInt8) ENGINE = Memory",
		"INSERT INTO totals_in (site, hour, instance, version, hits) SELECT 'G-RO', now(), 'x', 9, 100",
		"ALTER TABLE totals DELETE WHERE 1",
	} {
		if _, err := s.Query(ctx(t), q); err == nil {
			t.Errorf("Query(%q) succeeded; Query must be read-only", q)
		}
	}
	wantRows(t, "data after refused writes", query(t, s, "SELECT sum(hits) FROM totals FINAL WHERE site = ?", "G-RO"), "1")
}

// testRendering pins the text of every value type the stats queries return;
// both engines must print exactly this.
func testRendering(t *testing.T, s consentproxy.Store) {
	res := query(t, s, "SELECT toUInt64(18446744073709551615) AS u, toInt64(-9223372036854775808) AS i, "+
		"toDateTime('2026-03-04 05:06:07', 'UTC') AS dt, toDate('2026-03-04') AS d, 2.5 AS f, 1/4 AS q, "+
		"'a\\tb' AS s, [1, 2] AS a, ['x', 'y\\'z'] AS sa, NULL AS n, toNullable(7) AS nn, toUInt8(255) AS u8, -1 AS neg, "+
		"toFloat64(0) AS z, 1/0 AS inf, 0/0 AS nan, toInt32(-5) AS i32")
	wantCols := []string{"u", "i", "dt", "d", "f", "q", "s", "a", "sa", "n", "nn", "u8", "neg", "z", "inf", "nan", "i32"}
	if strings.Join(res.Columns, ",") != strings.Join(wantCols, ",") {
		t.Errorf("columns %q, want %q", res.Columns, wantCols)
	}
	wantRows(t, "rendered values", res, strings.Join([]string{"18446744073709551615", "-9223372036854775808",
		"2026-03-04 05:06:07", "2026-03-04", "2.5", "0.25", "a\tb", "[1,2]", `['x','y\'z']`, `\N`, "7", "255", "-1",
		"0", "inf", "nan", "-5"}, "\t"))
	wantRows(t, "empty result", query(t, s, "SELECT 1 WHERE 0"))
	res = query(t, s, "SELECT number, toString(number) FROM system.numbers LIMIT 3")
	wantRows(t, "several rows", res, "0\t0", "1\t1", "2\t2")
}
