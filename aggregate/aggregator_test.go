package aggregate

import (
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/dims"
)

func TestTablesInDomainOrder(t *testing.T) {
	dom := consentproxy.Tables()
	if len(dom) != numTables {
		t.Fatalf("domain has %d tables, aggregate knows %d", len(dom), numTables)
	}
	for i, tb := range dom {
		if !slices.Equal(tables[i].Dims, tb.Dims) || tables[i].Name != tb.Name || tables[i].Visitors != tb.Visitors {
			t.Errorf("table %d: aggregate has %+v, domain %+v", i, tables[i], tb)
		}
		if tb.Visitors != (i < numVisitorTables) {
			t.Errorf("table %s: Visitors=%v but index %d", tb.Name, tb.Visitors, i)
		}
		if len(tb.Dims) > maxDims {
			t.Errorf("table %s has %d dims > maxDims", tb.Name, len(tb.Dims))
		}
	}
}

// expect accumulates the rows a test expects, hit by hit, so that it holds
// whatever dims returns (values that dims maps together merge here too).
type expect map[string]*consentproxy.Row

func (e expect) add(table, site string, hour time.Time, d []string, m consentproxy.Metrics, vis ...uint64) {
	id := rowID(table, site, hour, d...)
	r := e[id]
	if r == nil {
		r = &consentproxy.Row{Site: site, Hour: hour, Dims: d}
		e[id] = r
	}
	r.Metrics.Add(m)
	for _, h := range vis {
		if !slices.Contains(r.Visitors, h) {
			r.Visitors = append(r.Visitors, h)
		}
	}
}

func (e expect) check(t *testing.T, b consentproxy.Batch) {
	t.Helper()
	got := index(b)
	for id, w := range e {
		g, ok := got[id]
		if !ok {
			t.Errorf("missing row %s", id)
			continue
		}
		if g.Metrics != w.Metrics {
			t.Errorf("row %s: metrics %+v, want %+v", id, g.Metrics, w.Metrics)
		}
		if !sameHashes(g.Visitors, w.Visitors...) {
			t.Errorf("row %s: %d visitor hashes %x, want %d %x", id, len(g.Visitors), g.Visitors, len(w.Visitors), w.Visitors)
		}
	}
	for id := range got {
		if e[id] == nil {
			t.Errorf("unexpected row %s: %+v", id, got[id])
		}
	}
}

func agentDims(v visitor) []string {
	a := v.agent
	return []string{a.Browser, a.BrowserVersion, a.OS, a.OSVersion, a.Device}
}

func srcDims(s dims.Source) []string {
	return []string{s.Referrer, s.Channel, s.UTMSource, s.UTMMedium, s.UTMCampaign}
}

