package aggregate

import (
	"slices"
	"strings"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/dims"
)

func TestMatchPath(t *testing.T) {
	for _, tt := range []struct {
		pat, path string
		want      bool
	}{
		{"/", "/", true},
		{"/", "/a", false},
		{"/pricing", "/pricing", true},
		{"/pricing/", "/pricing", true},
		{"/pricing", "/pricing/pro", false},
		{"/pricing", "/Pricing", false},
		{"/blog/*", "/blog/post-1", true},
		{"/blog/*", "/blog", false},
		{"/blog/*", "/blog/2026/post", false},
		{"/blog/**", "/blog/2026/post", true},
		{"/blog/**", "/blog", true},
		{"/**", "/", true},
		{"/**", "/x/y/z", true},
		{"/**/thanks", "/shop/order/thanks", true},
		{"/**/thanks", "/thanks", true},
		{"/**/thanks", "/thanks/no", false},
		{"/order-*", "/order-123", true},
		{"/order-*-done", "/order-123-done", true},
		{"/order-*-done", "/order-123-don", false},
		{"/*/checkout", "/de/checkout", true},
		{"/*/checkout", "/checkout", false},
		{"/a*b*c", "/abc", true},
		{"/a*b*c", "/axxbyyc", true},
		{"/a*b*c", "/acb", false},
	} {
		pat, err := parsePattern(tt.pat)
		if err != nil {
			t.Fatalf("%s: %v", tt.pat, err)
		}
		if got := matchPath(pat, tt.path); got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.pat, tt.path, got, tt.want)
		}
	}
}

func TestCompileGoalsRefuses(t *testing.T) {
	ev := func(n, e string) Goal { return Goal{Name: n, Event: e} }
	for _, tt := range []struct {
		goals   []Goal
		funnels []Funnel
		want    string
	}{
		{[]Goal{{Name: "Sign Up", Event: "sign_up"}}, nil, "a name is"},
		{[]Goal{{Name: "x"}}, nil, "exactly one of event and page"},
		{[]Goal{{Name: "x", Event: "e", Page: "/p"}}, nil, "exactly one"},
		{[]Goal{ev("x", "sign up")}, nil, "not a GA4 event name"},
		{[]Goal{{Name: "x", Page: "pricing"}}, nil, "starts with /"},
		{[]Goal{{Name: "x", Page: "/a//b"}}, nil, "empty path segment"},
		{[]Goal{{Name: "x", Page: "/a**"}}, nil, "whole segment"},
		{[]Goal{ev("x", "a"), ev("x", "b")}, nil, "defined twice"},
		{[]Goal{ev("x", "a")}, []Funnel{{Name: "f", Steps: []string{"x"}}}, "2 to 8 steps"},
		{[]Goal{ev("x", "a")}, []Funnel{{Name: "f", Steps: []string{"x", "y"}}}, `step "y" is not a goal`},
		{[]Goal{ev("x", "a"), {Name: "y", Event: "b", Sites: []string{"G-A"}}},
			[]Funnel{{Name: "f", Steps: []string{"x", "y"}}}, `step "y" does not apply to every site`},
	} {
		_, err := compileGoals(tt.goals, tt.funnels, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v %+v: error %v, want %q", tt.goals, tt.funnels, err, tt.want)
		}
	}
	many := make([]Goal, MaxGoals+1)
	for i := range many {
		many[i] = Goal{Name: "g" + strings.Repeat("x", i%30) + string(rune('a'+i%26)) + string(rune('a'+i/26)), Event: "e"}
	}
	if _, err := compileGoals(many, nil, nil); err == nil || !strings.Contains(err.Error(), "at most 64") {
		t.Errorf("65 goals: %v", err)
	}
}

