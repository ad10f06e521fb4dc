package consent

import (
	"bufio"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// header builds a request header from raw Cookie header lines, as a
// browser sends them.
func header(cookies ...string) *fasthttp.RequestHeader {
	var h fasthttp.RequestHeader
	raw := "GET / HTTP/1.1\r\nHost: example.com\r\n"
	for _, c := range cookies {
		raw += "Cookie: " + c + "\r\n"
	}
	if err := h.Read(bufioReader(raw + "\r\n")); err != nil {
		panic(err)
	}
	return &h
}

// TestOptedOutAnyCookie: with several opt-out cookies (one per scope), an
// opt-out in any of them wins, whatever their order (issue 14: the first
// one was read, so an empty one a sibling subdomain set on the parent
// domain lifted the visitor's opt-out).
func TestOptedOutAnyCookie(t *testing.T) {
	for _, tt := range []struct {
		cookies []string
		want    bool
	}{
		{nil, false},
		{[]string{"cp_optout=1"}, true},
		{[]string{"cp_optout="}, false},
		{[]string{"cp_optout=; cp_optout=1"}, true},
		{[]string{"cp_optout=1; cp_optout="}, true},
		{[]string{"a=b; cp_optout=; c=d; cp_optout=1"}, true},
		{[]string{"cp_optout=", "cp_optout=1"}, true}, // two Cookie headers
		{[]string{"cp_optoutx=1; xcp_optout=1"}, false},
	} {
		if got := OptedOut(header(tt.cookies...)); got != tt.want {
			t.Errorf("OptedOut(%q) = %v, want %v", tt.cookies, got, tt.want)
		}
	}
}

// TestConsentMostRestrictive: with several consent cookies, the most
// restrictive valid one decides; an invalid one never hides a valid one and
// counts only when no valid one is there (issue 14: the first one decided,
// so a copied "accept all" set on the parent domain overrode a refusal).
func TestConsentMostRestrictive(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c := mustCodec(t, now, keyA)
	enc := func(rev string, cats Categories) string {
		r, _ := c.NewRecord(rev, cats)
		return ConsentCookie + "=" + c.Encode(r, "example.com")
	}
	all, analytics, mkt, none := enc("3", Categories{Analytics: true, Marketing: true}),
		enc("3", Categories{Analytics: true}), enc("3", Categories{Marketing: true}), enc("3", Categories{})
	oldAll := enc("2", Categories{Analytics: true, Marketing: true})
	garbage := ConsentCookie + "=x.y.z"
	for _, tt := range []struct {
		name    string
		cookies []string
		state   State
		record  string // categories of DecodeHeader's record; "" for its error
		err     error
	}{
		{"none", nil, StateMissing, "", ErrNoCookie},
		{"one", []string{all}, StateGranted, "am", nil},
		{"grant then refusal", []string{all + "; " + none}, StateDenied, "n", nil},
		{"refusal then grant", []string{none + "; " + all}, StateDenied, "n", nil},
		{"two headers", []string{all, none}, StateDenied, "n", nil},
		{"analytics vs marketing", []string{analytics + "; " + mkt}, StateDenied, "m", nil},
		{"fewer grants", []string{all + "; " + analytics}, StateGranted, "a", nil},
		{"garbage first", []string{garbage + "; " + analytics}, StateGranted, "a", nil},
		{"garbage only", []string{garbage}, StateInvalid, "", ErrMalformed},
		{"empty value", []string{ConsentCookie + "="}, StateMissing, "", ErrNoCookie},
		{"old revision beside a refusal", []string{oldAll + "; " + none}, StateDenied, "n", nil},
		{"old revision only", []string{oldAll}, StateInvalid, "am", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := header(tt.cookies...)
			if got := c.StateOfHeader(h, "example.com", "3"); got != tt.state {
				t.Errorf("StateOfHeader = %v, want %v", got, tt.state)
			}
			rec, err := c.DecodeHeader(h, "example.com")
			if tt.record == "" {
				if !errors.Is(err, tt.err) {
					t.Errorf("DecodeHeader error %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || categoriesString(rec.Categories) != tt.record {
				t.Errorf("DecodeHeader = %s, %v; want %s", categoriesString(rec.Categories), err, tt.record)
			}
		})
	}
}

func TestOptedOutAllocs(t *testing.T) {
	h := header("a=b; cp_optout=; cp_consent=x; cp_optout=1")
	OptedOut(h) // parse the cookies once, as the first reader does
	if n := testing.AllocsPerRun(100, func() { OptedOut(h) }); n != 0 {
		t.Errorf("OptedOut allocates %v times", n)
	}
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }
