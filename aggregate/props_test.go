package aggregate

import (
	"strings"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/dims"
)

func TestBucketLabel(t *testing.T) {
	b := []float64{10, 50, 99.5}
	for f, want := range map[float64]string{-1: "<10", 9.99: "<10", 10: "10-50", 49: "10-50", 50: "50-99.5", 99.5: ">=99.5", 1e9: ">=99.5"} {
		if got := bucketLabel(b, f); got != want {
			t.Errorf("%v: %q, want %q", f, got, want)
		}
	}
}

func TestCheckProperty(t *testing.T) {
	for _, c := range []struct {
		p    Property
		want string
	}{
		{Property{Name: "ep.plan", FreeText: true}, "without ep."},
		{Property{Name: "plan"}, "exactly one of"},
		{Property{Name: "plan", Values: []string{"a"}, FreeText: true}, "exactly one of"},
		{Property{Name: "plan", Buckets: []float64{5, 1}}, "ascending"},
		{Property{Name: "plan", Buckets: []float64{1, 1}}, "twice"},
		{Property{Name: "plan", Values: []string{" pro"}}, "no space"},
	} {
		if err := checkProperty(c.p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.p, err, c.want)
		}
	}
	if _, err := compileGoals([]Goal{{Name: "g", Page: "/", Property: "plan", Value: "pro"}}, nil, nil); err == nil {
		t.Error("a page goal with a property was accepted")
	}
	if _, err := compileGoals([]Goal{{Name: "g", Event: "purchase", Property: "plan"}}, nil, nil); err == nil {
		t.Error("a property without a value was accepted")
	}
}

// TestPropertiesAndRevenue: allowlisted properties count per event and
// value (kept values, buckets, redacted free text, (other), (not set)); a
// goal narrowed to a property value; purchases sum revenue per currency
// under the visit's source, with purchasers and purchasing visits.
func TestPropertiesAndRevenue(t *testing.T) {
	const site = "G-SHOP"
	a, _ := newTestAgg(t, Config{CountWithoutConsent: true,
		Properties: []Property{
			{Name: "plan", Values: []string{"free", "pro"}},
			{Name: "percent", Buckets: []float64{50, 90}},
			{Name: "method", FreeText: true},
		},
		Goals: []Goal{{Name: "pro_purchase", Event: "purchase", Property: "plan", Value: "pro"}},
	})
	min := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	ev := func(v visitor, m int, name, url string, p params) *consentproxy.Observation {
		o := v.obs(min(m), site, consentproxy.ReasonForwarded, name, url, "")
		o.Params = p
		return o
	}
	camp := "https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=spring"
	for _, o := range []*consentproxy.Observation{
		ev(alice, 0, "page_view", camp, params{}),
		ev(alice, 1, "purchase", camp, params{"ep.plan": "PRO", "epn.value": "49.99", "cu": "eur", "ep.method": "card  from alice@example.com"}),
		ev(alice, 2, "purchase", camp, params{"ep.plan": "free", "epn.value": "0", "cu": "EUR"}),
		ev(bob, 0, "purchase", "https://shop.example/", params{"ep.plan": "team", "epn.value": "100", "cu": "USD", "epn.percent": "95"}),
		ev(bob, 1, "scroll", "https://shop.example/", params{"epn.percent": "abc"}),
		ev(carol, 0, "purchase", "https://shop.example/", params{"epn.value": "not a number", "cu": "€€€"}),
	} {
		a.Record(o)
	}
	// Not countable: an opted-out purchase counts nowhere here.
	a.Record(&consentproxy.Observation{Time: min(3), Site: site, Reason: consentproxy.ReasonOptOut, Event: "purchase"})
	b := a.Collect()
	h := func(v visitor, tbl int) uint64 { return v.tableHash(t0, testSecret, site, tbl) }
	type M = consentproxy.Metrics
	e := expect{}
	p := func(event, prop, value string, n int64, vs ...visitor) {
		var hs []uint64
		for _, v := range vs {
			hs = append(hs, h(v, tEventProps))
		}
		e.add("event_props", site, t0, []string{event, prop, value}, M{Events: n}, hs...)
	}
	p("page_view", "plan", PropNotSet, 1, alice)
	p("page_view", "percent", PropNotSet, 1, alice)
	p("page_view", "method", PropNotSet, 1, alice)
	p("purchase", "plan", "pro", 1, alice)
	p("purchase", "plan", "free", 1, alice)
	p("purchase", "plan", consentproxy.Other, 1, bob)
	p("purchase", "plan", PropNotSet, 1, carol)
	p("purchase", "percent", PropNotSet, 3, alice, carol)
	p("purchase", "percent", ">=90", 1, bob)
	p("purchase", "method", "card from (redacted)", 1, alice)
	p("purchase", "method", PropNotSet, 3, alice, bob, carol)
	p("scroll", "plan", PropNotSet, 1, bob)
	p("scroll", "percent", consentproxy.Other, 1, bob)
	p("scroll", "method", PropNotSet, 1, bob)
	news := dims.SourceWith(camp, "", dims.Options{})
	direct := dims.SourceWith("https://shop.example/", "", dims.Options{})
	r := func(cur string, src dims.Source, m M, vs ...visitor) {
		var hs []uint64
		for _, v := range vs {
			hs = append(hs, h(v, tRevenue))
		}
		e.add("revenue", site, t0, []string{cur, src.Channel, src.UTMSource, src.UTMCampaign}, m, hs...)
	}
	r("EUR", news, M{Events: 2, Visits: 1, Hits: 49_990_000}, alice)
	r("USD", direct, M{Events: 1, Visits: 1, Hits: 100_000_000}, bob)
	r(PropNotSet, direct, M{Events: 1, Visits: 1}, carol)
	e.check(t, only(b, "event_props", "revenue"))
	got := index(b)
	if g := got[rowID("goals", site, t0, "pro_purchase", news.Channel, news.UTMSource, news.UTMCampaign, "/")]; g.Metrics.Events != 1 || g.Metrics.Visits != 1 {
		t.Errorf("pro_purchase goal: %+v", g.Metrics)
	}
	for id := range got {
		if strings.HasPrefix(id, "goals|") && strings.Contains(id, "pro_purchase") && !strings.Contains(id, news.Channel) {
			t.Errorf("pro_purchase reached by a purchase of another plan: %s", id)
		}
	}
}