// TestGoalsAndFunnels plays visits with known goals and funnel steps and
// checks every goals and funnels row: completions, converted visits (once
// per visit), visitors, the "(visits)" denominator rows, and steps only in
// order.
func TestGoalsAndFunnels(t *testing.T) {
	const site, other = "G-GOALS", "G-OTHER"
	a, _ := newTestAgg(t, Config{CountWithoutConsent: true,
		Goals: []Goal{
			{Name: "pricing", Page: "/pricing"},
			{Name: "signup", Event: "sign_up"},
			{Name: "thanks", Page: "/**/thanks"},
			{Name: "only-other", Event: "sign_up", Sites: []string{other}},
		},
		Funnels: []Funnel{{Name: "checkout", Steps: []string{"pricing", "signup", "thanks"}}},
	})
	min := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	const (
		home    = "https://shop.example/"
		camp    = "https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=spring"
		pricing = "https://shop.example/pricing"
		thanks  = "https://shop.example/order/thanks"
		google  = "https://www.google.com/"
	)
	ev := func(v visitor, m int, site, name, url, ref string) *consentproxy.Observation {
		return v.obs(min(m), site, consentproxy.ReasonForwarded, name, url, ref)
	}
	for _, o := range []*consentproxy.Observation{
		// alice: from Google, the funnel in order, signing up twice.
		ev(alice, 0, site, "page_view", home, google),
		ev(alice, 1, site, "page_view", pricing, home),
		ev(alice, 2, site, "sign_up", pricing, home),
		ev(alice, 3, site, "sign_up", pricing, home),
		ev(alice, 4, site, "page_view", thanks, pricing),
		// bob: a newsletter visit that signs up without seeing pricing
		// first, then sees pricing and thanks: only step 1 counts, since
		// the sign-up came before it.
		ev(bob, 0, site, "page_view", camp, ""),
		ev(bob, 1, site, "sign_up", camp, ""),
		ev(bob, 2, site, "page_view", pricing, ""),
		ev(bob, 3, site, "page_view", thanks, ""),
		// carol: lands on pricing (step 1 at her first hit); a scroll on
		// the pricing page is no page view, so no second completion. She
		// has not consented: counted, never forwarded, so not in "(ga4)".
		carol.obs(min(0), site, consentproxy.ReasonNoConsent, "page_view", pricing, google),
		carol.obs(min(1), site, consentproxy.ReasonNoConsent, "scroll", pricing, google),
		// Not countable: an opted-out hit reaches no goal.
		alice.obs(min(5), site, consentproxy.ReasonOptOut, "sign_up", pricing, ""),
		// Another site: its own goal, not this site's funnel.
		ev(alice, 6, other, "page_view", home, ""),
		ev(alice, 7, other, "sign_up", home, ""),
	} {
		a.Record(o)
	}
	h := func(v visitor, s string, tbl int) uint64 { return v.tableHash(t0, testSecret, s, tbl) }
	type M = consentproxy.Metrics
	e := expect{}
	google0 := dims.SourceWith(home, google, dims.Options{})
	news := dims.SourceWith(camp, "", dims.Options{})
	direct := dims.SourceWith(home, "", dims.Options{})
	gdims := func(goal string, src dims.Source, entry string) []string {
		return []string{goal, src.Channel, src.UTMSource, src.UTMCampaign, dims.Path(entry)}
	}
	all, ga4 := consentproxy.GoalAll, consentproxy.GoalGA4
	e.add("goals", site, t0, gdims(all, google0, home), M{Visits: 1}, h(alice, site, tGoals))
	e.add("goals", site, t0, gdims(ga4, google0, home), M{Visits: 1}, h(alice, site, tGoals))
	e.add("goals", site, t0, gdims(ga4, news, camp), M{Visits: 1}, h(bob, site, tGoals))
	e.add("goals", other, t0, gdims(ga4, direct, home), M{Visits: 1}, h(alice, other, tGoals))
	e.add("goals", site, t0, gdims("pricing", google0, home), M{Events: 1, Visits: 1}, h(alice, site, tGoals))
	e.add("goals", site, t0, gdims("signup", google0, home), M{Events: 2, Visits: 1}, h(alice, site, tGoals))
	e.add("goals", site, t0, gdims("thanks", google0, home), M{Events: 1, Visits: 1}, h(alice, site, tGoals))
	e.add("goals", site, t0, gdims(all, news, camp), M{Visits: 1}, h(bob, site, tGoals))
	e.add("goals", site, t0, gdims("signup", news, camp), M{Events: 1, Visits: 1}, h(bob, site, tGoals))
	e.add("goals", site, t0, gdims("pricing", news, camp), M{Events: 1, Visits: 1}, h(bob, site, tGoals))
	e.add("goals", site, t0, gdims("thanks", news, camp), M{Events: 1, Visits: 1}, h(bob, site, tGoals))
	e.add("goals", site, t0, gdims(all, google0, pricing), M{Visits: 1}, h(carol, site, tGoals))
	e.add("goals", site, t0, gdims("pricing", google0, pricing), M{Events: 1, Visits: 1}, h(carol, site, tGoals))
	e.add("goals", other, t0, gdims(all, direct, home), M{Visits: 1}, h(alice, other, tGoals))
	e.add("goals", other, t0, gdims("signup", direct, home), M{Events: 1, Visits: 1}, h(alice, other, tGoals))
	e.add("goals", other, t0, gdims("only-other", direct, home), M{Events: 1, Visits: 1}, h(alice, other, tGoals))
	e.add("funnels", site, t0, []string{"checkout", "1", "pricing"}, M{Visits: 3}, h(alice, site, tFunnels), h(bob, site, tFunnels), h(carol, site, tFunnels))
	e.add("funnels", site, t0, []string{"checkout", "2", "signup"}, M{Visits: 1}, h(alice, site, tFunnels))
	e.add("funnels", site, t0, []string{"checkout", "3", "thanks"}, M{Visits: 1}, h(alice, site, tFunnels))
	// Every row of the two tables, and nothing more: the funnel applies to
	// other too, but alice saw no pricing page there.
	e.check(t, only(a.Collect(), "goals", "funnels"))
	// A goal reached again in a later visit counts that visit again.
	a.Record(ev(carol, 45, site, "page_view", pricing, ""))
	got := index(a.Collect())
	r, ok := got[rowID("goals", site, t0, gdims("pricing", direct, pricing)...)]
	if !ok || r.Metrics.Visits != 1 || r.Metrics.Events != 1 {
		t.Errorf("carol's second visit: %+v (found %v)", r.Metrics, ok)
	}
	if r, ok := got[rowID("funnels", site, t0, "checkout", "1", "pricing")]; !ok || r.Metrics.Visits != 4 || len(r.Visitors) != 3 {
		t.Errorf("funnel step 1 after carol's second visit: %+v, %d visitors (found %v)", r.Metrics, len(r.Visitors), ok)
	}
}

