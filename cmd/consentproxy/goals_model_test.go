package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The ground truth of TestGoalsGroundTruth: a plan of visitors, visits and
// hits drawn from a fixed seed, and the answers the API owes for it,
// computed here from the plan alone. Nothing of package aggregate is used:
// which page or event reaches which goal is written out by hand below, and
// visits are cut from the counted hits' times by the documented rule (a
// gap of more than 30 minutes starts a new one).

// truthGoalsYAML and truthFunnelsYAML are what the proxy is started with.
// docs applies to siteB only, so it must never show up on siteA.
const truthGoalsYAML = `signup: {event: sign_up}
pricing: {page: /pricing}
thanks: {page: "/**/thanks"}
blog: {page: "/blog/*"}
docs: {page: "/blog/*", sites: [` + siteB + `]}
`

const truthFunnelsYAML = `checkout: {steps: [pricing, signup, thanks]}
reading: {steps: [blog, thanks]}
`

// truthPageGoals is which goals a page view of each page reaches, by hand:
// * is one segment, ** any number of them (none included).
var truthPageGoals = map[string]map[string][]string{
	siteA: {
		"/": nil, "/pricing": {"pricing"}, "/blog/x": {"blog"}, "/blog/thanks": {"blog", "thanks"},
		"/blog/y/comments": nil, "/order/thanks": {"thanks"}, "/thanks": {"thanks"}, "/order/thanks/extra": nil,
	},
	siteB: {"/": nil, "/pricing": {"pricing"}, "/blog/x": {"blog", "docs"}},
}

// truthFunnels are the funnels' steps, in order.
var truthFunnels = map[string][]string{"checkout": {"pricing", "signup", "thanks"}, "reading": {"blog", "thanks"}}

var truthPages = []string{"/", "/pricing", "/blog/x", "/blog/thanks", "/blog/y/comments", "/order/thanks", "/thanks", "/order/thanks/extra"}

// A visit's source: how its landing hit arrives, and the sources
// dimensions (channel, utm_source, utm_campaign) it must be counted under.
type truthSource struct {
	name, query, referrer       string
	channel, utmSource, utmCamp string
}

var truthSources = []truthSource{
	{name: "direct", channel: "direct"},
	{name: "organic", referrer: "https://www.google.com/", channel: "organic_search"},
	{name: "news", query: "?utm_source=news&utm_medium=email&utm_campaign=spring", channel: "email", utmSource: "news", utmCamp: "spring"},
	{name: "paid", query: "?utm_source=google&utm_medium=cpc&utm_campaign=brand", channel: "paid_search", utmSource: "google", utmCamp: "brand"},
	{name: "referral", referrer: "https://blog.example.org/a-post", channel: "referral"},
}

// Visitor kinds: how the proxy decides their hits.
const (
	kindGranted  = "granted"  // consent cookie on every hit: counted and forwarded
	kindNone     = "none"     // no cookie (opt-in region): counted, never forwarded
	kindLater    = "later"    // no cookie until hit k of theirs, then granted
	kindRejected = "rejected" // cookie refusing analytics: counted, never forwarded
	kindGPC      = "gpc"      // Sec-GPC with a granted cookie: neither counted nor forwarded
	kindOptOut   = "optout"   // the opt-out cookie: neither
	kindBot      = "bot"      // Googlebot: neither
)

type truthVisitor struct {
	id        int
	ip, ua    string
	kind      string
	consentAt int // kindLater: the index of their first consented hit
}

type truthHit struct {
	v     *truthVisitor
	site  string
	at    time.Duration // from the plan's start
	event string
	page  string
	src   *truthSource // the landing hit's source; nil on later hits
	prev  string       // the page before, for dr
	idx   int          // the visitor's n-th hit

	reached map[string]bool // the goals it reaches, set by truthVisits
}

func (h *truthHit) counted() bool {
	switch h.v.kind {
	case kindGPC, kindOptOut, kindBot:
		return false
	}
	return true
}

func (h *truthHit) forwarded() bool {
	return h.v.kind == kindGranted || h.v.kind == kindLater && h.idx >= h.v.consentAt
}

// query is the hit's GA4 parameters.
func (h *truthHit) query() url.Values {
	dl := "https://site.example" + h.page
	var kv []string
	if h.src != nil {
		dl += h.src.query
		if h.src.referrer != "" {
			kv = append(kv, "dr", h.src.referrer)
		}
	} else if h.prev != "" {
		kv = append(kv, "dr", "https://site.example"+h.prev)
	}
	return hit(h.site, "cid-"+strconv.Itoa(h.v.id), h.event, dl, kv...)
}

