package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Bind replaces each "?" placeholder of query with a ClickHouse literal of the
// matching arg, for engines that have no native binding (chDB). Placeholders
// inside quoted literals, quoted identifiers and comments are left alone.
//
// Supported args: string, []byte, []string, int, int8…int64, uint, uint8…
// uint64, []int64, []uint64, bool, float64, time.Time (rendered as a UTC
// DateTime). Anything else, or a count mismatch, is an error: a query is
// never sent half-bound.
func Bind(query string, args ...any) (string, error) {
	var b strings.Builder
	b.Grow(len(query) + 16*len(args))
	n := 0
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '?':
			if n >= len(args) {
				return "", fmt.Errorf("bind: more placeholders than the %d args", len(args))
			}
			lit, err := Literal(args[n])
			if err != nil {
				return "", fmt.Errorf("bind: arg %d: %w", n+1, err)
			}
			// A literal must stay one token whatever the template puts
			// next to it: '' followed by '' would read as one string
			// holding a quote, - followed by -5 as a comment, x followed
			// by 5 as the name x5 (the first found by FuzzBind).
			if s := b.String(); s != "" && !strings.ContainsRune(safeBeforeLiteral, rune(s[len(s)-1])) {
				b.WriteByte(' ')
			}
			b.WriteString(lit)
			if i+1 < len(query) && !strings.ContainsRune(safeAfterLiteral, rune(query[i+1])) {
				b.WriteByte(' ')
			}
			n++
			i++
			continue
		case c == '\'' || c == '"' || c == '`':
			end, err := skipQuoted(query, i)
			if err != nil {
				return "", err
			}
			b.WriteString(query[i:end])
			i = end
			continue
		case strings.HasPrefix(query[i:], "--") || strings.HasPrefix(query[i:], "# ") || strings.HasPrefix(query[i:], "#!"):
			// Line comment ("#" forms as in ClickHouse 21+).
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end
			continue
		case strings.HasPrefix(query[i:], "/*"):
			end, err := skipComment(query, i)
			if err != nil {
				return "", err
			}
			b.WriteString(query[i:end])
			i = end
			continue
		}
		b.WriteByte(c)
		i++
	}
	if n != len(args) {
		return "", fmt.Errorf("bind: %d placeholders for %d args", n, len(args))
	}
	return b.String(), nil
}

// The template bytes that can stand right before or after a bound literal
// without joining it into another token; next to anything else Bind puts a
// space.
const (
	safeBeforeLiteral = " \t\r\n(,=<>[{"
	safeAfterLiteral  = " \t\r\n),=<>!]};"
)

// skipQuoted returns the index just past the quoted token starting at
// query[start]. Inside it, a backslash escapes the next byte and a doubled
// quote stands for itself, as ClickHouse's lexer has it.
func skipQuoted(query string, start int) (int, error) {
	q := query[start]
	for i := start + 1; i < len(query); i++ {
		switch query[i] {
		case '\\':
			i++
		case q:
			if i+1 < len(query) && query[i+1] == q {
				i++
				continue
			}
			return i + 1, nil
		}
	}
	return 0, fmt.Errorf("bind: unterminated %c literal at byte %d", q, start)
}

// skipComment returns the index just past the block comment starting at
// query[start]. Block comments nest, as in ClickHouse's lexer.
func skipComment(query string, start int) (int, error) {
	depth := 0
	for i := start; i+1 < len(query); i++ {
		switch {
		case query[i] == '/' && query[i+1] == '*':
			depth++
			i++
		case query[i] == '*' && query[i+1] == '/':
			depth--
			i++
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("bind: unterminated comment at byte %d", start)
}

// Literal renders one value as a ClickHouse literal (see Bind for the types).
func Literal(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return QuoteString(x), nil
	case []byte:
		return QuoteString(string(x)), nil
	case int:
		return strconv.FormatInt(int64(x), 10), nil
	case int8:
		return strconv.FormatInt(int64(x), 10), nil
	case int16:
		return strconv.FormatInt(int64(x), 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("cannot bind %v", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case time.Time:
		u := x.UTC()
		if u.Before(minHour) || u.After(time.Unix(1<<32-1, 0)) {
			return "", fmt.Errorf("time %s outside DateTime range", u.Format(time.RFC3339))
		}
		return "toDateTime('" + u.Format(DateTimeLayout) + "', 'UTC')", nil
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = QuoteString(s)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case []int64:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.FormatInt(n, 10)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case []uint64:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.FormatUint(n, 10)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case nil:
		return "", fmt.Errorf("cannot bind nil")
	}
	return "", fmt.Errorf("cannot bind %T", v)
}

const hexDigits = "0123456789ABCDEF"

// QuoteString renders s as a single-quoted ClickHouse string literal that
// parses back to exactly the bytes of s. Quote and backslash are escaped, and
// so is every byte that is not printable ASCII or part of valid UTF-8 (as
// \xNN), so the literal is plain printable text whatever s holds: NUL bytes
// cannot cut a C string short and a stray byte cannot confuse a lexer.
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size > 1 {
				if r == '\u2028' || r == '\u2029' || r == '\ufeff' {
					// Harmless to ClickHouse but easy to mangle in logs.
					for j := 0; j < size; j++ {
						writeHex(&b, s[i+j])
					}
				} else {
					b.WriteString(s[i : i+size])
				}
				i += size
				continue
			}
			writeHex(&b, c)
			i++
			continue
		}
		switch {
		case c == '\'' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			writeHex(&b, c)
		default:
			b.WriteByte(c)
		}
		i++
	}
	b.WriteByte('\'')
	return b.String()
}

func writeHex(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&15])
}

// QuoteIdent renders a name as a backquoted ClickHouse identifier.
func QuoteIdent(name string) string {
	return "`" + strings.NewReplacer("\\", "\\\\", "`", "\\`").Replace(name) + "`"
}
