package chdb

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestInsertWireFormat pins the exact statement Write sends for a batch of
// awkward values.
func TestInsertWireFormat(t *testing.T) {
	h := time.Date(2026, 3, 4, 5, 0, 0, 0, time.FixedZone("X", 3600))
	tr := consentproxy.TableRows{Table: consentproxy.TablePages, Rows: []consentproxy.Row{
		{Site: "G-1", Hour: h, Dims: []string{"/a\tb\nc\\d\x00e\x01f\x7f'\"`"}, Metrics: consentproxy.Metrics{
			Hits: 1, Pageviews: 2, Events: 3, Visits: 4, Bounces: -1, DurationMS: 9223372036854775807, EngagementMS: 5},
			Visitors: []uint64{0, 18446744073709551615}},
		{Site: "G-1", Hour: h, Dims: []string{"ünï \xff\xfe 🍪 \u2028"}},
	}}
	stmts, err := insertStatements(store.Options{Database: "cp"}, "inst\t1", 42, tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 1 {
		t.Fatalf("%d statements, want 1", len(stmts))
	}
	if !utf8.ValidString(stmts[0].sql) {
		t.Error("statement is not valid UTF-8: a raw byte escaped the encoder")
	}
	golden(t, "insert_pages.golden", []byte(stmts[0].sql))

	// Pinned at migration 2 the statement is the one the release that
	// shipped 002 sent (insert_pages_schema2.golden is that release's
	// insert_pages.golden, unchanged): how an old proxy keeps writing
	// during a rolling upgrade.
	old, err := insertStatements(store.Options{Database: "cp", UpTo: 2}, "inst\t1", 42, tr)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "insert_pages_schema2.golden", []byte(old[0].sql))

	// Pinned at migration 4 (the release that shipped 003 and 004) or 5
	// (the previous release, 005) the pages insert is today's: no later
	// migration changed it.
	for _, upTo := range []uint32{4, 5} {
		prev, err := insertStatements(store.Options{Database: "cp", UpTo: upTo}, "inst\t1", 42, tr)
		if err != nil {
			t.Fatal(err)
		}
		if prev[0].sql != stmts[0].sql {
			t.Errorf("pinned at migration %d the pages insert differs from the newest:\n%s", upTo, prev[0].sql)
		}
	}
}

// renderResult prints a Result one quoted value per line, so golden files
// show invisible bytes.
func renderResult(r consentproxy.Result) []byte {
	var b bytes.Buffer
	for i, row := range r.Rows {
		fmt.Fprintf(&b, "row %d\n", i+1)
		for j, v := range row {
			fmt.Fprintf(&b, "  %q = %q\n", r.Columns[j], v)
		}
	}
	return b.Bytes()
}

// TestDecodeResultGolden decodes real chDB output (captured by
// TestResultFixtureIsCurrent) of a query covering every value type.
func TestDecodeResultGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/result_types.tsv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := decodeResult(raw)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "result_types.golden", renderResult(res))
}

// TestResultFixtureIsCurrent checks that the engine still prints exactly
// the captured fixture, so the decoder is tested against real output.
func TestResultFixtureIsCurrent(t *testing.T) {
	s := openFresh(t)
	q, err := os.ReadFile("testdata/result_types.sql")
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.rd.Query(string(q), "TabSeparatedWithNamesAndTypes")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "result_types.tsv", out)
}

func TestDecodeResultErrors(t *testing.T) {
	for name, in := range map[string]string{
		"no newline":    "a\nString\nx",
		"no types":      "a\n",
		"short row":     "a\tb\nString\tString\nx\n",
		"bad escape":    "a\nString\nx\\\n",
		"bad float":     "f\nFloat64\nabc\n",
		"bad datetime":  "t\nDateTime\n2026-13-01 00:00:00\n",
		"bad array":     "a\nArray(String)\n['x'\n",
		"bad time zone": "t\nDateTime('No/Such_Zone')\n2026-01-01 00:00:00\n",
	} {
		if _, err := decodeResult([]byte(in)); err == nil {
			t.Errorf("%s: decodeResult(%q) succeeded, want an error", name, in)
		}
	}
	if res, err := decodeResult(nil); err != nil || res.Columns != nil {
		t.Errorf("empty output: %v, %v; want an empty Result", res, err)
	}
}

func FuzzTSVStringRoundTrip(f *testing.F) {
	for _, s := range []string{"", "plain", "a\tb\nc\\d", "\x00\x01\x7f\xff", "ünï 🍪", `\N`, `\x41`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := appendTSVString(nil, s)
		if bytes.ContainsAny(enc, "\t\n\r\x00") || !utf8.Valid(enc) {
			t.Fatalf("encoding of %q holds raw control or invalid bytes: %q", s, enc)
		}
		dec, err := unescapeTSV(enc)
		if err != nil || dec != s {
			t.Fatalf("round trip of %q: %q, %v", s, dec, err)
		}
	})
}

func FuzzDecodeResult(f *testing.F) {
	if raw, err := os.ReadFile("testdata/result_types.tsv"); err == nil {
		f.Add(raw)
	}
	f.Add([]byte("a\tb\nString\tArray(Nullable(String))\nx\t['y',NULL]\n"))
	f.Add([]byte("t\nDateTime64(3, 'UTC')\n2026-01-01 00:00:00.5\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := decodeResult(raw)
		if err != nil {
			return
		}
		for _, row := range res.Rows {
			if len(row) != len(res.Columns) {
				t.Fatalf("row with %d fields for %d columns", len(row), len(res.Columns))
			}
		}
	})
}

// FuzzArrayRoundTrip: an Array(String) rendered the way results render it
// parses back to the same strings.
func FuzzArrayRoundTrip(f *testing.F) {
	f.Add("a", "b'c")
	f.Add("x\\y", "\x00\xff")
	f.Add("", "[1,2]")
	f.Fuzz(func(t *testing.T, a, b string) {
		text := store.RenderValue([]string{a, b})
		v, err := parseQuotedValue("Array(String)", text)
		if err != nil {
			t.Fatalf("parse %q: %v", text, err)
		}
		got, ok := v.([]any)
		if !ok || len(got) != 2 || got[0] != a || got[1] != b {
			t.Fatalf("parse %q = %#v; want [%q %q]", text, v, a, b)
		}
		if again := store.RenderValue(v); again != text {
			t.Fatalf("re-render %q; want %q", again, text)
		}
	})
}

func FuzzParseQuotedValue(f *testing.F) {
	f.Add("Array(Array(Nullable(Float64)))", "[[1.5,NULL],[nan,-inf]]")
	f.Add("Array(DateTime('UTC'))", "['2026-01-01 00:00:00']")
	f.Add("Array(String)", `['a\'b','\x00']`)
	f.Fuzz(func(t *testing.T, typ, s string) {
		if len(typ) > 200 || strings.Count(typ, "(") > 20 {
			return // type names come from the engine, not from users
		}
		_, _ = parseQuotedValue(typ, s) // must not panic
	})
}