// truthPlan draws n visitors of siteA with 1-3 visits each; every visit's
// hits are less than 30 minutes apart, visits more than 30 minutes apart.
// A few visitors also visit siteB once. Hits are returned by time.
func truthPlan(seed uint64, n int) ([]*truthVisitor, []*truthHit) {
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(weights ...int) int {
		sum := 0
		for _, w := range weights {
			sum += w
		}
		x := rnd.IntN(sum)
		for i, w := range weights {
			if x < w {
				return i
			}
			x -= w
		}
		panic("unreachable")
	}
	between := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(rnd.Int64N(int64(hi-lo))) }
	kinds := []string{kindGranted, kindNone, kindLater, kindRejected, kindGPC, kindOptOut, kindBot}
	var visitors []*truthVisitor
	var hits []*truthHit
	for i := range n {
		v := &truthVisitor{id: i, kind: kinds[pick(45, 20, 15, 8, 4, 4, 2)]}
		// Addresses are distinct but every tenth visitor shares the one
		// before it with another browser: still another visitor.
		a := i - i/10
		v.ip = fmt.Sprintf("198.51.%d.%d", 100+a/200, 1+a%200)
		if i%10 == 9 {
			v.ua = strings.Replace(uaIPhone, "17_5", "17_"+strconv.Itoa(i%7), 1)
		} else {
			v.ua = strings.Replace(uaChromeWin, "126.0.0.0", "126.0."+strconv.Itoa(i)+".0", 1)
		}
		if v.kind == kindBot {
			v.ua = uaGooglebot
		}
		visitors = append(visitors, v)
		var mine []*truthHit
		at := time.Duration(rnd.Int64N(int64(30 * time.Minute)))
		for vi := range 1 + pick(55, 30, 15) {
			if vi > 0 {
				at += between(31*time.Minute, 45*time.Minute)
			}
			src := &truthSources[pick(30, 25, 20, 15, 10)]
			landing := []string{"/", "/pricing", "/blog/x"}[pick(50, 30, 20)]
			visit := []*truthHit{{event: "page_view", page: landing, src: src}}
			cur := landing
			add := func(event, page string) {
				at += between(5*time.Second, 6*time.Minute)
				h := &truthHit{event: event, page: page, at: at}
				if event == "page_view" {
					h.prev, cur = cur, page
				} else {
					h.page = cur
				}
				visit = append(visit, h)
			}
			visit[0].at = at
			if pick(70, 30) == 1 {
				// A checkout, sometimes cut short, with noise in between.
				steps := []func(){func() { add("page_view", "/pricing") }, func() { add("sign_up", "") }, func() { add("page_view", "/order/thanks") }}
				for _, s := range steps[:1+rnd.IntN(3)] {
					if rnd.IntN(4) == 0 {
						add("scroll", "")
					}
					s()
				}
			} else {
				for range rnd.IntN(5) {
					switch pick(50, 20, 15, 15) {
					case 0:
						add("page_view", truthPages[rnd.IntN(len(truthPages))])
					case 1:
						add("scroll", "")
					case 2:
						add("sign_up", "")
					case 3:
						add("purchase", "")
					}
				}
			}
			mine = append(mine, visit...)
		}
		if i%40 == 0 {
			// One visit of siteB (a visit of its own, whenever it is).
			at += time.Minute
			mine = append(mine, &truthHit{site: siteB, event: "page_view", page: "/blog/x", src: &truthSources[0], at: at},
				&truthHit{site: siteB, event: "page_view", page: "/pricing", prev: "/blog/x", at: at + time.Minute})
		}
		for j, h := range mine {
			h.v, h.idx = v, j
			if h.site == "" {
				h.site = siteA
			}
		}
		if v.kind == kindLater {
			v.consentAt = 1 + rnd.IntN(len(mine))
		}
		hits = append(hits, mine...)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	return visitors, hits
}

// truthVisit is one visit as the model cuts it from counted hits.
type truthVisit struct {
	v      *truthVisitor
	site   string
	src    *truthSource
	entry  string
	hits   []*truthHit
	goals  map[string]int // goal → completions in this visit
	funnel map[string]int // funnel → steps reached
	ga4    bool           // a hit was forwarded
}