// only keeps the tables named.
func only(b consentproxy.Batch, names ...string) consentproxy.Batch {
	out := b
	out.Tables = nil
	for _, tr := range b.Tables {
		if slices.Contains(names, tr.Table.Name) {
			out.Tables = append(out.Tables, tr)
		}
	}
	return out
}

// TestVisitsRowsWithoutGoals: without goals, every site still gets its
// "(visits)" and "(ga4)" rows (channel × entry page, GA4's coverage), and
// no funnels row; a visit counts once in each, whatever its hits and hours.
func TestVisitsRowsWithoutGoals(t *testing.T) {
	a, c := newTestAgg(t, Config{CountWithoutConsent: true})
	const site = "G-X"
	u := "https://x.example/pricing"
	a.Record(alice.obs(t0, site, consentproxy.ReasonNoConsent, "page_view", u, ""))
	a.Record(alice.pv(t0.Add(time.Minute), site, u))
	a.Record(alice.pv(t0.Add(2*time.Minute), site, u))
	a.Record(bob.obs(t0, site, consentproxy.ReasonDenied, "page_view", u, ""))
	// alice's visit goes on in the next hour: her visitor again, no visit.
	a.Record(alice.pv(t0.Add(30*time.Minute), site, u))
	a.Record(alice.pv(t0.Add(59*time.Minute), site, u))
	a.Record(alice.pv(t0.Add(61*time.Minute), site, u))
	c.Set(t0.Add(62 * time.Minute))
	h := func(v visitor) uint64 { return v.tableHash(t0, testSecret, site, tGoals) }
	type M = consentproxy.Metrics
	direct := dims.SourceWith(u, "", dims.Options{})
	d := func(goal string) []string {
		return []string{goal, direct.Channel, direct.UTMSource, direct.UTMCampaign, dims.Path(u)}
	}
	e := expect{}
	t1 := t0.Add(time.Hour)
	e.add("goals", site, t0, d(consentproxy.GoalAll), M{Visits: 2}, h(alice), h(bob))
	e.add("goals", site, t0, d(consentproxy.GoalGA4), M{Visits: 1}, h(alice))
	e.add("goals", site, t1, d(consentproxy.GoalAll), M{}, h(alice))
	e.add("goals", site, t1, d(consentproxy.GoalGA4), M{}, h(alice))
	e.check(t, only(a.Collect(), "goals", "funnels"))
}

