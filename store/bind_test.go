package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestBind(t *testing.T) {
	ts := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("X", 3600))
	cases := []struct {
		q    string
		args []any
		want string
	}{
		{"SELECT ?", []any{"a"}, "SELECT 'a'"},
		{"SELECT ?", []any{"it's"}, `SELECT 'it\'s'`},
		{"SELECT ?", []any{`a\b`}, `SELECT 'a\\b'`},
		{"SELECT ?", []any{"nul\x00\n\t\x7f"}, `SELECT 'nul\x00\x0A\x09\x7F'`},
		{"SELECT ?", []any{"bad\xffutf8 ok ü"}, `SELECT 'bad\xFFutf8 ok ü'`},
		{"SELECT ?", []any{"\u2028"}, `SELECT '\xE2\x80\xA8'`},
		{"SELECT ?, ?, ?", []any{int64(math.MinInt64), uint64(math.MaxUint64), -3}, "SELECT -9223372036854775808, 18446744073709551615, -3"},
		{"SELECT ?", []any{ts}, "SELECT toDateTime('2026-03-04 04:06:07', 'UTC')"},
		{"SELECT ?", []any{[]string{"a", "'"}}, `SELECT ['a', '\'']`},
		{"SELECT ?, ?", []any{[]int64{-1, 2}, []uint64{}}, "SELECT [-1, 2], []"},
		{"SELECT ?, ?", []any{true, 2.5}, "SELECT 1, 2.5"},
		{"SELECT '?', ?", []any{"x"}, "SELECT '?', 'x'"},
		{`SELECT 'it\'s ?', ?`, []any{"x"}, `SELECT 'it\'s ?', 'x'`},
		{`SELECT 'it''s ?', ?`, []any{"x"}, `SELECT 'it''s ?', 'x'`},
		{"SELECT \"?\", `?`, ?", []any{"x"}, "SELECT \"?\", `?`, 'x'"},
		{"SELECT ? -- ?\n, ?", []any{1, 2}, "SELECT 1 -- ?\n, 2"},
		{"SELECT ? # ?\n, ?", []any{1, 2}, "SELECT 1 # ?\n, 2"},
		{"SELECT /* ? /* ? */ ? */ ?", []any{1}, "SELECT /* ? /* ? */ ? */ 1"},
		{"SELECT 1", nil, "SELECT 1"},
	}
	for _, c := range cases {
		got, err := Bind(c.q, c.args...)
		if err != nil {
			t.Errorf("Bind(%q, %v): %v", c.q, c.args, err)
			continue
		}
		if got != c.want {
			t.Errorf("Bind(%q, %v)\n got %s\nwant %s", c.q, c.args, got, c.want)
		}
	}
}

// TestBindKeepsLiteralsApart: a placeholder glued to a quote, a minus, a
// name or another placeholder still binds to one separate token.
func TestBindKeepsLiteralsApart(t *testing.T) {
	cases := []struct {
		q    string
		args []any
		want string
	}{
		{"''?", []any{""}, "'' ''"},
		{"?''", []any{""}, "'' ''"},
		{"??", []any{"a", "b"}, "'a' 'b'"},
		{"SELECT 1-?", []any{-5}, "SELECT 1- -5"},
		{"SELECT x?", []any{5}, "SELECT x 5"},
		{"SELECT ?e3", []any{1}, "SELECT 1 e3"},
		{"SELECT [1]?", []any{[]int64{2}}, "SELECT [1] [2]"},
		{"SELECT (?)", []any{1}, "SELECT (1)"},
		{"a=?;", []any{1}, "a=1;"},
	}
	for _, c := range cases {
		got, err := Bind(c.q, c.args...)
		if err != nil || got != c.want {
			t.Errorf("Bind(%q, %v) = %q, %v; want %q", c.q, c.args, got, err, c.want)
		}
	}
}

func TestBindErrors(t *testing.T) {
	cases := []struct {
		q    string
		args []any
		want string
	}{
		{"SELECT ?, ?", []any{1}, "more placeholders"},
		{"SELECT ?", []any{1, 2}, "1 placeholders for 2 args"},
		{"SELECT 'open ?", []any{1}, "unterminated"},
		{"SELECT /* ?", []any{1}, "unterminated comment"},
		{"SELECT ?", []any{struct{}{}}, "cannot bind struct"},
		{"SELECT ?", []any{nil}, "cannot bind nil"},
		{"SELECT ?", []any{math.NaN()}, "cannot bind NaN"},
		{"SELECT ?", []any{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}, "outside DateTime range"},
	}
	for _, c := range cases {
		got, err := Bind(c.q, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Bind(%q, %v) = %q, %v; want error containing %q", c.q, c.args, got, err, c.want)
		}
	}
}

