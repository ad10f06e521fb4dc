package main

import (
	"strconv"
	"strings"
	"time"
)

// truthQuery is one API query and the rows it must answer.
type truthQuery struct {
	name       string
	site       string
	dims       []string
	filters    [][]any
	metrics    []string
	want       truthTable
	mustAbsent []string // dimension values no row may have
}

// truthQueries are the queries TestGoalsGroundTruth asks, with their
// answers computed from the model's visits (anchor: the plan's start).
func truthQueries(visits []*truthVisit, anchor time.Time) []truthQuery {
	var queries []*truthQuery
	q := func(tq truthQuery) *truthQuery {
		if tq.site == "" {
			tq.site = siteA
		}
		tq.want = truthTable{}
		queries = append(queries, &tq)
		return &tq
	}
	goalMetrics := []string{"visitors", "visits", "events", "conversion_rate"}
	visitMetrics := []string{"visitors", "visits", "conversion_rate"}
	signup := [][]any{{"is", "goal", "signup"}}
	ga4 := [][]any{{"is", "goal", "(ga4)"}}
	notSignup := [][]any{{"is_not", "goal", "signup"}}
	byGoal := q(truthQuery{name: "goals by goal", dims: []string{"goal"}, metrics: goalMetrics, mustAbsent: []string{"(visits)", "(ga4)", "docs"}})
	signupAll := q(truthQuery{name: "signup", filters: signup, metrics: goalMetrics})
	signupChannel := q(truthQuery{name: "signup by channel", dims: []string{"channel"}, filters: signup, metrics: []string{"visitors", "conversion_rate"}})
	signupCampaign := q(truthQuery{name: "signup by utm_campaign", dims: []string{"utm_campaign"}, filters: signup, metrics: []string{"visitors", "conversion_rate"}})
	goalEntry := q(truthQuery{name: "goal by entry_page", dims: []string{"goal", "entry_page"}, metrics: goalMetrics})
	anyChannelEntry := q(truthQuery{name: "any goal by channel and entry_page", dims: []string{"channel", "entry_page"}, metrics: visitMetrics})
	anyChannel := q(truthQuery{name: "any goal by channel", dims: []string{"channel"}, metrics: visitMetrics})
	ga4All := q(truthQuery{name: "ga4 coverage", filters: ga4, metrics: visitMetrics})
	ga4Channel := q(truthQuery{name: "ga4 coverage by channel", dims: []string{"channel"}, filters: ga4, metrics: visitMetrics})
	// Every column of goals a dimension or pinned: read from the daily
	// rollups on a closed day ("(visits)" rows too); the converted visitors
	// of any goal stay hourly.
	full := []string{"channel", "utm_source", "utm_campaign", "entry_page"}
	goalFull := q(truthQuery{name: "goal by every visit column", dims: append([]string{"goal"}, full...), metrics: goalMetrics})
	anyFull := q(truthQuery{name: "any goal by every visit column", dims: full, metrics: visitMetrics})
	ga4Full := q(truthQuery{name: "ga4 by every visit column", dims: full, filters: ga4, metrics: visitMetrics})
	funnels := q(truthQuery{name: "funnel steps", dims: []string{"funnel", "funnel_step", "goal"}, metrics: []string{"visitors", "visits"}})
	totals := q(truthQuery{name: "totals", metrics: []string{"visitors", "visits"}})
	siteBGoals := q(truthQuery{name: "siteB goals by goal", site: siteB, dims: []string{"goal"}, metrics: goalMetrics})
	// Per hour: a goal row counts its visit in the hour the visit first
	// reached it, "(visits)" in the hour the visit started, and the
	// visitors of an hour are those with a hit in it.
	goalHour := q(truthQuery{name: "goal by hour", dims: []string{"time:hour", "goal"}, metrics: goalMetrics})
	// Without any family dimension, as without goal: every visit, and the
	// visitors who reached any goal.
	anyAll := q(truthQuery{name: "any goal", metrics: visitMetrics})
	anyHour := q(truthQuery{name: "any goal by hour", dims: []string{"time:hour"}, metrics: visitMetrics})
	ga4Hour := q(truthQuery{name: "ga4 by hour", dims: []string{"time:hour"}, filters: ga4, metrics: visitMetrics})
	// "(ga4)" only when a filter names it: "is not signup" and "contains a"
	// do not.
	butSignup := q(truthQuery{name: "goals but signup", dims: []string{"goal"}, filters: notSignup, metrics: goalMetrics, mustAbsent: []string{"(ga4)", "signup"}})
	anyButSignup := q(truthQuery{name: "any goal but signup", filters: notSignup, metrics: []string{"visitors", "conversion_rate"}})
	containsA := q(truthQuery{name: "goals containing a", dims: []string{"goal"}, filters: [][]any{{"contains", "goal", "a"}}, metrics: goalMetrics, mustAbsent: []string{"(ga4)"}})

	// The visitors of each breakdown, the rates' denominators.
	all := map[string]map[*truthVisitor]bool{}
	by := func(k string, v *truthVisitor) map[*truthVisitor]bool {
		if all[k] == nil {
			all[k] = map[*truthVisitor]bool{}
		}
		all[k][v] = true
		return all[k]
	}
	hourOf := func(h *truthHit) string { return anchor.Add(h.at).UTC().Truncate(time.Hour).Format(time.RFC3339) }
	for _, tv := range visits {
		s, v, src := tv.site, tv.v, tv.src
		by(s, v)
		by(s+"|c="+src.channel, v)
		by(s+"|u="+src.utmCamp, v)
		by(s+"|e="+tv.entry, v)
		by(s+"|ce="+src.channel+"|"+tv.entry, v)
		by(s+"|f="+strings.Join([]string{src.channel, src.utmSource, src.utmCamp, tv.entry}, "|"), v)
		for _, h := range tv.hits {
			by(s+"|h="+hourOf(h), v)
		}
	}
	add := func(c *truthCell, v *truthVisitor, visits, events int, base map[*truthVisitor]bool, converted bool) {
		c.visitors[v] = true
		c.visits += visits
		c.evts += events
		c.base = base
		if converted {
			c.converted[v] = true
		}
	}
	for _, tv := range visits {
		v, ch, e, camp := tv.v, tv.src.channel, tv.entry, tv.src.utmCamp
		fk := []string{ch, tv.src.utmSource, camp, e}
		fb := all[siteA+"|f="+strings.Join(fk, "|")]
		if tv.site == siteB {
			for g, n := range tv.goals {
				add(siteBGoals.want.cell(g), v, 1, n, all[siteB], true)
			}
			continue
		}
		converted := len(tv.goals) > 0
		add(totals.want.cell(), v, 1, 0, nil, false)
		add(anyAll.want.cell(), v, 1, 0, all[siteA], converted)
		add(anyChannelEntry.want.cell(ch, e), v, 1, 0, all[siteA+"|ce="+ch+"|"+e], converted)
		add(anyChannel.want.cell(ch), v, 1, 0, all[siteA+"|c="+ch], converted)
		add(anyFull.want.cell(fk...), v, 1, 0, fb, converted)
		if len(tv.goals) > 1 || len(tv.goals) == 1 && tv.goals["signup"] == 0 {
			add(anyButSignup.want.cell(), v, 1, 0, all[siteA], true)
		}
		for g, n := range tv.goals {
			add(byGoal.want.cell(g), v, 1, n, all[siteA], true)
			add(goalEntry.want.cell(g, e), v, 1, n, all[siteA+"|e="+e], true)
			add(goalFull.want.cell(append([]string{g}, fk...)...), v, 1, n, fb, true)
			if g == "signup" {
				add(signupAll.want.cell(), v, 1, n, all[siteA], true)
				add(signupChannel.want.cell(ch), v, 1, n, all[siteA+"|c="+ch], true)
				add(signupCampaign.want.cell(camp), v, 1, n, all[siteA+"|u="+camp], true)
			} else {
				add(butSignup.want.cell(g), v, 1, n, all[siteA], true)
			}
			if strings.Contains(g, "a") {
				add(containsA.want.cell(g), v, 1, n, all[siteA], true)
			}
		}
		if tv.ga4 {
			add(ga4All.want.cell(), v, 1, 0, all[siteA], true)
			add(ga4Channel.want.cell(ch), v, 1, 0, all[siteA+"|c="+ch], true)
			add(ga4Full.want.cell(fk...), v, 1, 0, fb, true)
		}
		for f, p := range tv.funnel {
			for n := 1; n <= p; n++ {
				add(funnels.want.cell(f, strconv.Itoa(n), truthFunnels[f][n-1]), v, 1, 0, nil, false)
			}
		}
		// Hour by hour.
		first := map[string]bool{}
		for i, h := range tv.hits {
			hr := hourOf(h)
			base := all[siteA+"|h="+hr]
			add(anyHour.want.cell(hr), v, btoi(i == 0), 0, base, len(h.reached) > 0)
			for g := range h.reached {
				add(goalHour.want.cell(hr, g), v, btoi(!first[g]), 1, base, true)
				first[g] = true
			}
			if h.forwarded() {
				add(ga4Hour.want.cell(hr), v, btoi(!first["(ga4)"]), 0, base, true)
				first["(ga4)"] = true
			}
		}
	}
	out := make([]truthQuery, len(queries))
	for i, tq := range queries {
		out[i] = *tq
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
