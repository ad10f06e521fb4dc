package chdb

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/consentproxy/consentproxy/store"
)

// A Result must be byte-identical whichever engine ran the query. The
// server adapter gets typed Go values from clickhouse-go and renders them
// with store.RenderValue; this adapter gets ClickHouse's own text. To agree
// it turns each field back into the Go value a driver would have produced
// (guided by the column type from TabSeparatedWithNamesAndTypes) and renders
// that with the same function. Text that already is canonical (integers,
// decimals, dates, UUIDs) passes through as verbatim.

// verbatim is engine text that renders unchanged and, inside arrays,
// unquoted: store.RenderValue uses its String method, and being a struct
// rather than a string kind keeps it from being quoted like a String.
type verbatim struct{ s string }

func (v verbatim) String() string { return v.s }

// renderField renders the raw (still escaped) TabSeparated field of a
// column of type typ.
func renderField(typ string, raw []byte) (string, error) {
	if isComposite(typ) && !strings.HasPrefix(unwrap(typ), "Array(") {
		// Tuples, maps and friends: ClickHouse writes them in quoted
		// form that the TabSeparated layer does not escape again.
		// Nothing in the schema returns them; keep the engine's text.
		return string(raw), nil
	}
	if strings.HasPrefix(unwrap(typ), "Array(") {
		v, err := parseQuotedValue(typ, string(raw))
		if err != nil {
			return "", err
		}
		return store.RenderValue(v), nil
	}
	if string(raw) == nullField && strings.HasPrefix(typ, "Nullable(") {
		return store.NullText, nil
	}
	s, err := unescapeTSV(raw)
	if err != nil {
		return "", err
	}
	v, err := scalarValue(typ, s)
	if err != nil {
		return "", err
	}
	return store.RenderValue(v), nil
}

// unwrap strips Nullable(…) and LowCardinality(…), which do not change how a
// value renders.
func unwrap(typ string) string {
	for {
		switch {
		case strings.HasPrefix(typ, "Nullable(") && strings.HasSuffix(typ, ")"):
			typ = typ[len("Nullable(") : len(typ)-1]
		case strings.HasPrefix(typ, "LowCardinality(") && strings.HasSuffix(typ, ")"):
			typ = typ[len("LowCardinality(") : len(typ)-1]
		default:
			return typ
		}
	}
}

func isComposite(typ string) bool {
	t := unwrap(typ)
	for _, p := range []string{"Array(", "Tuple(", "Map(", "Nested(", "Variant(", "Dynamic", "JSON", "Object("} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// scalarValue turns the unescaped text s of a non-composite column into the
// value a driver would return.
func scalarValue(typ, s string) (any, error) {
	t := unwrap(typ)
	switch {
	case t == "String" || strings.HasPrefix(t, "FixedString(") || strings.HasPrefix(t, "Enum"):
		return s, nil
	case t == "Float64":
		return parseFloat(s, 64)
	case t == "Float32" || t == "BFloat16":
		f, err := parseFloat(s, 32)
		return float32(f), err
	case t == "DateTime" || strings.HasPrefix(t, "DateTime(") || strings.HasPrefix(t, "DateTime64("):
		return parseDateTime(t, s)
	}
	return verbatim{s}, nil
}

func parseFloat(s string, bits int) (float64, error) {
	switch s {
	case "nan", "-nan":
		s = "NaN"
	case "inf", "+inf":
		s = "+Inf"
	case "-inf":
		s = "-Inf"
	}
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		return 0, fmt.Errorf("float %q: %w", s, err)
	}
	return f, nil
}

// parseDateTime reads a DateTime or DateTime64 as ClickHouse prints it: in
// the column's time zone if it names one, else in the session time zone,
// which Open pins to UTC.
func parseDateTime(typ, s string) (time.Time, error) {
	loc := time.UTC
	if tz := typeTimeZone(typ); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return time.Time{}, fmt.Errorf("column type %s: %w", typ, err)
		}
		loc = l
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: %w", typ, s, err)
	}
	return t, nil
}

// typeTimeZone extracts 'tz' from DateTime('tz') or DateTime64(p, 'tz').
func typeTimeZone(typ string) string {
	i := strings.IndexByte(typ, '\'')
	j := strings.LastIndexByte(typ, '\'')
	if i < 0 || j <= i {
		return ""
	}
	return typ[i+1 : j]
}

// parseQuotedValue parses a value in ClickHouse's quoted text form (as
// inside arrays) of type typ.
func parseQuotedValue(typ, s string) (any, error) {
	p := quotedParser{s: s}
	v, err := p.value(typ)
	if err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("%s: trailing text at byte %d of %q", typ, p.i, s)
	}
	return v, nil
}

type quotedParser struct {
	s string
	i int
}

func (p *quotedParser) value(typ string) (any, error) {
	t := unwrap(typ)
	if strings.HasPrefix(t, "Array(") && strings.HasSuffix(t, ")") {
		return p.array(t[len("Array(") : len(t)-1])
	}
	if strings.HasPrefix(typ, "Nullable(") && strings.HasPrefix(p.s[p.i:], "NULL") {
		p.i += len("NULL")
		return nil, nil
	}
	if p.i < len(p.s) && p.s[p.i] == '\'' {
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		return scalarValue(t, s)
	}
	if isComposite(t) {
		return nil, fmt.Errorf("%s inside an array is not supported", t)
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != ']' {
		p.i++
	}
	if p.i == start {
		return nil, fmt.Errorf("%s: empty element at byte %d", t, start)
	}
	return scalarValue(t, p.s[start:p.i])
}

func (p *quotedParser) array(elem string) (any, error) {
	if p.i >= len(p.s) || p.s[p.i] != '[' {
		return nil, fmt.Errorf("array: want '[' at byte %d", p.i)
	}
	p.i++
	out := []any{}
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return out, nil
	}
	for {
		v, err := p.value(elem)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if p.i >= len(p.s) {
			return nil, errors.New("array: unterminated")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, nil
		default:
			return nil, fmt.Errorf("array: unexpected %q at byte %d", p.s[p.i], p.i)
		}
	}
}

// quoted reads a single-quoted literal with backslash escapes.
func (p *quotedParser) quoted() (string, error) {
	start := p.i
	p.i++ // opening quote
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '\\':
			p.i += 2
		case '\'':
			p.i++
			return unescapeTSV([]byte(p.s[start+1 : p.i-1]))
		default:
			p.i++
		}
	}
	return "", fmt.Errorf("unterminated string at byte %d", start)
}
