package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/consentproxy/consentproxy"
)

// Query is one question to the aggregates, shaped after Plausible's v2 query
// API. The same fields arrive as a JSON body (POST) or as query parameters
// (GET); see ParseJSON and ParseValues.
type Query struct {
	Site       string    `json:"site"`
	Metrics    []string  `json:"metrics"`
	Dimensions []string  `json:"dimensions"`
	DateRange  DateRange `json:"date_range"`
	// Timezone is an IANA name; time buckets and named periods are computed
	// in it. Default UTC.
	Timezone string   `json:"timezone"`
	Filters  []Filter `json:"filters"`
	OrderBy  []Order  `json:"order_by"`
	// Limit is the page size. Default 100, at most MaxLimit.
	Limit int `json:"limit"`
	// Page is 1-based. Default 1.
	Page int `json:"page"`
	// Compare adds each row's values in another period: previous_period
	// (as long, immediately before) or year_over_year. Default none.
	Compare string `json:"compare,omitempty"`
}

// DateRange is a named period (today, 7d, 30d, month, 12mo) or an inclusive
// [from, to] pair of dates (YYYY-MM-DD). In JSON it is a string or a
// two-element array.
type DateRange struct {
	Period   string
	From, To string
}

// Filter is [op, dimension, value or [values]] in JSON.
type Filter struct {
	Op        string
	Dimension string
	Values    []string
}

// Order is [field, "asc"|"desc"] in JSON; field is a metric or a dimension
// of the query.
type Order struct {
	Field string
	Desc  bool
}

// Limits of a query.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
	maxBody      = 64 << 10
	maxFilters   = 20
	maxValues    = 100
	maxValueLen  = 1024
)

// Periods are the named date ranges.
var Periods = []string{"today", "7d", "30d", "month", "12mo"}

// FilterOps are the filter operators.
var FilterOps = []string{"is", "is_not", "contains", "in"}

func invalid(format string, args ...any) error {
	return consentproxy.Errorf(consentproxy.EINVALID, format, args...)
}

// UnmarshalJSON accepts "7d" or ["2026-01-01", "2026-01-31"].
func (d *DateRange) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*d = DateRange{Period: s}
		return nil
	}
	var pair []string
	if err := json.Unmarshal(b, &pair); err != nil || len(pair) != 2 {
		return invalid("date_range must be one of %s or a [from, to] pair of YYYY-MM-DD dates", strings.Join(Periods, ", "))
	}
	*d = DateRange{From: pair[0], To: pair[1]}
	return nil
}

// MarshalJSON writes the form UnmarshalJSON reads.
func (d DateRange) MarshalJSON() ([]byte, error) {
	if d.Period != "" || (d.From == "" && d.To == "") {
		return json.Marshal(d.Period)
	}
	return json.Marshal([]string{d.From, d.To})
}

// UnmarshalJSON accepts [op, dimension, value] or [op, dimension, [values]].
func (f *Filter) UnmarshalJSON(b []byte) error {
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != 3 {
		return invalid("a filter is [op, dimension, value or [values]], e.g. [\"is\", \"page\", \"/pricing\"]")
	}
	if json.Unmarshal(parts[0], &f.Op) != nil || json.Unmarshal(parts[1], &f.Dimension) != nil {
		return invalid("a filter's op and dimension must be strings")
	}
	var one string
	if err := json.Unmarshal(parts[2], &one); err == nil {
		f.Values = []string{one}
		return nil
	}
	if err := json.Unmarshal(parts[2], &f.Values); err != nil {
		return invalid("a filter's value must be a string or an array of strings")
	}
	return nil
}

// MarshalJSON writes [op, dimension, [values]].
func (f Filter) MarshalJSON() ([]byte, error) {
	v := f.Values
	if v == nil {
		v = []string{}
	}
	return json.Marshal([]any{f.Op, f.Dimension, v})
}

