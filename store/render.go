package store

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// DateTimeLayout is how every DateTime is rendered in a Result: UTC, to the
// second, the same text ClickHouse prints for a DateTime('UTC').
const DateTimeLayout = "2006-01-02 15:04:05"

// DateLayout is how a Date is rendered in a Result.
const DateLayout = "2006-01-02"

// NullText is what a NULL renders as, ClickHouse's own text for it.
const NullText = `\N`

// RenderValue renders a value scanned by a driver as the text every adapter
// must produce for it, so that a Result is identical whichever engine ran the
// query: integers in decimal, floats in their shortest round-trip decimal form
// (nan, inf, -inf for the specials), DateTime in DateTimeLayout (UTC), strings
// byte for byte, bools as true/false, arrays as [a,b] with strings quoted as
// ClickHouse literals. Pointers are followed; nil is NullText. A Date column
// comes back from drivers as a time.Time: render it with RenderDate instead.
func RenderValue(v any) string {
	switch x := v.(type) {
	case nil:
		return NullText
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format(DateTimeLayout)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return RenderFloat(x)
	case float32:
		return renderFloatBits(float64(x), 32)
	case int:
		return strconv.FormatInt(int64(x), 10)
	case int8:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint:
		return strconv.FormatUint(uint64(x), 10)
	case uint8:
		return strconv.FormatUint(uint64(x), 10)
	case uint16:
		return strconv.FormatUint(uint64(x), 10)
	case uint32:
		return strconv.FormatUint(uint64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case interface{ String() string }:
		// big.Int (Int128/256), decimal.Decimal, uuid.UUID and friends.
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return NullText
		}
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return NullText
		}
		return RenderValue(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		return RenderArray(v)
	}
	return strings.TrimSpace(rv.String())
}

// RenderArray renders a slice as a ClickHouse array: [1,2], ['a','b'].
// Unlike RenderValue it treats a []byte as Array(UInt8), which is what a
// driver hands back for that column type.
func RenderArray(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return RenderValue(v)
	}
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < rv.Len(); i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		el := rv.Index(i)
		for el.Kind() == reflect.Interface && !el.IsNil() {
			el = el.Elem()
		}
		switch {
		case el.Kind() == reflect.String:
			b.WriteString(QuoteString(el.String()))
		case el.Kind() == reflect.Slice || el.Kind() == reflect.Array:
			b.WriteString(RenderArray(el.Interface()))
		default:
			b.WriteString(RenderValue(el.Interface()))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// RenderDate renders a Date column's value.
func RenderDate(t time.Time) string {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Format(DateLayout)
}

// RenderFloat renders a Float64 the way ClickHouse prints it for the values
// aggregates produce: shortest round-trip decimal, no exponent for ordinary
// magnitudes, nan/inf/-inf for the specials.
func RenderFloat(f float64) string { return renderFloatBits(f, 64) }

func renderFloatBits(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}
