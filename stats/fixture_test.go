package stats

import (
	"context"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

const site = "G-STATS"

// The fixture's clock: the data lies on 2026-03-10 (UTC), one hour of it
// past midnight in Europe/Berlin (UTC+1 in March).
var (
	fixNow = time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC)
	h10    = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	h22    = time.Date(2026, 3, 10, 22, 0, 0, 0, time.UTC) // 23:00 Berlin, still March 10
	h23    = time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC) // 00:00 Berlin, March 11
)

// ids returns n distinct visitor hashes numbered from first, spread over the
// whole range as real hashes are.
func ids(first, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(first+i) * 0x9E3779B97F4A7C15
	}
	return out
}

func r(h time.Time, dims []string, m consentproxy.Metrics, vis []uint64) consentproxy.Row {
	return consentproxy.Row{Site: site, Hour: h, Dims: dims, Metrics: m, Visitors: vis}
}

func d(v ...string) []string { return v }

type mt = consentproxy.Metrics

// writeFixture writes two instances, one of them twice (version 1 is
// superseded by the cumulative version 2), plus a row of another site that
// no query may see.
func writeFixture(t testing.TB, s consentproxy.Store) {
	t.Helper()
	v1 := consentproxy.Batch{Instance: "inst-a", Version: 1, Tables: []consentproxy.TableRows{
		{Table: consentproxy.TablePages, Rows: []consentproxy.Row{
			r(h10, d("/"), mt{Pageviews: 20, Events: 25, EngagementMS: 999999}, ids(1, 10)),
		}},
		{Table: consentproxy.TableTotals, Rows: []consentproxy.Row{
			r(h10, nil, mt{Pageviews: 40, Events: 50, Visits: 15, Bounces: 5, DurationMS: 100000, EngagementMS: 777777}, ids(1, 15)),
		}},
		{Table: consentproxy.TableConsentJurisdictions, Rows: []consentproxy.Row{
			r(h10, d("eea", "accept_all"), mt{Hits: 1}, nil), // superseded by version 2
		}},
	}}
	v2 := consentproxy.Batch{Instance: "inst-a", Version: 2, Tables: []consentproxy.TableRows{
		{Table: consentproxy.TablePages, Rows: []consentproxy.Row{
			r(h10, d("/"), mt{Pageviews: 30, Events: 40, EngagementMS: 200000}, ids(1, 20)),
			r(h23, d("/"), mt{Pageviews: 10, Events: 12, EngagementMS: 80000}, ids(101, 8)),
			r(h10, d("/pricing"), mt{Pageviews: 9, Events: 9, EngagementMS: 54000}, ids(201, 6)),
			r(h10, d("/rare"), mt{Pageviews: 3, Events: 3}, ids(301, 2)),
			r(h10, d("/a"), mt{Pageviews: 5, Events: 5}, ids(311, 3)),
			r(h10, d("/b"), mt{Pageviews: 4, Events: 4}, ids(321, 3)),
			r(h10, d("=1+1"), mt{Pageviews: 5, Events: 5}, ids(501, 5)),
		}},
		{Table: consentproxy.TableTotals, Rows: []consentproxy.Row{
			r(h10, nil, mt{Pageviews: 60, Events: 70, Visits: 25, Bounces: 10, DurationMS: 250000, EngagementMS: 300000}, ids(1, 30)),
			r(h23, nil, mt{Pageviews: 10, Events: 12, Visits: 8, Bounces: 4, DurationMS: 40000, EngagementMS: 80000}, ids(101, 8)),
		}},
		{Table: consentproxy.TableSources, Rows: []consentproxy.Row{
			r(h10, d("google.com", "organic_search", "", "", ""), mt{Visits: 12, Bounces: 6, DurationMS: 120000}, ids(1, 12)),
			r(h10, d("", "direct", "", "", ""), mt{Visits: 8, Bounces: 2, DurationMS: 80000}, ids(13, 8)),
			r(h10, d("newsletter.example", "email", "news", "email", "spring"), mt{Visits: 5, Bounces: 2, DurationMS: 50000}, ids(21, 5)),
		}},
		{Table: consentproxy.TableCountries, Rows: []consentproxy.Row{
			r(h10, d("DE"), mt{Visits: 20, Bounces: 5, EngagementMS: 100000}, ids(1, 20)),
			r(h10, d("FR"), mt{Visits: 6, Bounces: 3, EngagementMS: 33000}, ids(21, 6)),
			r(h10, d("LU"), mt{Visits: 2, Bounces: 2}, ids(27, 2)),
		}},
		{Table: consentproxy.TableDevices, Rows: []consentproxy.Row{
			r(h10, d("Firefox", "120", "Linux", "6", "desktop"), mt{Visits: 10, Bounces: 4}, ids(1, 10)),
			r(h10, d("Chrome", "119", "Android", "14", "mobile"), mt{Visits: 15, Bounces: 5}, ids(11, 15)),
			r(h10, d("Chrome", "120", "Windows", "10", "desktop"), mt{Visits: 5, Bounces: 1}, ids(26, 5)),
		}},
		{Table: consentproxy.TableLanguages, Rows: []consentproxy.Row{
			r(h10, d("en"), mt{Visits: 15}, ids(1, 15)),
			r(h10, d("de"), mt{Visits: 15}, ids(16, 15)),
		}},
		{Table: consentproxy.TableEvents, Rows: []consentproxy.Row{
			r(h10, d("page_view"), mt{Events: 60}, ids(1, 30)),
			r(h10, d("sign_up"), mt{Events: 2}, ids(1, 2)),
		}},
		{Table: consentproxy.TableEntryPages, Rows: []consentproxy.Row{
			r(h10, d("/"), mt{Visits: 20, Bounces: 8, DurationMS: 200000}, ids(1, 20)),
			r(h10, d("/pricing"), mt{Visits: 5, Bounces: 2, DurationMS: 50000}, ids(21, 5)),
		}},
		{Table: consentproxy.TableConsentChoices, Rows: []consentproxy.Row{
			r(h10, d("rev1", "accept_all"), mt{Hits: 12}, nil),
			r(h10, d("rev1", "reject_all"), mt{Hits: 5}, nil),
			r(h10, d("rev1", "custom"), mt{Hits: 3}, nil),
		}},
		{Table: consentproxy.TableOutcomes, Rows: []consentproxy.Row{
			r(h10, d("forwarded"), mt{Hits: 50}, nil),
			r(h10, d("opt_out"), mt{Hits: 2}, nil),
			r(h10, d("gpc"), mt{Hits: 4}, nil),
			r(h10, d("dnt"), mt{Hits: 1}, nil),
			r(h10, d("bot"), mt{Hits: 9}, nil),
			r(h10, d("excluded"), mt{Hits: 3}, nil),
		}},
		// The same 20 decisions per jurisdiction group: eea 6 of 12 accept,
		// us-opt-out 5 of 6, unknown 1 of 2.
		{Table: consentproxy.TableConsentJurisdictions, Rows: []consentproxy.Row{
			r(h10, d("eea", "accept_all"), mt{Hits: 6}, nil),
			r(h10, d("eea", "reject_all"), mt{Hits: 4}, nil),
			r(h10, d("eea", "custom"), mt{Hits: 2}, nil),
			r(h10, d("us-opt-out", "accept_all"), mt{Hits: 5}, nil),
			r(h10, d("us-opt-out", "reject_all"), mt{Hits: 1}, nil),
			r(h10, d("unknown", "accept_all"), mt{Hits: 1}, nil),
			r(h10, d("unknown", "custom"), mt{Hits: 1}, nil),
		}},
		// Goals: every visit under "(visits)" (the 25 visitors of sources),
		// signup reached by 6 organic, all 5 newsletter and 2 direct
		// visitors, pricing by 9 organic ones; the checkout funnel
		// (pricing, signup) reached by 9, then 6.
		{Table: consentproxy.TableGoals, Rows: []consentproxy.Row{
			r(h10, d(consentproxy.GoalAll, "organic_search", "", "", "/"), mt{Visits: 12}, ids(1, 12)),
			r(h10, d(consentproxy.GoalAll, "email", "news", "spring", "/pricing"), mt{Visits: 5}, ids(21, 5)),
			r(h10, d(consentproxy.GoalAll, "direct", "", "", "/"), mt{Visits: 8}, ids(13, 8)),
			// GA4 received 10 of the organic visitors, all 5 newsletter ones, 4 direct.
			r(h10, d(consentproxy.GoalGA4, "organic_search", "", "", "/"), mt{Visits: 10}, ids(1, 10)),
			r(h10, d(consentproxy.GoalGA4, "email", "news", "spring", "/pricing"), mt{Visits: 5}, ids(21, 5)),
			r(h10, d(consentproxy.GoalGA4, "direct", "", "", "/"), mt{Visits: 4}, ids(13, 4)),
			r(h10, d("signup", "organic_search", "", "", "/"), mt{Visits: 6, Events: 7}, ids(1, 6)),
			r(h10, d("signup", "email", "news", "spring", "/pricing"), mt{Visits: 5, Events: 5}, ids(21, 5)),
			r(h10, d("signup", "direct", "", "", "/"), mt{Visits: 2, Events: 2}, ids(13, 2)),
			r(h10, d("pricing", "organic_search", "", "", "/"), mt{Visits: 9, Events: 9}, ids(1, 9)),
		}},
		{Table: consentproxy.TableFunnels, Rows: []consentproxy.Row{
			r(h10, d("checkout", "1", "pricing"), mt{Visits: 9}, ids(1, 9)),
			r(h10, d("checkout", "2", "signup"), mt{Visits: 6}, ids(1, 6)),
		}},
		// Page flow: "/" viewed 30 times, 12 visits ended there, 9 scrolled;
		// /pricing 9 views, 6 exits, 3 scrolls.
		{Table: consentproxy.TablePageFlow, Rows: []consentproxy.Row{
			r(h10, d("/"), mt{Pageviews: 30, Visits: 12, Events: 9}, ids(1, 20)),
			r(h10, d("/pricing"), mt{Pageviews: 9, Visits: 6, Events: 3}, ids(201, 6)),
		}},
		// Revenue: 4 purchases in euros by 6 organic visitors (200 €), 5 in
		// dollars by the newsletter's 5 (99.95 $); plan of the purchases.
		{Table: consentproxy.TableRevenue, Rows: []consentproxy.Row{
			r(h10, d("EUR", "organic_search", "", ""), mt{Events: 4, Visits: 3, Hits: 200_000_000}, ids(1, 6)),
			r(h10, d("USD", "email", "news", "spring"), mt{Events: 5, Visits: 5, Hits: 99_950_000}, ids(21, 5)),
			// Two small currencies: folded together, their money is no number.
			r(h10, d("CHF", "direct", "", ""), mt{Events: 3, Visits: 3, Hits: 30_000_000}, ids(13, 3)),
			r(h10, d("GBP", "direct", "", ""), mt{Events: 2, Visits: 2, Hits: 20_000_000}, ids(16, 2)),
		}},
		{Table: consentproxy.TableEventProps, Rows: []consentproxy.Row{
			r(h10, d("purchase", "plan", "pro"), mt{Events: 7}, ids(1, 6)),
			r(h10, d("purchase", "plan", "free"), mt{Events: 5}, ids(21, 5)),
		}},
		{Table: consentproxy.TablePageCountries, Rows: []consentproxy.Row{
			r(h10, d("/", "DE"), mt{Pageviews: 20}, ids(1, 15)),
			r(h10, d("/", "FR"), mt{Pageviews: 6}, ids(16, 5)),
			r(h10, d("/pricing", "LU"), mt{Pageviews: 2}, ids(201, 2)),
		}},
		{Table: consentproxy.TableCampaignDetails, Rows: []consentproxy.Row{
			r(h10, d("news", "spring", "mugs", "banner"), mt{Visits: 5}, ids(21, 5)),
			r(h10, d("", "", "", ""), mt{Visits: 20}, ids(1, 20)),
		}},
		{Table: consentproxy.TableRegions, Rows: []consentproxy.Row{
			r(h10, d("DE", "DE-BY"), mt{Visits: 12}, ids(1, 12)),
			r(h10, d("DE", "DE-BE"), mt{Visits: 8}, ids(13, 8)),
			r(h10, d("FR", ""), mt{Visits: 6}, ids(21, 6)),
		}},
		{Table: consentproxy.TableRemovedParams, Rows: []consentproxy.Row{
			r(h10, d("identifier"), mt{Hits: 40}, nil),
			r(h10, d("user"), mt{Hits: 3}, nil),
			r(h10, d("client_ip"), mt{Hits: 1}, nil),
		}},
		{Table: consentproxy.TableFiltered, Rows: []consentproxy.Row{
			r(h10, d("bot", "crawler"), mt{Hits: 6}, nil),
			r(h10, d("bot", "monitor"), mt{Hits: 3}, nil),
			r(h10, d("excluded", "internal_ip"), mt{Hits: 2}, nil),
			r(h10, d("excluded", "staff"), mt{Hits: 1}, nil),
		}},
	}}
	other := consentproxy.Batch{Instance: "inst-b", Version: 1, Tables: []consentproxy.TableRows{
		{Table: consentproxy.TablePages, Rows: []consentproxy.Row{
			r(h22, d("/pricing"), mt{Pageviews: 4, Events: 4, EngagementMS: 9000}, ids(401, 3)),
			{Site: "G-OTHER", Hour: h10, Dims: d("/"), Metrics: mt{Pageviews: 1000}, Visitors: ids(900, 50)},
		}},
		{Table: consentproxy.TableTotals, Rows: []consentproxy.Row{
			r(h22, nil, mt{Pageviews: 4, Events: 4, Visits: 3, Bounces: 3, EngagementMS: 43000}, ids(401, 3)),
		}},
	}}
	// G-CMP, for comparisons: 2026-03-10, the day before and a year before.
	cmpSite := func(h time.Time, dims []string, m consentproxy.Metrics, vis []uint64) consentproxy.Row {
		return consentproxy.Row{Site: "G-CMP", Hour: h, Dims: dims, Metrics: m, Visitors: vis}
	}
	dayBefore, yearBefore := h10.AddDate(0, 0, -1), h10.AddDate(-1, 0, 0)
	cmp := consentproxy.Batch{Instance: "inst-c", Version: 1, Tables: []consentproxy.TableRows{
		{Table: consentproxy.TableTotals, Rows: []consentproxy.Row{
			cmpSite(h10, nil, mt{Pageviews: 60, Visits: 30, Bounces: 15}, ids(1, 30)),
			cmpSite(dayBefore, nil, mt{Pageviews: 50, Visits: 20, Bounces: 12}, ids(100, 20)),
			cmpSite(yearBefore, nil, mt{Pageviews: 20, Visits: 10, Bounces: 2}, ids(200, 10)),
		}},
		{Table: consentproxy.TablePages, Rows: []consentproxy.Row{
			cmpSite(h10, d("/"), mt{Pageviews: 40}, ids(1, 20)),
			cmpSite(h10, d("/new"), mt{Pageviews: 20}, ids(21, 10)),
			cmpSite(dayBefore, d("/"), mt{Pageviews: 30}, ids(100, 16)),
			cmpSite(dayBefore, d("/gone"), mt{Pageviews: 10}, ids(120, 6)),
			cmpSite(dayBefore, d("/rare"), mt{Pageviews: 2}, ids(130, 2)),
		}},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, b := range []consentproxy.Batch{v1, v2, other, v1, cmp} { // v1 again: a late replay changes nothing
		if err := s.Write(ctx, b); err != nil {
			t.Fatalf("Write(%s v%d): %v", b.Instance, b.Version, err)
		}
	}
}
