package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
)

// The known mix of the totals tests. Five countable visitors of siteA:
//
//	V1 203.0.113.10 Chrome/Windows DE de   consented   /pricing (from www.google.com), /signup, sign_up event
//	V2 203.0.113.20 iPhone/Safari  US en   consented   POST: page_view /blog/post-1 (utm newsletter/email/Spring_Sale) + scroll
//	V3 203.0.113.30 Chrome/Windows DE fr   no cookie   /pricing from blog.example.org (ul=fr-FR beats Accept-Language)
//	V4 203.0.113.40 iPhone/Safari  -- es   consented, gcs=G100 (denied by the hit)  /
//	V5 203.0.113.50 Chrome/Windows FR en   cookie denies analytics  /pricing?gclid=… from www.google.com
//
// and V1 also visits siteB's /docs once. Not countable: an opt-out cookie,
// GPC, GPC+DNT, DNT, Googlebot, a browser without Accept-Language (bots),
// V1 with the staff cookie and V2 from a spam referrer (excluded), an
// unknown measurement id and a malformed hit (invalid). Three consent
// banner choices: accept_all and reject_all for siteA, custom without site.
var mixIPs = []string{"203.0.113.10", "203.0.113.20", "203.0.113.30", "203.0.113.40", "203.0.113.50", "203.0.113.60"}

// mixSecrets are values of the mix that must never be stored, spooled or
// logged: addresses, full user agents, client ids.
var mixSecrets = append([]string{uaChromeWin, uaIPhone, uaGooglebot, "cid-v1-4711", "cid-v2-4712", "cid-v3-4713"}, mixIPs...)

// mixTiming bounds V1's visit duration (first to last hit), in ms.
type mixTiming struct{ lo, hi int64 }

// sendMix sends the mix through HTTP and returns V1's duration bounds.
func sendMix(t testing.TB, c *client) mixTiming {
	t.Helper()
	granted := c.consent(true, true, siteA)
	rejected := c.consent(false, false, siteA)
	c.consent(true, false, "") // custom, counted without a site
	optout := c.optOut()

	v1 := browser{IP: "203.0.113.10", UA: uaChromeWin, Lang: "de-DE,de;q=0.9", Country: "DE", Cookie: granted + "; _ga=GA1.1.1.2"}
	v2 := browser{IP: "203.0.113.20", UA: uaIPhone, Lang: "en-US,en;q=0.8", Country: "US", Cookie: granted}
	v3 := browser{IP: "203.0.113.30", UA: uaChromeWin, Lang: "de", Country: "DE"}
	v4 := browser{IP: "203.0.113.40", UA: uaIPhone, Lang: "es-ES", Cookie: granted}
	v5 := browser{IP: "203.0.113.50", UA: uaChromeWin, Lang: "en-GB", Country: "FR", Cookie: rejected}
	other := browser{IP: "203.0.113.60", UA: uaChromeWin, Lang: "en", Country: "GB", Cookie: granted}

	// V1: a two-page visit with an event; gaps so its duration is > 0.
	start1 := time.Now()
	c.mustCollect(v1, hit(siteA, "cid-v1-4711", "page_view", "https://site.example/pricing", "dr", "https://www.google.com/"))
	end1 := time.Now()
	time.Sleep(30 * time.Millisecond)
	c.mustCollect(v1, hit(siteA, "cid-v1-4711", "page_view", "https://site.example/signup", "dr", "https://site.example/pricing"))
	time.Sleep(30 * time.Millisecond)
	start3 := time.Now()
	c.mustCollect(v1, hit(siteA, "cid-v1-4711", "sign_up", "https://site.example/signup"))
	end3 := time.Now()
	c.mustCollect(v1, hit(siteB, "cid-v1-4711", "page_view", "https://docs.example/docs/"))

	// V2: one POST, shared parameters in the query, two events in the body.
	c.mustCollect(v2, url.Values{"v": {"2"}, "tid": {siteA}, "cid": {"cid-v2-4712"}, "ul": {"en-us"}},
		url.Values{"en": {"page_view"}, "dl": {"https://site.example/blog/post-1?utm_source=Newsletter&utm_medium=email&utm_campaign=Spring_Sale"}},
		url.Values{"en": {"scroll"}, "dl": {"https://site.example/blog/post-1?utm_source=Newsletter&utm_medium=email&utm_campaign=Spring_Sale"}, "epn.percent_scrolled": {"90"}})
	c.mustCollect(v3, hit(siteA, "cid-v3-4713", "page_view", "https://site.example/pricing", "dr", "https://blog.example.org/a-post?id=7", "ul", "fr-FR"))
	c.mustCollect(v4, hit(siteA, "cid-v4", "page_view", "https://site.example/", "gcs", "G100"))
	c.mustCollect(v5, hit(siteA, "cid-v5", "page_view", "https://site.example/pricing?gclid=abc123", "dr", "https://www.google.com/"))

	// Suppressed, bots and invalid hits.
	optedOut := v1
	optedOut.Cookie = optout + "; " + granted
	c.mustCollect(optedOut, hit(siteA, "cid-v1-4711", "page_view", "https://site.example/private"))
	gpc := v2
	gpc.Header = map[string]string{"Sec-GPC": "1"}
	c.mustCollect(gpc, hit(siteA, "cid-v2-4712", "page_view", "https://site.example/private"))
	gpc.Header = map[string]string{"Sec-GPC": "1", "DNT": "1"}
	c.mustCollect(gpc, hit(siteA, "cid-v2-4712", "page_view", "https://site.example/private"))
	dnt := v3
	dnt.Header = map[string]string{"DNT": "1"}
	c.mustCollect(dnt, hit(siteA, "cid-v3-4713", "page_view", "https://site.example/private"))
	bot := browser{IP: "66.249.66.1", UA: uaGooglebot, Lang: "en", Cookie: granted}
	c.mustCollect(bot, hit(siteA, "", "page_view", "https://site.example/private"))
	noLang := v1
	noLang.Lang = ""
	c.mustCollect(noLang, hit(siteA, "cid-v1-4711", "page_view", "https://site.example/private"))
	// Excluded by the site owner's rules on by default: the staff cookie
	// (GET /exclude sets it) and a referrer on the spam list.
	staff := v1
	staff.Cookie = granted + "; " + consent.StaffCookie + "=1"
	c.mustCollect(staff, hit(siteA, "cid-v1-4711", "page_view", "https://site.example/private"))
	c.mustCollect(v2, hit(siteA, "cid-v2-4712", "page_view", "https://site.example/private", "dr", "https://semalt.com/"))
	if s := c.collect(other, hit("G-NOTOURS1", "cid-x", "page_view", "https://site.example/private")); s != http.StatusForbidden {
		t.Errorf("unknown measurement id: status %d, want 403", s)
	}
	status, _, _ := c.do(http.MethodGet, "/g/collect?v=2&tid="+siteA+"&en=page_view&dl=%zz", other.headers(), "")
	if status != http.StatusBadRequest {
		t.Errorf("malformed hit: status %d, want 400", status)
	}
	ms := func(d time.Duration) int64 { return d.Milliseconds() }
	// Each of V1's two gaps is floored to whole milliseconds.
	return mixTiming{lo: ms(start3.Sub(end1)) - 2, hi: ms(end3.Sub(start1)) + 1}
}