// TestCampaignDetailsRegionsPageCountries: a visit's utm_term and
// utm_content and its region count once, at its start; a region of
// another country or of a bad shape counts as none; pages × country only
// when asked for.
func TestCampaignDetailsRegionsPageCountries(t *testing.T) {
	const site = "G-CAMP"
	for _, on := range []bool{false, true} {
		a, _ := newTestAgg(t, Config{PageCountries: on})
		land := "https://x.example/?utm_source=ads&utm_medium=cpc&utm_campaign=winter&utm_term=Blue+Mug&utm_content=banner_a"
		o := alice.pv(t0, site, land)
		o.Region = "DE-BY"
		a.Record(o)
		a.Record(alice.pv(t0.Add(time.Minute), site, "https://x.example/mug"))
		o = bob.pv(t0, site, "https://x.example/")
		o.Region = "US-CA" // bob is in FR: not his country's region
		a.Record(o)
		o = carol.pv(t0, site, "https://x.example/")
		o.Region = "DE-by!"
		a.Record(o)
		h := func(v visitor, tbl int) uint64 { return v.tableHash(t0, testSecret, site, tbl) }
		type M = consentproxy.Metrics
		e := expect{}
		e.add("campaign_details", site, t0, []string{"ads", "winter", "blue mug", "banner_a"}, M{Visits: 1}, h(alice, tCampaignDetails))
		e.add("campaign_details", site, t0, []string{"", "", "", ""}, M{Visits: 2}, h(bob, tCampaignDetails), h(carol, tCampaignDetails))
		e.add("regions", site, t0, []string{"DE", "DE-BY"}, M{Visits: 1}, h(alice, tRegions))
		e.add("regions", site, t0, []string{"FR", ""}, M{Visits: 1}, h(bob, tRegions))
		e.add("regions", site, t0, []string{"DE", ""}, M{Visits: 1}, h(carol, tRegions))
		if on {
			e.add("page_countries", site, t0, []string{"/", "DE"}, M{Pageviews: 2}, h(alice, tPageCountries), h(carol, tPageCountries))
			e.add("page_countries", site, t0, []string{"/mug", "DE"}, M{Pageviews: 1}, h(alice, tPageCountries))
			e.add("page_countries", site, t0, []string{"/", "FR"}, M{Pageviews: 1}, h(bob, tPageCountries))
		}
		e.check(t, only(a.Collect(), "campaign_details", "regions", "page_countries"))
	}
}