// UnmarshalJSON accepts [field, "asc"|"desc"].
func (o *Order) UnmarshalJSON(b []byte) error {
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != 2 {
		return invalid("order_by is a list of [field, \"asc\"|\"desc\"] pairs")
	}
	return o.set(parts[0], parts[1])
}

func (o *Order) set(field, dir string) error {
	o.Field = field
	switch dir {
	case "asc":
		o.Desc = false
	case "desc":
		o.Desc = true
	default:
		return invalid("order direction %q is neither \"asc\" nor \"desc\"", dir)
	}
	return nil
}

// MarshalJSON writes [field, dir].
func (o Order) MarshalJSON() ([]byte, error) {
	dir := "asc"
	if o.Desc {
		dir = "desc"
	}
	return json.Marshal([]string{o.Field, dir})
}

// ParseJSON reads a query from a POST body. Unknown fields are refused so a
// typo ("metric") is not silently ignored.
func ParseJSON(body []byte) (Query, error) {
	var q Query
	if len(body) > maxBody {
		return q, consentproxy.Errorf(consentproxy.ETOOLARGE, "the query body is larger than %d bytes", maxBody)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		if consentproxy.ErrorCode(err) == consentproxy.EINVALID {
			return q, err
		}
		return q, invalid("the body is not a valid query object: %v", err)
	}
	if dec.More() {
		return q, invalid("the body holds more than one JSON value")
	}
	return q, nil
}

// ParseValues reads a query from GET parameters: the same fields, with lists
// comma-separated (metrics=visitors,pageviews), date_range=7d or
// date_range=2026-01-01,2026-01-31, filters as JSON, order_by as JSON or
// field:dir[,field:dir].
func ParseValues(v url.Values) (Query, error) {
	var q Query
	for key := range v {
		switch key {
		case "site", "metrics", "dimensions", "date_range", "timezone", "filters", "order_by", "limit", "page", "compare", "format":
		default:
			return q, invalid("unknown parameter %q; known: site, metrics, dimensions, date_range, timezone, filters, order_by, limit, page, compare, format", key)
		}
	}
	q.Site = v.Get("site")
	q.Metrics = splitList(v["metrics"])
	q.Dimensions = splitList(v["dimensions"])
	q.Timezone = v.Get("timezone")
	q.Compare = v.Get("compare")
	if dr := v.Get("date_range"); dr != "" {
		if from, to, ok := strings.Cut(dr, ","); ok {
			q.DateRange = DateRange{From: from, To: to}
		} else {
			q.DateRange = DateRange{Period: dr}
		}
	}
	if f := v.Get("filters"); f != "" {
		if err := json.Unmarshal([]byte(f), &q.Filters); err != nil {
			if consentproxy.ErrorCode(err) == consentproxy.EINVALID {
				return q, err
			}
			return q, invalid("filters must be a JSON array of [op, dimension, value] filters")
		}
	}
	if o := v.Get("order_by"); o != "" {
		if strings.HasPrefix(o, "[") {
			if err := json.Unmarshal([]byte(o), &q.OrderBy); err != nil {
				if consentproxy.ErrorCode(err) == consentproxy.EINVALID {
					return q, err
				}
				return q, invalid("order_by must be field:dir pairs or a JSON array of [field, dir] pairs")
			}
		} else {
			for _, part := range strings.Split(o, ",") {
				field, dir, _ := strings.Cut(part, ":")
				if dir == "" {
					dir = "desc"
				}
				var ord Order
				if err := ord.set(field, dir); err != nil {
					return q, err
				}
				q.OrderBy = append(q.OrderBy, ord)
			}
		}
	}
	for name, dst := range map[string]*int{"limit": &q.Limit, "page": &q.Page} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return q, invalid("%s must be an integer, not %q", name, s)
			}
			*dst = n
		}
	}
	return q, nil
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func errUnknown(kind, got string, known []string) error {
	return invalid("unknown %s %s; possible: %s", kind, fmt.Sprintf("%q", got), strings.Join(known, ", "))
}
