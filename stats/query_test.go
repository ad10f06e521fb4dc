package stats

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// nilStore is for tests that never reach an engine (routing, validation).
type nilStore struct{ consentproxy.Store }

func (nilStore) Query(context.Context, string, ...any) (consentproxy.Result, error) {
	return consentproxy.Result{}, errors.New("nilStore: no engine")
}

func TestParseValuesMatchesJSON(t *testing.T) {
	v, _ := url.ParseQuery("site=G-1&metrics=visitors,pageviews&dimensions=time:day&dimensions=page" +
		"&date_range=2026-01-01,2026-01-31&timezone=Europe/Berlin&filters=" + url.QueryEscape(`[["in","page",["/a","/b"]]]`) +
		"&order_by=visitors:desc,page:asc&limit=10&page=2")
	got, err := ParseValues(v)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseJSON([]byte(`{"site":"G-1","metrics":["visitors","pageviews"],"dimensions":["time:day","page"],
		"date_range":["2026-01-01","2026-01-31"],"timezone":"Europe/Berlin","filters":[["in","page",["/a","/b"]]],
		"order_by":[["visitors","desc"],["page","asc"]],"limit":10,"page":2}`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GET %+v\nPOST %+v", got, want)
	}
	for _, bad := range []string{"limit=x", "order_by=visitors:up", "filters=[1]", "metric=visitors", "order_by=[1]"} {
		v, _ := url.ParseQuery(bad)
		if _, err := ParseValues(v); consentproxy.ErrorCode(err) != consentproxy.EINVALID {
			t.Errorf("ParseValues(%s) = %v; want an invalid error", bad, err)
		}
	}
}

func TestDateRanges(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 3, 31, 0, 30, 0, 0, berlin) // just after midnight, right after the DST change
	for _, tc := range []struct {
		d        DateRange
		from, to string
	}{
		{DateRange{Period: "today"}, "2026-03-30T22:00:00Z", "2026-03-31T22:00:00Z"},
		{DateRange{Period: "7d"}, "2026-03-24T23:00:00Z", "2026-03-31T22:00:00Z"},
		{DateRange{Period: "30d"}, "2026-03-01T23:00:00Z", "2026-03-31T22:00:00Z"},
		{DateRange{Period: "month"}, "2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z"},
		{DateRange{Period: "12mo"}, "2025-03-31T22:00:00Z", "2026-03-31T22:00:00Z"},
		{DateRange{From: "2026-03-29", To: "2026-03-29"}, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"},
	} {
		from, to, err := dateRange(tc.d, now)
		if err != nil || from.Format(time.RFC3339) != tc.from || to.Format(time.RFC3339) != tc.to {
			t.Errorf("%+v: [%s, %s) %v; want [%s, %s)", tc.d, from.Format(time.RFC3339), to.Format(time.RFC3339), err, tc.from, tc.to)
		}
	}
	for _, d := range []DateRange{{Period: "1w"}, {From: "2026-02-01", To: "2026-01-01"}, {From: "x", To: "2026-01-01"}, {From: "2000-01-01", To: "2026-01-01"}} {
		if _, _, err := dateRange(d, now); consentproxy.ErrorCode(err) != consentproxy.EINVALID {
			t.Errorf("%+v: %v; want an invalid error", d, err)
		}
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-1": "'-1", "@x": "'@x",
		"\tx": "'\tx", "/a=b": "/a=b", "": "", "(other)": "(other)"} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without a store succeeded")
	}
	if _, err := New(Config{Store: nilStore{}, MinCount: -1}); err == nil {
		t.Error("New with a negative MinCount succeeded")
	}
}

// TestSQLBindsUserValues: no user-supplied value ever appears in the SQL
// text, only as an argument.
func TestSQLBindsUserValues(t *testing.T) {
	marker := "x'); DROP TABLE pages; --"
	q := Query{Site: marker, Metrics: []string{"visitors", "pageviews"}, Dimensions: []string{"time:day", "page"},
		Filters: []Filter{{"contains", "page", []string{marker}}, {"is_not", "page", []string{marker}}}, Timezone: "Europe/Berlin"}
	p, err := validate(q, fixNow)
	if err != nil {
		t.Fatal(err)
	}
	frontier := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	p.from = frontier.AddDate(0, -3, 0)
	for _, pt := range p.parts() {
		sql, args := p.sql(pt, p.segments(frontier))
		if strings.Contains(sql, "DROP") || strings.Contains(sql, "Berlin") {
			t.Errorf("user value in SQL: %s", sql)
		}
		if n := strings.Count(sql, "?"); n != len(args) {
			t.Errorf("%d placeholders, %d args: %s", n, len(args), sql)
		}
	}
}

// FuzzParseQuery: any body either parses and validates to a query whose
// normalized JSON parses back to the same plan, or is refused with a
// client-safe error; never a panic or an internal error.
func FuzzParseQuery(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzParseQuery.
	f.Fuzz(func(t *testing.T, body []byte) {
		q, err := ParseJSON(body)
		if err != nil {
			if code := consentproxy.ErrorCode(err); code != consentproxy.EINVALID && code != consentproxy.ETOOLARGE {
				t.Fatalf("ParseJSON error %v has code %s", err, code)
			}
			return
		}
		p, err := validate(q, fixNow)
		if err != nil {
			if consentproxy.ErrorCode(err) != consentproxy.EINVALID {
				t.Fatalf("validate error %v is not EINVALID", err)
			}
			return
		}
		norm, err := json.Marshal(p.q)
		if err != nil {
			t.Fatalf("marshal normalized query: %v", err)
		}
		q2, err := ParseJSON(norm)
		if err != nil {
			t.Fatalf("normalized query %s does not parse: %v", norm, err)
		}
		p2, err := validate(q2, fixNow)
		if err != nil {
			t.Fatalf("normalized query %s does not validate: %v", norm, err)
		}
		if !reflect.DeepEqual(p.q, p2.q) || !p.from.Equal(p2.from) || !p.to.Equal(p2.to) {
			t.Fatalf("normalization is not stable: %+v vs %+v", p.q, p2.q)
		}
		for _, pt := range p.parts() {
			sql, args := p.sql(pt, p.segments(fixNow.Truncate(24*time.Hour)))
			if n := strings.Count(sql, "?"); n != len(args) {
				t.Fatalf("%d placeholders, %d args: %s", n, len(args), sql)
			}
		}
	})
}

// TestPageCountriesOptIn: page × country is refused, saying how to turn it
// on, unless the proxy writes the breakdown.
func TestPageCountriesOptIn(t *testing.T) {
	app := newApp(t, Config{Store: nilStore{}})
	a := post(t, app, `{"site":"G-X","metrics":["visitors"],"dimensions":["page","country"]}`)
	if a.status != 400 || !strings.Contains(a.body, "--breakdowns page_country") {
		t.Errorf("%d %s", a.status, a.body)
	}
}