// TestTotals sends a known mix and checks every row of every table.
func TestTotals(t *testing.T) {
	a, c := newTestAgg(t, Config{CountWithoutConsent: true})
	const site = "G-TEST1"
	min := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	var (
		uHome    = "https://shop.example/home"
		uPricing = "https://shop.example/pricing?plan=pro"
		uCamp    = "https://shop.example/home?utm_source=news&utm_medium=email&utm_campaign=spring"
		uBlog    = "https://shop.example/blog/post-1"
		google   = "https://www.google.com/search?q=shop"
	)
	hits := []*consentproxy.Observation{
		alice.obs(min(0), site, consentproxy.ReasonForwarded, "page_view", uHome, google),
		alice.obs(min(2), site, consentproxy.ReasonForwarded, "page_view", uPricing, uHome),
		alice.obs(min(3), site, consentproxy.ReasonForwarded, "click", uPricing, uHome),
		bob.obs(min(5), site, consentproxy.ReasonForwarded, "page_view", uCamp, ""),
		carol.obs(min(6), site, consentproxy.ReasonNoConsent, "page_view", uBlog, ""),
		carol.obs(min(7), site, consentproxy.ReasonDenied, "scroll", uBlog, ""),
		bob.obs(min(8), site, consentproxy.ReasonGPC, "page_view", uHome, ""),
		alice.obs(min(8), site, consentproxy.ReasonOptOut, "page_view", uHome, ""),
		carol.obs(min(8), site, consentproxy.ReasonDNT, "page_view", uHome, ""),
		bob.obs(min(9), site, consentproxy.ReasonBot, "page_view", uHome, ""),
		bob.obs(min(9), "", consentproxy.ReasonInvalid, "", "", ""),
	}
	for _, o := range hits {
		a.Record(o)
	}
	a.RecordChoice(site, "r1", "accept_all", "eea")
	a.RecordChoice(site, "r1", "accept_all", "us-opt-out")
	a.RecordChoice(site, "r1", "reject_all", "eea")
	a.RecordRemoved(site, "identifier", 3)
	a.RecordRemoved(site, "identifier", 2)
	a.RecordRemoved(site, "user", 1)
	a.RecordRemoved(site, "Free Text!", 1)
	a.RecordRemoved(site, "client_ip", 0)

	h := func(v visitor, tbl int) uint64 { return v.tableHash(t0, testSecret, site, tbl) }
	type M = consentproxy.Metrics
	e := expect{}
	// totals: 6 events, 4 pageviews, 3 visits; alice un-bounced; durations 3m + 1m.
	e.add("totals", site, t0, []string{}, M{Events: 6, Pageviews: 4, Visits: 3, Bounces: 2, DurationMS: 240000},
		h(alice, tTotals), h(bob, tTotals), h(carol, tTotals))
	e.add("pages", site, t0, []string{dims.Path(uHome)}, M{Pageviews: 1, Events: 1}, h(alice, tPages))
	// Every event counts on its page: alice's click on /pricing, carol's scroll on the blog.
	e.add("pages", site, t0, []string{dims.Path(uPricing)}, M{Pageviews: 1, Events: 2}, h(alice, tPages))
	e.add("pages", site, t0, []string{dims.Path(uCamp)}, M{Pageviews: 1, Events: 1}, h(bob, tPages))
	e.add("pages", site, t0, []string{dims.Path(uBlog)}, M{Pageviews: 1, Events: 2}, h(carol, tPages))
	// page_flow: alice left /home for /pricing (her exit); bob's campaign
	// landing is /home too and his exit; carol scrolled her blog post.
	e.add("page_flow", site, t0, []string{"/home"}, M{Pageviews: 2, Visits: 1}, h(alice, tPageFlow), h(bob, tPageFlow))
	e.add("page_flow", site, t0, []string{dims.Path(uPricing)}, M{Pageviews: 1, Visits: 1}, h(alice, tPageFlow))
	e.add("page_flow", site, t0, []string{dims.Path(uBlog)}, M{Pageviews: 1, Visits: 1, Events: 1}, h(carol, tPageFlow))
	e.add("events", site, t0, []string{"page_view"}, M{Pageviews: 4, Events: 4}, h(alice, tEvents), h(bob, tEvents), h(carol, tEvents))
	e.add("events", site, t0, []string{"click"}, M{Events: 1}, h(alice, tEvents))
	e.add("events", site, t0, []string{"scroll"}, M{Events: 1}, h(carol, tEvents))
	// Per visit: alice (3 events, 2 pv, no bounce, 3m), bob (1, 1, bounce), carol (2, 1, bounce, 1m).
	type visit struct {
		v        visitor
		entry    string
		src      dims.Source
		m        M
		duration int64
	}
	visits := []visit{
		{alice, uHome, dims.SourceOf(uHome, google), M{Events: 3, Pageviews: 2, Visits: 1}, 180000},
		{bob, uCamp, dims.SourceOf(uCamp, ""), M{Events: 1, Pageviews: 1, Visits: 1, Bounces: 1}, 0},
		{carol, uBlog, dims.SourceOf(uBlog, ""), M{Events: 2, Pageviews: 1, Visits: 1, Bounces: 1}, 60000},
	}
	for i, vi := range visits {
		// Every visit in "(visits)"; alice's and bob's were forwarded,
		// carol's (no consent, denied) were not.
		gd := func(goal string) []string {
			return []string{goal, vi.src.Channel, vi.src.UTMSource, vi.src.UTMCampaign, dims.Path(vi.entry)}
		}
		e.add("goals", site, t0, gd(consentproxy.GoalAll), M{Visits: 1}, h(vi.v, tGoals))
		if i < 2 {
			e.add("goals", site, t0, gd(consentproxy.GoalGA4), M{Visits: 1}, h(vi.v, tGoals))
		}
		// At the visit's start: its campaign's term and content (none
		// here), its region (no region header: the country alone).
		e.add("campaign_details", site, t0, []string{vi.src.UTMSource, vi.src.UTMCampaign, "", ""}, M{Visits: 1}, h(vi.v, tCampaignDetails))
		e.add("regions", site, t0, []string{dims.Country(vi.v.country), ""}, M{Visits: 1}, h(vi.v, tRegions))
		withDur := vi.m
		withDur.DurationMS = vi.duration
		e.add("entry_pages", site, t0, []string{dims.Path(vi.entry)}, withDur, h(vi.v, tEntryPages))
		e.add("sources", site, t0, srcDims(vi.src), withDur, h(vi.v, tSources))
		e.add("devices", site, t0, agentDims(vi.v), vi.m, h(vi.v, tDevices))
		e.add("countries", site, t0, []string{dims.Country(vi.v.country)}, vi.m, h(vi.v, tCountries))
		e.add("languages", site, t0, []string{dims.Language(vi.v.lang)}, vi.m, h(vi.v, tLanguages))
	}
	for reason, n := range map[string]int64{"forwarded": 4, "no_consent": 1, "denied": 1, "gpc": 1, "opt_out": 1, "dnt": 1, "bot": 1} {
		e.add("outcomes", site, t0, []string{reason}, M{Hits: n})
	}
	e.add("outcomes", "", t0, []string{"invalid"}, M{Hits: 1})
	e.add("filtered", site, t0, []string{"bot", "other"}, M{Hits: 1}) // the bot hit, whose Observation says no class
	e.add("consent_choices", site, t0, []string{"r1", "accept_all"}, M{Hits: 2})
	e.add("consent_choices", site, t0, []string{"r1", "reject_all"}, M{Hits: 1})
	e.add("consent_jurisdictions", site, t0, []string{"eea", "accept_all"}, M{Hits: 1})
	e.add("consent_jurisdictions", site, t0, []string{"us-opt-out", "accept_all"}, M{Hits: 1})
	e.add("consent_jurisdictions", site, t0, []string{"eea", "reject_all"}, M{Hits: 1})
	e.add("removed_params", site, t0, []string{"identifier"}, M{Hits: 5})
	e.add("removed_params", site, t0, []string{"user"}, M{Hits: 1})
	e.add("removed_params", site, t0, []string{"other"}, M{Hits: 1})

	b := a.Collect()
	e.check(t, b)
	if b.Instance != a.Instance() || len(a.Instance()) != 16 {
		t.Errorf("instance %q, aggregator %q", b.Instance, a.Instance())
	}
	want := []string{"totals", "pages", "entry_pages", "events", "sources", "devices", "countries", "languages", "goals", "page_flow", "campaign_details", "regions", "outcomes", "consent_choices", "filtered", "consent_jurisdictions", "removed_params"}
	if got := tablesIn(b); !slices.Equal(got, want) {
		t.Errorf("tables %v, want %v", got, want)
	}
	for _, tr := range b.Tables {
		for _, r := range tr.Rows {
			if len(r.Dims) != len(tr.Table.Dims) {
				t.Errorf("%s row has %d dims, table %d", tr.Table.Name, len(r.Dims), len(tr.Table.Dims))
			}
			if (r.Visitors != nil) != tr.Table.Visitors {
				t.Errorf("%s row: visitors %v but table.Visitors=%v", tr.Table.Name, r.Visitors, tr.Table.Visitors)
			}
		}
	}
	// Realtime: last countable hits at 10:03 (alice), 10:05 (bob), 10:07 (carol).
	c.Set(min(8))
	if got := a.Realtime(site); got != 3 {
		t.Errorf("realtime at 10:08: %d, want 3", got)
	}
	c.Set(min(9))
	if got := a.Realtime(site); got != 2 {
		t.Errorf("realtime at 10:09: %d, want 2", got)
	}
}