// mixUpstream checks what reached the stub Google after the forward queue
// drained: one request per forwarded hit (V1 ×3, V1 on siteB, V2's POST),
// six events in all, and nothing else.
func mixUpstream(t testing.TB, reqs []upstreamReq) {
	t.Helper()
	n, events := 0, 0
	for _, r := range reqs {
		if !strings.HasPrefix(r.URI, "/g/collect") {
			continue
		}
		n++
		if r.Body == "" {
			events++
		} else {
			events += len(strings.Split(r.Body, "\n"))
		}
		for _, h := range []string{"X-Forwarded-For", "Cookie", "Cf-Ipcountry"} {
			if r.Header.Get(h) != "" {
				t.Errorf("upstream got header %s: %q", h, r.Header.Get(h))
			}
		}
	}
	if n != 5 || events != 6 {
		t.Errorf("upstream got %d collect requests with %d events, want 5 with 6", n, events)
	}
}

// wantMix is every table's content after the mix, summed over hours:
// site|dims…|hits|pageviews|events|visits|bounces|duration_ms[|visitors].
// "$D" is V1's visit duration, which the same visit adds to every row of
// totals, entry_pages and sources it started in.
var wantMix = map[string][]string{
	"totals": {
		"G-OTHER99|0|1|1|1|1|0|1",
		"G-TEST123|0|6|8|5|4|$D|5",
	},
	"pages": {
		"G-OTHER99|/docs|0|1|1|0|0|0|1",
		"G-TEST123|/|0|1|1|0|0|0|1",
		"G-TEST123|/blog/post-1|0|1|2|0|0|0|1", // its page view and a scroll: every event counts on its page
		"G-TEST123|/pricing|0|3|3|0|0|0|3",
		"G-TEST123|/signup|0|1|2|0|0|0|1", // its page view and the sign_up
	},
	"entry_pages": {
		"G-OTHER99|/docs|0|1|1|1|1|0|1",
		"G-TEST123|/|0|1|1|1|1|0|1",
		"G-TEST123|/blog/post-1|0|1|2|1|1|0|1",
		"G-TEST123|/pricing|0|4|5|3|2|$D|3",
	},
	"events": {
		"G-OTHER99|page_view|0|1|1|0|0|0|1",
		"G-TEST123|page_view|0|6|6|0|0|0|5",
		"G-TEST123|scroll|0|0|1|0|0|0|1",
		"G-TEST123|sign_up|0|0|1|0|0|0|1",
	},
	"sources": {
		"G-OTHER99||direct||||0|1|1|1|1|0|1",
		"G-TEST123||direct||||0|1|1|1|1|0|1",
		"G-TEST123||email|newsletter|email|spring_sale|0|1|2|1|1|0|1",
		"G-TEST123|blog.example.org|referral||||0|1|1|1|1|0|1",
		"G-TEST123|google|organic_search||||0|2|3|1|0|$D|1",
		"G-TEST123|google|paid_search||||0|1|1|1|1|0|1",
	},
	"devices": {
		"G-OTHER99|Chrome|126|Windows|10|desktop|0|1|1|1|1|0|1",
		"G-TEST123|Chrome|126|Windows|10|desktop|0|4|5|3|2|0|3",
		"G-TEST123|Safari|17|iOS|17|mobile|0|2|3|2|2|0|2",
	},
	"countries": {
		"G-OTHER99|DE|0|1|1|1|1|0|1",
		"G-TEST123||0|1|1|1|1|0|1",
		"G-TEST123|DE|0|3|4|2|1|0|2",
		"G-TEST123|FR|0|1|1|1|1|0|1",
		"G-TEST123|US|0|1|2|1|1|0|1",
	},
	"languages": {
		"G-OTHER99|de|0|1|1|1|1|0|1",
		"G-TEST123|de|0|2|3|1|0|0|1",
		"G-TEST123|en|0|2|3|2|2|0|2",
		"G-TEST123|es|0|1|1|1|1|0|1",
		"G-TEST123|fr|0|1|1|1|1|0|1",
	},
	"outcomes": {
		"|invalid|2|0|0|0|0|0",
		"G-OTHER99|forwarded|1|0|0|0|0|0",
		"G-TEST123|bot|2|0|0|0|0|0",
		"G-TEST123|denied|2|0|0|0|0|0",
		"G-TEST123|dnt|1|0|0|0|0|0",
		"G-TEST123|excluded|2|0|0|0|0|0",
		"G-TEST123|forwarded|5|0|0|0|0|0",
		"G-TEST123|gpc|2|0|0|0|0|0",
		"G-TEST123|no_consent|1|0|0|0|0|0",
		"G-TEST123|opt_out|1|0|0|0|0|0",
	},
	"consent_choices": {
		"|1|custom|1|0|0|0|0|0",
		"G-TEST123|1|accept_all|1|0|0|0|0|0",
		"G-TEST123|1|reject_all|1|0|0|0|0|0",
	},
	"consent_jurisdictions": {
		"|unknown|custom|1|0|0|0|0|0",
		"G-TEST123|unknown|accept_all|1|0|0|0|0|0",
		"G-TEST123|unknown|reject_all|1|0|0|0|0|0",
	},
	// Every countable visit in "(visits)" under its channel, campaign and
	// entry page; the forwarded ones (V1 on both sites, V2) in "(ga4)" too.
	"goals": {
		"G-OTHER99|(ga4)|direct|||/docs|0|0|0|1|0|0|1",
		"G-OTHER99|(visits)|direct|||/docs|0|0|0|1|0|0|1",
		"G-TEST123|(ga4)|email|newsletter|spring_sale|/blog/post-1|0|0|0|1|0|0|1",
		"G-TEST123|(ga4)|organic_search|||/pricing|0|0|0|1|0|0|1",
		"G-TEST123|(visits)|direct|||/|0|0|0|1|0|0|1",
		"G-TEST123|(visits)|email|newsletter|spring_sale|/blog/post-1|0|0|0|1|0|0|1",
		"G-TEST123|(visits)|organic_search|||/pricing|0|0|0|1|0|0|1",
		"G-TEST123|(visits)|paid_search|||/pricing|0|0|0|1|0|0|1",
		"G-TEST123|(visits)|referral|||/pricing|0|0|0|1|0|0|1",
	},
	"funnels": {}, // none configured
	// Views, exits (V1 left /pricing for /signup) and V2's scroll.
	"page_flow": {
		"G-OTHER99|/docs|0|1|0|1|0|0|1",
		"G-TEST123|/|0|1|0|1|0|0|1",
		"G-TEST123|/blog/post-1|0|1|1|1|0|0|1",
		"G-TEST123|/pricing|0|3|0|2|0|0|3",
		"G-TEST123|/signup|0|1|0|1|0|0|1",
	},
	// At each visit's start: its campaign (V2's, without term or
	// content) and its place (no region header: the country alone).
	"campaign_details": {
		"G-OTHER99|||||0|0|0|1|0|0|1",
		"G-TEST123|||||0|0|0|4|0|0|4",
		"G-TEST123|newsletter|spring_sale|||0|0|0|1|0|0|1",
	},
	"regions": {
		"G-OTHER99|DE||0|0|0|1|0|0|1", // V1
		"G-TEST123|||0|0|0|1|0|0|1",   // V4, without a country
		"G-TEST123|DE||0|0|0|2|0|0|2",
		"G-TEST123|FR||0|0|0|1|0|0|1",
		"G-TEST123|US||0|0|0|1|0|0|1",
	},
	"page_countries": {}, // not asked for
	"event_props":    {}, // none configured
	"revenue":        {}, // no purchase
	"removed_params": {},
	"filtered": {
		"G-TEST123|bot|crawler|1|0|0|0|0|0",
		"G-TEST123|bot|other|1|0|0|0|0|0",
		"G-TEST123|excluded|referrer_spam|1|0|0|0|0|0",
		"G-TEST123|excluded|staff|1|0|0|0|0|0",
	},
}