// truthVisits cuts the counted hits of each visitor and site into visits.
func truthVisits(hits []*truthHit) []*truthVisit {
	type key struct {
		v    *truthVisitor
		site string
	}
	open := map[key]*truthVisit{}
	var out []*truthVisit
	for _, h := range hits {
		if !h.counted() {
			continue
		}
		k := key{h.v, h.site}
		tv := open[k]
		if tv == nil || h.at-tv.hits[len(tv.hits)-1].at > 30*time.Minute {
			if h.src == nil {
				panic(fmt.Sprintf("visitor %d: a visit starting without a landing hit", h.v.id))
			}
			tv = &truthVisit{v: h.v, site: h.site, src: h.src, entry: h.page, goals: map[string]int{}, funnel: map[string]int{}}
			open[k] = tv
			out = append(out, tv)
		}
		tv.hits = append(tv.hits, h)
		tv.ga4 = tv.ga4 || h.forwarded()
		reached := map[string]bool{}
		if h.event == "page_view" {
			pg, ok := truthPageGoals[h.site][h.page]
			if !ok {
				panic("no goals written down for " + h.site + " " + h.page)
			}
			for _, g := range pg {
				reached[g] = true
			}
		}
		if h.event == "sign_up" {
			reached["signup"] = true
		}
		h.reached = reached
		for g := range reached {
			tv.goals[g]++
		}
		for f, steps := range truthFunnels {
			if p := tv.funnel[f]; p < len(steps) && reached[steps[p]] {
				tv.funnel[f] = p + 1 // one step per hit at most
			}
		}
	}
	return out
}

// truthCell sums one result row: its visitors, visits and events, and the
// visitors of its conversion rate's denominator.
type truthCell struct {
	visitors     map[*truthVisitor]bool
	visits, evts int
	base         map[*truthVisitor]bool
	converted    map[*truthVisitor]bool
}

// truthTable is the expected answer of one query, by dimension values.
type truthTable map[string]*truthCell

func (tt truthTable) cell(key ...string) *truthCell {
	k := strings.Join(key, "|")
	if tt[k] == nil {
		tt[k] = &truthCell{visitors: map[*truthVisitor]bool{}, base: map[*truthVisitor]bool{}, converted: map[*truthVisitor]bool{}}
	}
	return tt[k]
}

// rate is 100 × a / b with one decimal, halves rounded up, in integers.
func truthRate(a, b int) string {
	if b == 0 {
		return "null"
	}
	r := (2000*a + b) / (2 * b)
	return strconv.FormatFloat(float64(r)/10, 'f', -1, 64)
}

// render formats each row's metrics as the API's are compared.
func (tt truthTable) render(metrics ...string) map[string]string {
	out := map[string]string{}
	for k, c := range tt {
		var cells []string
		for _, m := range metrics {
			switch m {
			case "visitors":
				cells = append(cells, strconv.Itoa(len(c.visitors)))
			case "visits":
				cells = append(cells, strconv.Itoa(c.visits))
			case "events":
				cells = append(cells, strconv.Itoa(c.evts))
			case "conversion_rate":
				cells = append(cells, truthRate(len(c.converted), len(c.base)))
			}
		}
		out[k] = strings.Join(cells, " ")
	}
	return out
}

// truthCoverage counts what of the plan's variety its visits hold, so a
// new seed cannot quietly drop a case the test is meant to exercise.
func truthCoverage(visits []*truthVisit, anchor time.Time) map[string]int {
	c := map[string]int{}
	per := map[*truthVisitor]int{}
	for _, tv := range visits {
		if tv.site != siteA {
			continue
		}
		per[tv.v]++
		first, last := tv.hits[0], tv.hits[len(tv.hits)-1]
		if anchor.Add(first.at).Truncate(time.Hour) != anchor.Add(last.at).Truncate(time.Hour) {
			c["visits spanning two hours"]++
		}
		if tv.ga4 && !first.forwarded() {
			c["visits forwarded from a later hit on"]++
		}
		if !tv.ga4 && tv.v.kind == kindLater {
			c["unforwarded visits of visitors who consent later"]++
		}
		sawBlog, sawPricing, early := false, false, false
		for _, h := range tv.hits {
			switch {
			case h.event == "sign_up" && !sawPricing:
				early = true
			case h.event == "page_view" && h.page == "/pricing":
				sawPricing = true
			case h.event == "page_view" && h.page == "/blog/thanks" && !sawBlog:
				c["views of /blog/thanks at the reading funnel's first step"]++
			}
			sawBlog = sawBlog || h.event == "page_view" && (h.page == "/blog/x" || h.page == "/blog/thanks")
		}
		if early {
			c["visits signing up before /pricing"]++
		}
		if len(tv.goals) > 1 {
			c["visits reaching several goals"]++
		}
		if tv.goals["thanks"] > 1 {
			c["visits completing a goal twice"]++
		}
	}
	for _, n := range per {
		if n > 1 {
			c["visitors with several visits"]++
		}
	}
	return c
}