// TestSuppressedTouchOnlyOutcomes: opt-out, GPC, DNT and invalid hits
// change one outcomes counter and create no session.
func TestSuppressedTouchOnlyOutcomes(t *testing.T) {
	for _, r := range []consentproxy.Reason{consentproxy.ReasonOptOut, consentproxy.ReasonGPC,
		consentproxy.ReasonDNT, consentproxy.ReasonInvalid} {
		t.Run(r.String(), func(t *testing.T) {
			a, c := newTestAgg(t, Config{CountWithoutConsent: true})
			for i := range 3 {
				a.Record(alice.obs(t0.Add(time.Duration(i)*time.Minute), "G-S", r, "page_view", "https://x.example/a", ""))
			}
			b := a.Collect()
			if got := tablesIn(b); !slices.Equal(got, []string{"outcomes"}) {
				t.Fatalf("tables %v, want only outcomes", got)
			}
			rows := b.Tables[0].Rows
			if len(rows) != 1 || rows[0].Metrics != (consentproxy.Metrics{Hits: 3}) || rows[0].Dims[0] != r.String() || rows[0].Visitors != nil {
				t.Fatalf("rows %+v", rows)
			}
			if st := a.Stats(); st.Sessions != 0 {
				t.Errorf("%d sessions", st.Sessions)
			}
			c.Set(t0.Add(3 * time.Minute))
			if n := a.Realtime("G-S"); n != 0 {
				t.Errorf("realtime %d", n)
			}
		})
	}
}