// unquoteCH decodes the ClickHouse string literal starting at s[0] the way
// the server's lexer and parser do, independently of Bind's own scanner. It
// returns the value and the index just past the closing quote.
func unquoteCH(s string) (string, int, error) {
	if s == "" || s[0] != '\'' {
		return "", 0, fmt.Errorf("no opening quote")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'':
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return "", 0, fmt.Errorf("dangling backslash")
			}
			i++
			switch e := s[i]; e {
			case 'x':
				if i+2 >= len(s) {
					return "", 0, fmt.Errorf("short \\x")
				}
				n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
				if err != nil {
					return "", 0, err
				}
				b.WriteByte(byte(n))
				i += 2
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'a':
				b.WriteByte('\a')
			case 'v':
				b.WriteByte('\v')
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("no closing quote")
}

// checkLiteral asserts that lit is one plain-text literal holding exactly v.
func checkLiteral(t *testing.T, v, lit string) {
	t.Helper()
	got, end, err := unquoteCH(lit)
	if err != nil {
		t.Fatalf("literal %q of %q does not parse: %v", lit, v, err)
	}
	if end != len(lit) {
		t.Fatalf("literal of %q ends at byte %d of %d: %q escapes it", v, end, len(lit), lit[end:])
	}
	if got != v {
		t.Fatalf("literal %q parses to %q, want %q", lit, got, v)
	}
	if !utf8.ValidString(lit) {
		t.Fatalf("literal %q is not valid UTF-8", lit)
	}
	for _, r := range lit {
		if r < 0x20 || r == 0x7f {
			t.Fatalf("literal %q holds control character %U", lit, r)
		}
	}
}

func TestQuoteStringRoundTrip(t *testing.T) {
	for _, v := range []string{"", "'", "''", `\`, `\'`, "'\\", "\x00", "\xff", "ü\xc3", "\u2029", "?", "a'b\\c\"d`e"} {
		checkLiteral(t, v, QuoteString(v))
	}
}

// FuzzBind proves that a bound string never escapes its literal: whatever
// the argument, the bound query is the template with one literal in place of
// the placeholder, and that literal decodes back to exactly the argument.
// The template is fuzzed too, for panics and for placeholders in quotes.
func FuzzBind(f *testing.F) {
	f.Add("SELECT ?", "it's")
	f.Add("SELECT '?', ?", `\'; DROP TABLE pages; --`)
	f.Add("SELECT ? -- ?", "\x00\xff\n")
	f.Add("SELECT /* ? */ ?", "ü\u2028")
	f.Fuzz(func(t *testing.T, query, arg string) {
		out, err := Bind("SELECT ?, 1", arg)
		if err != nil {
			t.Fatalf("Bind of a plain template failed: %v", err)
		}
		lit, ok := strings.CutPrefix(out, "SELECT ")
		lit, ok2 := strings.CutSuffix(lit, ", 1")
		if !ok || !ok2 {
			t.Fatalf("template changed: %q", out)
		}
		checkLiteral(t, arg, lit)

		// An arbitrary template: no panic; if it binds, the literal appears
		// verbatim and everything else of the template is kept.
		out, err = Bind(query, arg)
		if err != nil {
			return
		}
		// The template may hold the literal's text itself, so try every
		// occurrence; Bind may have put a space on either side of it, and
		// must have if the neighbour could join the literal into another
		// token.
		kept := false
		for i := strings.Index(out, lit); i >= 0 && !kept; {
			pre, post := out[:i], out[i+len(lit):]
			delimited := (pre == "" || strings.ContainsRune(safeBeforeLiteral, rune(pre[len(pre)-1]))) &&
				(post == "" || strings.ContainsRune(safeAfterLiteral, rune(post[0])))
			for _, p := range []string{pre, strings.TrimSuffix(pre, " ")} {
				for _, q := range []string{post, strings.TrimPrefix(post, " ")} {
					kept = kept || (delimited && p+"?"+q == query)
				}
			}
			next := strings.Index(out[i+1:], lit)
			if next < 0 {
				break
			}
			i += 1 + next
		}
		if !kept {
			t.Fatalf("Bind(%q, %q) = %q changed the template around the literal %q", query, arg, out, lit)
		}
	})
}
