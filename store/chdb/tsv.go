package chdb

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/consentproxy/consentproxy/store"
)

// chDB speaks ClickHouse's TabSeparated ("escaped") text both ways: inserts
// go in as "INSERT … FORMAT TabSeparated" with inline rows, results come back
// as TabSeparatedWithNamesAndTypes. Unlike JSON, the escaped form carries
// arbitrary bytes exactly (ClickHouse strings are bytes, not UTF-8), and
// unlike VALUES it needs no expression parser on the engine side.

// appendTSVString appends s as one TabSeparated field. Besides the escapes
// the format requires (backslash, tab, newline) it escapes every control
// byte and every byte that is not part of valid UTF-8 as \xNN, so the
// statement text stays printable and no byte can end it early.
func appendTSVString(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = appendHexEscape(dst, c)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case 0:
			dst = append(dst, '\\', '0')
		default:
			if c < 0x20 || c == 0x7f {
				dst = appendHexEscape(dst, c)
			} else {
				dst = append(dst, c)
			}
		}
		i++
	}
	return dst
}

func appendHexEscape(dst []byte, c byte) []byte {
	const hex = "0123456789ABCDEF"
	return append(dst, '\\', 'x', hex[c>>4], hex[c&15])
}

// nullField is how TabSeparated writes NULL.
const nullField = `\N`

// unescapeTSV decodes one TabSeparated field (ClickHouse's escaped form):
// \b \f \n \r \t \0 \a \v \xHH, and a backslash before any other byte
// stands for that byte. A trailing lone backslash or a short \x is an error.
func unescapeTSV(field []byte) (string, error) {
	i := bytes.IndexByte(field, '\\')
	if i < 0 {
		return string(field), nil
	}
	out := make([]byte, 0, len(field))
	out = append(out, field[:i]...)
	for ; i < len(field); i++ {
		c := field[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(field) {
			return "", errors.New("field ends in a lone backslash")
		}
		switch e := field[i]; e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '0':
			out = append(out, 0)
		case 'a':
			out = append(out, '\a')
		case 'v':
			out = append(out, '\v')
		case 'x':
			if i+2 >= len(field) {
				return "", errors.New(`short \x escape`)
			}
			v, err := strconv.ParseUint(string(field[i+1:i+3]), 16, 8)
			if err != nil {
				return "", fmt.Errorf(`bad \x escape %q`, field[i-1:i+3])
			}
			out = append(out, byte(v))
			i += 2
		default:
			out = append(out, e)
		}
	}
	return string(out), nil
}

// splitTSV splits TabSeparated output into rows of raw (still escaped)
// fields. Escaped fields never hold a raw tab or newline, so splitting on
// them is exact. Every row, including the last, ends in a newline.
func splitTSV(out []byte) ([][][]byte, error) {
	if len(out) == 0 {
		return nil, nil
	}
	if out[len(out)-1] != '\n' {
		return nil, errors.New("output does not end in a newline")
	}
	lines := bytes.Split(out[:len(out)-1], []byte{'\n'})
	rows := make([][][]byte, len(lines))
	for i, l := range lines {
		rows[i] = bytes.Split(l, []byte{'\t'})
	}
	return rows, nil
}

// insertTSVRow appends one row of store.RowValues as a TabSeparated line.
// The value types are exactly those RowValues produces; anything else is a
// programming error reported, not guessed at.
func appendTSVRow(dst []byte, vals []any) ([]byte, error) {
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, '\t')
		}
		switch x := v.(type) {
		case string:
			dst = appendTSVString(dst, x)
		case time.Time:
			// Text in UTC: the hour columns are DateTime('UTC'), and
			// the session time zone is UTC too. (Unix seconds would
			// be zone-free but ClickHouse refuses short ones like 0.)
			u := x.Unix()
			if u < 0 || u > 1<<32-1 {
				return nil, fmt.Errorf("time %s outside DateTime range", x.UTC().Format(time.RFC3339))
			}
			dst = x.UTC().AppendFormat(dst, store.DateTimeLayout)
		case int64:
			dst = strconv.AppendInt(dst, x, 10)
		case uint64:
			dst = strconv.AppendUint(dst, x, 10)
		case []uint64:
			dst = append(dst, '[')
			for j, n := range x {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = strconv.AppendUint(dst, n, 10)
			}
			dst = append(dst, ']')
		default:
			return nil, fmt.Errorf("value %d: unsupported type %T", i, v)
		}
	}
	return append(dst, '\n'), nil
}