func TestCountWithoutConsentOff(t *testing.T) {
	a, _ := newTestAgg(t, Config{CountWithoutConsent: false})
	a.Record(alice.obs(t0, "G-S", consentproxy.ReasonNoConsent, "page_view", "https://x.example/a", ""))
	a.Record(bob.obs(t0, "G-S", consentproxy.ReasonDenied, "page_view", "https://x.example/a", ""))
	a.Record(carol.pv(t0, "G-S", "https://x.example/a"))
	got := index(a.Collect())
	for _, id := range []string{"outcomes|G-S|10:00|no_consent", "outcomes|G-S|10:00|denied", "outcomes|G-S|10:00|forwarded"} {
		if got[id].Metrics.Hits != 1 {
			t.Errorf("%s: %+v", id, got[id].Metrics)
		}
	}
	tot := got["totals|G-S|10:00|"]
	if tot.Metrics.Visits != 1 || tot.Metrics.Pageviews != 1 || !sameHashes(tot.Visitors, carol.tableHash(t0, testSecret, "G-S", tTotals)) {
		t.Errorf("totals %+v, want carol only", tot)
	}
}

func TestCapsFoldIntoOther(t *testing.T) {
	a, _ := newTestAgg(t, Config{MaxKeys: 2, MaxSites: 2})
	for i, ev := range []string{"e1", "e2", "e3", "e4", "e1"} {
		o := alice.obs(t0.Add(time.Duration(i)*time.Second), "G-A", consentproxy.ReasonForwarded, ev, "https://x.example/", "")
		a.Record(o)
	}
	for _, site := range []string{"G-B", "G-C", "G-D"} {
		a.Record(bob.pv(t0, site, "https://x.example/"))
	}
	got := index(a.Collect())
	for id, want := range map[string]int64{
		"events|G-A|10:00|e1": 2, "events|G-A|10:00|e2": 1, "events|G-A|10:00|(other)": 2,
	} {
		if got[id].Metrics.Events != want {
			t.Errorf("%s: events %d, want %d", id, got[id].Metrics.Events, want)
		}
	}
	if r, ok := got["events|G-A|10:00|(other)"]; !ok || !sameHashes(r.Visitors, alice.tableHash(t0, testSecret, "G-A", tEvents)) {
		t.Errorf("(other) row %+v", r)
	}
	// Sites: G-A and G-B are admitted in this hour; G-C and G-D fold.
	if got["totals|G-B|10:00|"].Metrics.Visits != 1 || got["totals|(other)|10:00|"].Metrics.Visits != 2 {
		t.Errorf("site cap: G-B %+v, other %+v", got["totals|G-B|10:00|"].Metrics, got["totals|(other)|10:00|"].Metrics)
	}
	if _, ok := got["totals|G-C|10:00|"]; ok {
		t.Error("G-C beyond the site cap got its own row")
	}
	if st := a.Stats(); st.Overflowed == 0 {
		t.Error("Stats.Overflowed = 0")
	}
	// The next hour has room again.
	a.Record(carol.obs(t0.Add(time.Hour), "G-A", consentproxy.ReasonForwarded, "e4", "https://x.example/", ""))
	if got := index(a.Collect()); got["events|G-A|11:00|e4"].Metrics.Events != 1 {
		t.Errorf("next hour: %v", got)
	}
}