// querier runs queries on a store: in this process or in a child.
type querier func(t testing.TB, sqls []string) []consentproxy.Result

func storeQuerier(s consentproxy.Store) querier {
	return func(t testing.TB, sqls []string) []consentproxy.Result {
		t.Helper()
		out := make([]consentproxy.Result, len(sqls))
		for i, q := range sqls {
			ctx, cancel := testContext(30 * time.Second)
			res, err := s.Query(ctx, q)
			cancel()
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out[i] = res
		}
		return out
	}
}

// tableQuery sums every metric of table per site and dimensions over all
// hours, newest version per key (FINAL). Named columns and aliases only:
// 18.16 reads GROUP BY 1 as the constant 1.
func tableQuery(t consentproxy.Table) string {
	keys := strings.Join(append([]string{"site"}, t.Dims...), ", ")
	q := "SELECT " + keys + ", sum(hits) AS h, sum(pageviews) AS pv, sum(events) AS ev, sum(visits) AS vi," +
		" sum(bounces) AS bo, sum(duration_ms) AS du"
	if t.Visitors {
		q += ", uniqArrayMerge(visitors) AS u"
	}
	return q + " FROM " + t.Name + " FINAL GROUP BY " + keys + " ORDER BY " + keys
}

// checkTables compares every table with want. "$D" cells must all hold the
// same duration, within tm's bounds.
func checkTables(t testing.TB, q querier, want map[string][]string, tm mixTiming) {
	t.Helper()
	for _, tb := range consentproxy.Tables() {
		if _, ok := want[tb.Name]; !ok {
			t.Errorf("table %s has no expectation", tb.Name)
		}
	}
	if len(want) != len(consentproxy.Tables()) {
		t.Errorf("expectations for %d tables, the schema has %d", len(want), len(consentproxy.Tables()))
	}
	compareTables(t, q, want, tm)
}