func FuzzGoalPattern(f *testing.F) {
	for _, s := range []string{"/", "/blog/*", "/**/thanks", "/a*b*c", "/x/**/y/*"} {
		f.Add(s, "/blog/2026/thanks")
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		pat, err := parsePattern(pattern)
		if err != nil {
			return
		}
		if len(path) > 300 {
			return
		}
		got := matchPath(pat, path)
		// A pattern without wildcards matches exactly its own path.
		if !strings.Contains(pattern, "*") {
			want := strings.TrimSuffix(pattern, "/")
			if want == "" {
				want = "/"
			}
			if got != (path == want) {
				t.Errorf("match(%q, %q) = %v", pattern, path, got)
			}
		}
		// ** matches every path.
		if pattern == "/**" && strings.HasPrefix(path, "/") && !got {
			t.Errorf("/** did not match %q", path)
		}
	})
}

// TestPageFlow: a page view makes its page the visit's exit and takes the
// exit back from the visit's previous page; scroll events count on their
// page; a new visit starts without a previous page.
func TestPageFlow(t *testing.T) {
	a, _ := newTestAgg(t, Config{CountWithoutConsent: true})
	const site = "G-FLOW"
	min := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	u := func(p string) string { return "https://x.example" + p }
	for _, o := range []*consentproxy.Observation{
		alice.pv(min(0), site, u("/")),
		alice.obs(min(1), site, consentproxy.ReasonForwarded, "scroll", u("/"), ""),
		alice.pv(min(2), site, u("/pricing")),
		alice.pv(min(3), site, u("/pricing")), // a reload: still the exit
		alice.pv(min(4), site, u("/thanks")),
		bob.pv(min(0), site, u("/pricing")),
		bob.obs(min(1), site, consentproxy.ReasonForwarded, "scroll", u("/pricing"), ""),
		bob.obs(min(2), site, consentproxy.ReasonForwarded, "click", u("/pricing"), ""), // neither view nor scroll
		// bob again after the session timeout: a new visit, exits at /.
		bob.pv(min(40), site, u("/")),
	} {
		a.Record(o)
	}
	h := func(v visitor) uint64 { return v.tableHash(t0, testSecret, site, tPageFlow) }
	type M = consentproxy.Metrics
	e := expect{}
	e.add("page_flow", site, t0, []string{"/"}, M{Pageviews: 2, Visits: 1, Events: 1}, h(alice), h(bob))
	e.add("page_flow", site, t0, []string{"/pricing"}, M{Pageviews: 3, Visits: 1, Events: 1}, h(alice), h(bob))
	e.add("page_flow", site, t0, []string{"/thanks"}, M{Pageviews: 1, Visits: 1}, h(alice))
	e.check(t, only(a.Collect(), "page_flow"))
}