func TestVisitorHashes(t *testing.T) {
	const site = "G-H"
	// A goal and a funnel, so that every visitor table gets a row.
	a1, _ := newTestAgg(t, Config{PageCountries: true, Goals: []Goal{{Name: "home", Page: "/"}, {Name: "view", Event: "page_view"}},
		Funnels: []Funnel{{Name: "f", Steps: []string{"home", "view"}}}, Properties: []Property{{Name: "plan", Values: []string{"pro"}}}})
	a2, _ := newTestAgg(t, Config{})
	a3, _ := newTestAgg(t, Config{Secret: []byte("another-secret-0123456789")})
	midnight := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	for _, a := range []*Aggregator{a1, a2, a3} {
		a.Record(alice.pv(midnight.Add(-time.Second), site, "https://x.example/"))
		a.Record(alice.pv(midnight, site, "https://x.example/"))
	}
	// A purchase with a property, so that event_props and revenue have rows.
	buy := alice.obs(midnight.Add(-time.Second), site, consentproxy.ReasonForwarded, "purchase", "https://x.example/", "")
	buy.Params = params{"ep.plan": "pro", "epn.value": "10", "cu": "EUR"}
	a1.Record(buy)
	b1, b2, b3 := index(a1.Collect()), index(a2.Collect()), index(a3.Collect())
	before := b1["totals|G-H|23:00|"].Visitors
	after := b1["totals|G-H|00:00|"].Visitors
	if len(before) != 1 || len(after) != 1 || before[0] == after[0] {
		t.Fatalf("salt did not rotate at midnight: %x / %x", before, after)
	}
	// Two aggregators (instances) with the same secret agree; another secret does not.
	if !sameHashes(b2["totals|G-H|23:00|"].Visitors, before...) || !sameHashes(b2["totals|G-H|00:00|"].Visitors, after...) {
		t.Error("same secret, different hashes")
	}
	if sameHashes(b3["totals|G-H|23:00|"].Visitors, before...) {
		t.Error("different secret, same hash")
	}
	// The midnight hit starts a new visit (the salt changed).
	if v := b1["totals|G-H|00:00|"].Metrics.Visits; v != 1 {
		t.Errorf("visits after midnight %d", v)
	}
	// Per-table hashes of one visitor all differ (rows of one table share
	// them: goals has several rows for alice).
	seen := map[uint64]string{}
	for id, r := range b1 {
		if len(r.Visitors) == 0 || r.Hour.Hour() != 23 {
			continue
		}
		tbl, _, _ := strings.Cut(id, "|")
		if prev, dup := seen[r.Visitors[0]]; dup && prev != tbl {
			t.Errorf("tables %s and %s share a visitor hash", prev, tbl)
		}
		seen[r.Visitors[0]] = tbl
	}
	if len(seen) != numVisitorTables {
		t.Errorf("%d distinct per-table hashes, want %d", len(seen), numVisitorTables)
	}
}

func TestRealtime(t *testing.T) {
	a, c := newTestAgg(t, Config{})
	a.Record(alice.pv(t0, "G-R", "https://x.example/"))
	a.Record(bob.pv(t0.Add(2*time.Minute), "G-R", "https://x.example/"))
	a.Record(bob.pv(t0.Add(3*time.Minute), "G-R", "https://x.example/b"))
	a.Record(carol.pv(t0.Add(3*time.Minute), "G-OTHER", "https://x.example/"))
	for _, tc := range []struct {
		at   time.Duration
		want int
	}{{3 * time.Minute, 2}, {5 * time.Minute, 2}, {6 * time.Minute, 1}, {8 * time.Minute, 1}, {8*time.Minute + time.Second, 0}} {
		c.Set(t0.Add(tc.at))
		if got := a.Realtime("G-R"); got != tc.want {
			t.Errorf("at +%v: realtime %d, want %d", tc.at, got, tc.want)
		}
	}
	if got := a.Realtime("G-NONE"); got != 0 {
		t.Errorf("unknown site %d", got)
	}
}