// checkSome compares only the tables want names; "$D" is any duration.
func checkSome(t testing.TB, q querier, want map[string][]string) {
	t.Helper()
	compareTables(t, q, want, mixTiming{lo: 0, hi: 1 << 62})
}

func compareTables(t testing.TB, q querier, want map[string][]string, tm mixTiming) {
	t.Helper()
	var tables []consentproxy.Table
	var sqls []string
	for _, tb := range consentproxy.Tables() {
		if _, ok := want[tb.Name]; ok {
			tables = append(tables, tb)
			sqls = append(sqls, tableQuery(tb))
		}
	}
	results := q(t, sqls)
	dur := int64(-1)
	for i, tb := range tables {
		got := results[i].Rows
		exp := want[tb.Name]
		ok := len(got) == len(exp)
		for j := 0; ok && j < len(got); j++ {
			cells := strings.Split(exp[j], "|")
			if len(cells) != len(got[j]) {
				ok = false
				break
			}
			for k, c := range cells {
				if c != "$D" {
					ok = ok && c == got[j][k]
					continue
				}
				d, err := strconv.ParseInt(got[j][k], 10, 64)
				switch {
				case err != nil || d < tm.lo || d > tm.hi:
					t.Errorf("%s row %d: duration %s ms, want within [%d, %d]", tb.Name, j, got[j][k], tm.lo, tm.hi)
				case dur >= 0 && d != dur:
					t.Errorf("%s row %d: duration %d ms, other rows of the visit say %d", tb.Name, j, d, dur)
				}
				dur = d
			}
		}
		if !ok {
			t.Errorf("table %s (%s):\n got: %s\nwant: %s", tb.Name, sqls[i], joinRows(got), strings.Join(exp, "\n      "))
		}
	}
}

func joinRows(rows [][]string) string {
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteString("\n      ")
		}
		fmt.Fprint(&b, strings.Join(r, "|"))
	}
	return b.String()
}