// TestRealtimeTop: the visitors of the last 5 minutes by current page (the
// latest page view, not a later event's page) and by source name.
func TestRealtimeTop(t *testing.T) {
	a, c := newTestAgg(t, Config{})
	a.Record(alice.obs(t0, "G-R", consentproxy.ReasonForwarded, "page_view", "https://x.example/", "https://www.google.com/"))
	a.Record(alice.pv(t0.Add(time.Minute), "G-R", "https://x.example/pricing"))
	a.Record(alice.obs(t0.Add(2*time.Minute), "G-R", consentproxy.ReasonForwarded, "scroll", "https://x.example/other", ""))
	a.Record(bob.pv(t0.Add(2*time.Minute), "G-R", "https://x.example/pricing?utm_source=news&utm_medium=email"))
	a.Record(carol.pv(t0.Add(-10*time.Minute), "G-R", "https://x.example/old")) // outside the window
	a.Record(carol.pv(t0.Add(2*time.Minute), "G-OTHER", "https://x.example/"))
	c.Set(t0.Add(3 * time.Minute))
	pages, sources := a.RealtimeTop("G-R")
	if want := map[string]int{"/pricing": 2}; !maps.Equal(pages, want) {
		t.Errorf("pages %v, want %v", pages, want)
	}
	if want := map[string]int{"google": 1, "news": 1}; !maps.Equal(sources, want) {
		t.Errorf("sources %v, want %v", sources, want)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no secret":    {},
		"short secret": {Secret: []byte("short")},
		"negative":     {Secret: testSecret, MaxKeys: -1},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestEventNames(t *testing.T) {
	for in, want := range map[string]string{
		"page_view": "page_view", "Click2": "Click2", "": EventNotSet,
		"jane@example.com": EventInvalid, "2fast": EventInvalid, "_x": EventInvalid,
		"a b": EventInvalid, strings.Repeat("a", 40): strings.Repeat("a", 40), strings.Repeat("a", 41): EventInvalid,
		"caf\u00e9": EventInvalid,
	} {
		if got := eventName(in); got != want {
			t.Errorf("eventName(%q) = %q, want %q", in, got, want)
		}
	}
	a, _ := newTestAgg(t, Config{})
	a.Record(alice.obs(t0, "G-E", consentproxy.ReasonForwarded, "signup?email=jane@example.com", "https://x.example/", ""))
	if got := index(a.Collect()); got["events|G-E|10:00|"+EventInvalid].Metrics.Events != 1 {
		t.Errorf("events %v", got)
	}
}

type geoFunc func(netip.Addr) string

func (f geoFunc) Country(ip netip.Addr) string { return f(ip) }

// The trusted header wins; GeoIP is asked only when it is absent, once per visit.
func TestCountrySources(t *testing.T) {
	calls := 0
	geo := geoFunc(func(ip netip.Addr) string { calls++; return "fr" })
	a, _ := newTestAgg(t, Config{Geo: geo})
	withHeader := alice.pv(t0, "G-G", "https://x.example/")
	a.Record(withHeader)
	noHeader := bob.pv(t0, "G-G", "https://x.example/")
	noHeader.Country = ""
	a.Record(noHeader)
	noHeader2 := bob.pv(t0.Add(time.Minute), "G-G", "https://x.example/b")
	noHeader2.Country = ""
	a.Record(noHeader2)
	got := index(a.Collect())
	if got["countries|G-G|10:00|"+dims.Country("DE")].Metrics.Visits != 1 ||
		got["countries|G-G|10:00|"+dims.Country("FR")].Metrics.Visits != 1 {
		t.Errorf("countries %v", got)
	}
	if calls != 1 {
		t.Errorf("geo lookups %d, want 1", calls)
	}
}

// TestFilteredByClass: bot and excluded hits change their outcomes counter
// and one filtered counter of their class, create no session, and a class
// off the closed sets is stored as "other", never as sent.
func TestFilteredByClass(t *testing.T) {
	cases := []struct {
		r           consentproxy.Reason
		class, want string
	}{
		{consentproxy.ReasonBot, consentproxy.BotMonitor, "monitor"},
		{consentproxy.ReasonBot, consentproxy.BotAICrawler, "ai_crawler"},
		{consentproxy.ReasonBot, "Mozilla/5.0 forged", "other"},
		{consentproxy.ReasonExcluded, consentproxy.ExcludedInternalIP, "internal_ip"},
		{consentproxy.ReasonExcluded, consentproxy.ExcludedStaff, "staff"},
		{consentproxy.ReasonExcluded, consentproxy.ExcludedReferrerSpam, "referrer_spam"},
		{consentproxy.ReasonExcluded, "crawler", "other"},
	}
	for _, tc := range cases {
		t.Run(tc.r.String()+"/"+tc.class, func(t *testing.T) {
			a, _ := newTestAgg(t, Config{CountWithoutConsent: true})
			for i := range 3 {
				o := alice.obs(t0.Add(time.Duration(i)*time.Minute), "G-S", tc.r, "page_view", "https://x.example/a", "")
				o.Class = tc.class
				a.Record(o)
			}
			b := a.Collect()
			if got := tablesIn(b); !slices.Equal(got, []string{"outcomes", "filtered"}) {
				t.Fatalf("tables %v, want outcomes and filtered", got)
			}
			idx := index(b)
			if r, ok := idx[rowID("outcomes", "G-S", t0, tc.r.String())]; !ok || r.Metrics.Hits != 3 {
				t.Errorf("outcomes row %+v (found %v)", r, ok)
			}
			if r, ok := idx[rowID("filtered", "G-S", t0, tc.r.String(), tc.want)]; !ok || r.Metrics != (consentproxy.Metrics{Hits: 3}) || r.Visitors != nil {
				t.Errorf("filtered row %+v (found %v); rows %v", r, ok, idx)
			}
			if st := a.Stats(); st.Sessions != 0 {
				t.Errorf("%d sessions", st.Sessions)
			}
		})
	}
}

// TestChoicesByJurisdiction: a banner decision counts once in
// consent_choices (revision, outcome) and once in consent_jurisdictions
// (jurisdiction, outcome), with no visitor and no session; an empty or
// malformed jurisdiction counts as unknown, the table's distinct values are
// capped like every table's, and a late decision counts nowhere.
func TestChoicesByJurisdiction(t *testing.T) {
	a, c := newTestAgg(t, Config{MaxKeys: 3})
	for _, j := range []string{"eea", "eea", "", "DE", "us-ca ", "eea<script>", strings.Repeat("a", 33), "elsewhere", "us-opt-out"} {
		a.RecordChoice("G-J", "r2", "accept_all", j)
	}
	a.RecordChoice("G-J", "r2", "withdraw", "eea")
	b := a.Collect()
	if got := tablesIn(b); !slices.Equal(got, []string{"consent_choices", "consent_jurisdictions"}) {
		t.Fatalf("tables %v", got)
	}
	idx := index(b)
	for _, w := range []struct {
		table string
		d     []string
		hits  int64
	}{
		{"consent_choices", []string{"r2", "accept_all"}, 9},
		{"consent_choices", []string{"r2", "withdraw"}, 1},
		// eea, unknown (the empty and the four malformed ones) and
		// elsewhere fill the cap of 3; us-opt-out and eea's withdraw fold
		// into (other).
		{"consent_jurisdictions", []string{"eea", "accept_all"}, 2},
		{"consent_jurisdictions", []string{"unknown", "accept_all"}, 5},
		{"consent_jurisdictions", []string{"elsewhere", "accept_all"}, 1},
		{"consent_jurisdictions", []string{"(other)", "(other)"}, 2},
	} {
		id := rowID(w.table, "G-J", t0, w.d...)
		if r, ok := idx[id]; !ok || r.Metrics != (consentproxy.Metrics{Hits: w.hits}) || r.Visitors != nil {
			t.Errorf("%s: %+v (found %v), want %d hits", id, r.Metrics, ok, w.hits)
		}
	}
	if n := len(b.Tables[1].Rows); n != 4 {
		t.Errorf("consent_jurisdictions has %d rows, want 4", n)
	}
	if st := a.Stats(); st.Sessions != 0 {
		t.Errorf("%d sessions", st.Sessions)
	}
	// Once the hour is written and forgotten, a decision stamped in it is late.
	c.Set(t0.Add(2 * time.Hour))
	a.Collect()
	c.Set(t0)
	a.RecordChoice("G-J", "r2", "accept_all", "eea")
	if got := tablesIn(a.Collect()); len(got) != 0 || a.Stats().Late != 1 {
		t.Errorf("late decision: tables %v, late %d", got, a.Stats().Late)
	}
}
