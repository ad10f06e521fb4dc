package stats

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/web"
)

// newApp mounts the API on a Fiber app whose error handler maps error codes
// the way the production one does.
func newApp(t testing.TB, cfg Config) *fiber.App {
	t.Helper()
	api, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(web.Status(consentproxy.ErrorCode(err))).SendString(consentproxy.ErrorMessage(err))
	}})
	api.Register(app)
	return app
}

type answer struct {
	status  int
	body    string
	results string // compact JSON of "results"
	meta    Meta
}

func do(t testing.TB, app *fiber.App, req *http.Request) answer {
	t.Helper()
	resp, err := app.Test(req, 60_000)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, body: string(b)}
	if resp.StatusCode == 200 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var v struct {
			Results json.RawMessage `json:"results"`
			Meta    Meta            `json:"meta"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		var buf bytes.Buffer
		if len(v.Results) > 0 {
			if err := json.Compact(&buf, v.Results); err != nil {
				t.Fatal(err)
			}
		}
		a.results, a.meta = buf.String(), v.Meta
	}
	return a
}

func post(t testing.TB, app *fiber.App, body string) answer {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return do(t, app, req)
}

func get(t testing.TB, app *fiber.App, url string) answer {
	t.Helper()
	return do(t, app, httptest.NewRequest("GET", url, nil))
}

// day10 wraps the query fields in a query of the fixture site for the
// fixture's UTC day.
func day10(fields string) string {
	return `{"site":"` + site + `","date_range":["2026-03-10","2026-03-10"],` + fields + `}`
}

func TestQueryEngines(t *testing.T) {
	// Every answer must be the same whether it is read from hourly rows
	// only or, where the planner may, from the daily and monthly rollups.
	for _, mode := range []string{"chdb/hourly", "chdb/rollups", "clickhouse/hourly", "clickhouse/rollups"} {
		engine, grains, _ := strings.Cut(mode, "/")
		t.Run(mode, func(t *testing.T) {
			s := openStore(t, engine)
			writeFixture(t, s)
			var frontier func() time.Time
			if grains == "rollups" {
				from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
				if err := s.(consentproxy.Rollups).Rollup(context.Background(), from, to, 1); err != nil {
					t.Fatalf("Rollup: %v", err)
				}
				frontier = func() time.Time { return to }
			}
			app := newApp(t, Config{Store: s, Now: func() time.Time { return fixNow }, Rollups: frontier, PageCountries: true,
				Realtime: func(string) int { return 7 },
				Goals: func(site string) ([]GoalDef, []FunnelDef) {
					return []GoalDef{{Name: "signup", Event: "sign_up"}, {Name: "pricing", Page: "/pricing"}},
						[]FunnelDef{{Name: "checkout", Steps: []string{"pricing", "signup"}}}
				},
				RealtimeTop: func(string) (map[string]int, map[string]int) {
					return map[string]int{"/": 5, "/pricing": 2}, map[string]int{"google": 6, "news": 1}
				},
				Authorize: func(c *fiber.Ctx, site string) error {
					if site == "G-DENY" {
						return consentproxy.Errorf(consentproxy.EFORBIDDEN, "not your site")
					}
					return nil
				}})
			for _, tc := range []struct {
				name, body, results string
				suppressed          int
				withheld            bool
			}{
				{"totals", day10(`"metrics":["visitors","pageviews","visits","bounce_rate","visit_duration","consent_rate","choices","suppressed"]`),
					`[{"dimensions":[],"metrics":[41,74,36,47.2,8.1,60,20,7]}]`, 0, false},
				{"pages", day10(`"metrics":["visitors","pageviews"],"dimensions":["page"]`),
					`[{"dimensions":["/"],"metrics":[28,40]},{"dimensions":["/pricing"],"metrics":[9,13]},{"dimensions":["=1+1"],"metrics":[5,5]},{"dimensions":["(other)"],"metrics":[8,12]}]`, 3, false},
				{"pages by name", day10(`"metrics":["visitors"],"dimensions":["page"],"order_by":[["page","asc"]]`),
					`[{"dimensions":["/"],"metrics":[28]},{"dimensions":["/pricing"],"metrics":[9]},{"dimensions":["=1+1"],"metrics":[5]},{"dimensions":["(other)"],"metrics":[8]}]`, 3, false},
				{"pagination", day10(`"metrics":["visitors","pageviews"],"dimensions":["page"],"limit":2,"page":2`),
					`[{"dimensions":["=1+1"],"metrics":[5,5]},{"dimensions":["(other)"],"metrics":[8,12]}]`, 3, false},
				{"day UTC", `{"site":"G-STATS","date_range":["2026-03-10","2026-03-11"],"metrics":["visitors","pageviews"],"dimensions":["time:day"]}`,
					`[{"dimensions":["2026-03-10"],"metrics":[41,74]}]`, 0, false},
				{"day Berlin", `{"site":"G-STATS","date_range":["2026-03-10","2026-03-11"],"timezone":"Europe/Berlin","metrics":["visitors","pageviews"],"dimensions":["time:day"]}`,
					`[{"dimensions":["2026-03-10"],"metrics":[33,64]},{"dimensions":["2026-03-11"],"metrics":[8,10]}]`, 0, false},
				{"hour Berlin", `{"site":"G-STATS","date_range":["2026-03-10","2026-03-10"],"timezone":"Europe/Berlin","metrics":["visitors"],"dimensions":["time:hour"]}`,
					`[{"dimensions":["2026-03-10T11:00:00+01:00"],"metrics":[30]}]`, 1, true},
				{"day × page Berlin", `{"site":"G-STATS","date_range":["2026-03-10","2026-03-11"],"timezone":"Europe/Berlin","metrics":["pageviews","visitors"],"dimensions":["time:day","page"]}`,
					`[{"dimensions":["2026-03-10","/"],"metrics":[30,20]},{"dimensions":["2026-03-10","/pricing"],"metrics":[13,9]},{"dimensions":["2026-03-10","=1+1"],"metrics":[5,5]},{"dimensions":["2026-03-11","/"],"metrics":[10,8]},{"dimensions":["(other)","(other)"],"metrics":[12,8]}]`, 3, false},
				{"month", `{"site":"G-STATS","date_range":"month","metrics":["visitors"],"dimensions":["time:month"]}`,
					`[{"dimensions":["2026-03-01"],"metrics":[41]}]`, 0, false},
				// Hours, days and a month, cut at Berlin's midnights.
				{"March Berlin", `{"site":"G-STATS","date_range":["2026-03-01","2026-03-31"],"timezone":"Europe/Berlin","metrics":["visitors","pageviews"],"dimensions":["page"]}`,
					`[{"dimensions":["/"],"metrics":[28,40]},{"dimensions":["/pricing"],"metrics":[9,13]},{"dimensions":["=1+1"],"metrics":[5,5]},{"dimensions":["(other)"],"metrics":[8,12]}]`, 3, false},
				{"months", `{"site":"G-STATS","date_range":["2026-01-01","2026-04-30"],"metrics":["visitors","pageviews","bounce_rate","consent_rate","suppressed"],"dimensions":["time:month"]}`,
					`[{"dimensions":["2026-03-01"],"metrics":[41,74,47.2,60,7]}]`, 0, false},
				{"weeks", `{"site":"G-STATS","date_range":["2026-02-20","2026-03-20"],"metrics":["visitors"],"dimensions":["time:week"]}`,
					`[{"dimensions":["2026-03-09"],"metrics":[41]}]`, 0, false},
				{"7d", `{"site":"G-STATS","date_range":"7d","metrics":["visitors","suppressed"]}`,
					`[{"dimensions":[],"metrics":[41,7]}]`, 0, false},
				// Engagement seconds per visitor: (300+80+43) s / 41 visitors
				// in totals, (200+80) s / 28 on "/", (54+9) s / 9 on /pricing;
				// the superseded version 1 must not count.
				{"engagement", day10(`"metrics":["visitors","engagement_time"]`),
					`[{"dimensions":[],"metrics":[41,10.3]}]`, 0, false},
				{"engagement by page", day10(`"metrics":["visitors","engagement_time"],"dimensions":["page"]`),
					`[{"dimensions":["/"],"metrics":[28,10]},{"dimensions":["/pricing"],"metrics":[9,7]},{"dimensions":["=1+1"],"metrics":[5,0]},{"dimensions":["(other)"],"metrics":[8,0]}]`, 3, false},
				{"engagement by country", day10(`"metrics":["visitors","engagement_time"],"dimensions":["country"]`),
					`[{"dimensions":["DE"],"metrics":[20,5]},{"dimensions":["FR"],"metrics":[6,5.5]}]`, 1, true},
				{"channel", day10(`"metrics":["visitors","visits","bounce_rate","visit_duration"],"dimensions":["channel"]`),
					`[{"dimensions":["organic_search"],"metrics":[12,12,50,10]},{"dimensions":["direct"],"metrics":[8,8,25,10]},{"dimensions":["email"],"metrics":[5,5,40,10]}]`, 0, false},
				{"campaign", day10(`"metrics":["visitors"],"dimensions":["utm_campaign"]`),
					`[{"dimensions":[""],"metrics":[20]},{"dimensions":["spring"],"metrics":[5]}]`, 0, false},
				// The source as GA4 names it: utm_source, else the referrer, else (direct).
				{"source name", day10(`"metrics":["visitors"],"dimensions":["source_name"]`),
					`[{"dimensions":["google.com"],"metrics":[12]},{"dimensions":["(direct)"],"metrics":[8]},{"dimensions":["news"],"metrics":[5]}]`, 0, false},
				{"source name filter", day10(`"metrics":["visits"],"filters":[["is","source_name","news"]]`),
					`[{"dimensions":[],"metrics":[5]}]`, 0, false},
				{"browser versions", day10(`"metrics":["visitors"],"dimensions":["browser","browser_version"],"order_by":[["browser_version","asc"]]`),
					`[{"dimensions":["Chrome","119"],"metrics":[15]},{"dimensions":["Chrome","120"],"metrics":[5]},{"dimensions":["Firefox","120"],"metrics":[10]}]`, 0, false},
				{"source with filter", day10(`"metrics":["visits"],"dimensions":["source"],"filters":[["is_not","channel","direct"]]`),
					`[{"dimensions":["google.com"],"metrics":[12]},{"dimensions":["newsletter.example"],"metrics":[5]}]`, 0, false},
				{"country", day10(`"metrics":["visitors","visits","bounce_rate"],"dimensions":["country"]`),
					`[{"dimensions":["DE"],"metrics":[20,20,25]},{"dimensions":["FR"],"metrics":[6,6,50]}]`, 1, true},
				{"browser", day10(`"metrics":["visitors","bounce_rate"],"dimensions":["browser"]`),
					`[{"dimensions":["Chrome"],"metrics":[20,30]},{"dimensions":["Firefox"],"metrics":[10,40]}]`, 0, false},
				{"browser × device", day10(`"metrics":["visitors"],"dimensions":["device","browser"],"order_by":[["device","asc"],["browser","asc"]]`),
					`[{"dimensions":["desktop","Chrome"],"metrics":[5]},{"dimensions":["desktop","Firefox"],"metrics":[10]},{"dimensions":["mobile","Chrome"],"metrics":[15]}]`, 0, false},
				{"device tie", day10(`"metrics":["visitors"],"dimensions":["device"]`),
					`[{"dimensions":["desktop"],"metrics":[15]},{"dimensions":["mobile"],"metrics":[15]}]`, 0, false},
				{"language", day10(`"metrics":["visitors"],"dimensions":["language"],"order_by":[["language","desc"]]`),
					`[{"dimensions":["en"],"metrics":[15]},{"dimensions":["de"],"metrics":[15]}]`, 0, false},
				{"event", day10(`"metrics":["visitors","events"],"dimensions":["event"]`),
					`[{"dimensions":["page_view"],"metrics":[30,60]}]`, 1, true},
				{"entry page", day10(`"metrics":["visits","bounce_rate","visit_duration"],"dimensions":["entry_page"]`),
					`[{"dimensions":["/"],"metrics":[20,40,10]},{"dimensions":["/pricing"],"metrics":[5,40,10]}]`, 0, false},
				// Goals: converted visitors over every visitor of the
				// breakdown ("(visits)"), never shown as a row.
				{"goals", day10(`"metrics":["visitors","visits","events","conversion_rate"],"dimensions":["goal"]`),
					`[{"dimensions":["signup"],"metrics":[13,13,14,52]},{"dimensions":["pricing"],"metrics":[9,9,9,36]}]`, 0, false},
				{"goal by channel", day10(`"metrics":["visitors","conversion_rate"],"dimensions":["channel"],"filters":[["is","goal","signup"]]`),
					`[{"dimensions":["organic_search"],"metrics":[6,50]},{"dimensions":["email"],"metrics":[5,100]}]`, 1, true},
				{"goal × campaign", day10(`"metrics":["conversion_rate","visits"],"dimensions":["utm_campaign","goal"],"order_by":[["visits","desc"]]`),
					`[{"dimensions":["","pricing"],"metrics":[45,9]},{"dimensions":["","signup"],"metrics":[40,8]},{"dimensions":["spring","signup"],"metrics":[100,5]}]`, 0, false},
				{"goals by day", day10(`"metrics":["conversion_rate"],"dimensions":["time:day","goal"],"order_by":[["goal","asc"]]`),
					`[{"dimensions":["2026-03-10","pricing"],"metrics":[36]},{"dimensions":["2026-03-10","signup"],"metrics":[52]}]`, 0, false},
				// Without a goal: every visit by channel × entry page, and the
				// share that reached any goal.
				{"channel × entry page", day10(`"metrics":["visitors","visits","conversion_rate"],"dimensions":["channel","entry_page"]`),
					`[{"dimensions":["organic_search","/"],"metrics":[12,12,75]},{"dimensions":["direct","/"],"metrics":[8,8,25]},{"dimensions":["email","/pricing"],"metrics":[5,5,100]}]`, 0, false},
				{"any goal", day10(`"metrics":["conversion_rate"],"filters":[["is","entry_page","/"],["is","channel","organic_search"]]`),
					`[{"dimensions":[],"metrics":[75]}]`, 0, false},
				// A visitor who reached both goals counts once: rollups, which
				// keep a count per row, cannot say so, and are not read.
				{"two goals", day10(`"metrics":["visitors","visits"],"filters":[["in","goal",["signup","pricing"]]]`),
					`[{"dimensions":[],"metrics":[16,22]}]`, 0, false},
				// GA4's coverage: the "(ga4)" goal, by channel and in total.
				{"GA4 coverage by channel", day10(`"metrics":["visitors","conversion_rate"],"dimensions":["channel"],"filters":[["is","goal","(ga4)"]]`),
					`[{"dimensions":["organic_search"],"metrics":[10,83.3]},{"dimensions":["email"],"metrics":[5,100]}]`, 1, true},
				{"GA4 coverage", day10(`"metrics":["visitors","conversion_rate"],"filters":[["is","goal","(ga4)"]]`),
					`[{"dimensions":[],"metrics":[19,76]}]`, 0, false},
				// conversion_rate alone chooses the goals family for channel.
				{"conversion by channel", day10(`"metrics":["conversion_rate"],"dimensions":["channel"]`),
					`[{"dimensions":["email"],"metrics":[100]},{"dimensions":["organic_search"],"metrics":[75]},{"dimensions":["direct"],"metrics":[25]}]`, 0, false},
				// conversion_rate alone is a goals query: the share of every
				// visitor who reached any goal (9 + 5 + 2 of 25), by day too.
				{"any goal overall", day10(`"metrics":["visitors","conversion_rate"]`),
					`[{"dimensions":[],"metrics":[25,64]}]`, 0, false},
				{"any goal by day", day10(`"metrics":["conversion_rate"],"dimensions":["time:day"]`),
					`[{"dimensions":["2026-03-10"],"metrics":[64]}]`, 0, false},
				// is_not and contains choose among the goals: never "(ga4)".
				{"goals but signup", day10(`"metrics":["visitors"],"dimensions":["goal"],"filters":[["is_not","goal","signup"]]`),
					`[{"dimensions":["pricing"],"metrics":[9]}]`, 0, false},
				{"funnel", day10(`"metrics":["visits","visitors"],"dimensions":["funnel_step","goal"],"filters":[["is","funnel","checkout"]],"order_by":[["funnel_step","asc"]]`),
					`[{"dimensions":["1","pricing"],"metrics":[9,9]},{"dimensions":["2","signup"],"metrics":[6,6]}]`, 0, false},
				// Suppressed hits per reason: only the visitor's own refusals, never
				// forwarded or bot hits, and small counts are shown as they are.
				{"suppression reason", day10(`"metrics":["suppressed"],"dimensions":["suppression_reason"]`),
					`[{"dimensions":["gpc"],"metrics":[4]},{"dimensions":["opt_out"],"metrics":[2]},{"dimensions":["dnt"],"metrics":[1]}]`, 0, false},
				// Filtered hits by why: bots by class, exclusions by rule; like
				// suppressed hits they carry no visitor, so small counts show.
				{"filtered total", day10(`"metrics":["filtered","suppressed"]`),
					`[{"dimensions":[],"metrics":[12,7]}]`, 0, false},
				{"filter reason", day10(`"metrics":["filtered"],"dimensions":["filter_reason"]`),
					`[{"dimensions":["bot"],"metrics":[9]},{"dimensions":["excluded"],"metrics":[3]}]`, 0, false},
				{"filter class of exclusions", day10(`"metrics":["filtered"],"dimensions":["filter_class"],"filters":[["is","filter_reason",["excluded"]]]`),
					`[{"dimensions":["internal_ip"],"metrics":[2]},{"dimensions":["staff"],"metrics":[1]}]`, 0, false},
				{"bot classes", day10(`"metrics":["filtered"],"dimensions":["filter_reason","filter_class"]`),
					`[{"dimensions":["bot","crawler"],"metrics":[6]},{"dimensions":["bot","monitor"],"metrics":[3]},{"dimensions":["excluded","internal_ip"],"metrics":[2]},{"dimensions":["excluded","staff"],"metrics":[1]}]`, 0, false},
				// Revenue per currency; purchases need no currency.
				{"revenue", day10(`"metrics":["revenue","purchases","average_order","visitors"],"dimensions":["currency"]`),
					`[{"dimensions":["EUR"],"metrics":[200,4,50,6]},{"dimensions":["USD"],"metrics":[99.95,5,19.99,5]},{"dimensions":["(other)"],"metrics":[null,5,null,5]}]`, 2, false},
				{"revenue in euros by channel", day10(`"metrics":["revenue","visits"],"dimensions":["channel"],"filters":[["is","currency","EUR"]]`),
					`[{"dimensions":["organic_search"],"metrics":[200,3]}]`, 0, false},
				{"purchases", day10(`"metrics":["purchases"]`),
					`[{"dimensions":[],"metrics":[14]}]`, 0, false},
				// Event properties: purchases by plan.
				{"property values", day10(`"metrics":["visitors","events"],"dimensions":["property_value"],"filters":[["is","property","plan"],["is","event","purchase"]]`),
					`[{"dimensions":["pro"],"metrics":[6,7]},{"dimensions":["free"],"metrics":[5,5]}]`, 0, false},
				// The opt-in pages × country breakdown; utm_term and
				// utm_content; regions.
				{"pages by country", day10(`"metrics":["visitors","pageviews"],"dimensions":["page","country"]`),
					`[{"dimensions":["/","DE"],"metrics":[15,20]},{"dimensions":["/","FR"],"metrics":[5,6]}]`, 1, true},
				{"campaign terms", day10(`"metrics":["visits","visitors"],"dimensions":["utm_term"],"filters":[["is","utm_campaign","spring"]]`),
					`[{"dimensions":["mugs"],"metrics":[5,5]}]`, 0, false},
				{"regions", day10(`"metrics":["visitors"],"dimensions":["region"],"filters":[["is","country","DE"]]`),
					`[{"dimensions":["DE-BY"],"metrics":[12]},{"dimensions":["DE-BE"],"metrics":[8]}]`, 0, false},
				// Exit pages and scroll depth, from page_flow.
				{"exit pages", day10(`"metrics":["exits","exit_rate","scroll_rate","visitors"],"dimensions":["page"]`),
					`[{"dimensions":["/"],"metrics":[12,40,30,20]},{"dimensions":["/pricing"],"metrics":[6,66.7,33.3,6]}]`, 0, false},
				{"exits overall", day10(`"metrics":["exits","pageviews"]`),
					`[{"dimensions":[],"metrics":[18,39]}]`, 0, false},
				// Parameters kept from Google, by class: counts, never folded.
				{"removed", day10(`"metrics":["removed"],"dimensions":["removed_class"]`),
					`[{"dimensions":["identifier"],"metrics":[40]},{"dimensions":["user"],"metrics":[3]},{"dimensions":["client_ip"],"metrics":[1]}]`, 0, false},
				{"removed total", day10(`"metrics":["removed","filtered"]`),
					`[{"dimensions":[],"metrics":[44,12]}]`, 0, false},
				// Banner choices carry no visitor attribute: small ones are shown.
				{"consent outcome", day10(`"metrics":["choices"],"dimensions":["consent_outcome"]`),
					`[{"dimensions":["accept_all"],"metrics":[12]},{"dimensions":["reject_all"],"metrics":[5]},{"dimensions":["custom"],"metrics":[3]}]`, 0, false},
				// Per jurisdiction group, from consent_jurisdictions: rates
				// exact in hourly rows and rollups alike, never folded.
				{"consent rate by jurisdiction", day10(`"metrics":["consent_rate","choices"],"dimensions":["consent_jurisdiction"],"order_by":[["choices","desc"]]`),
					`[{"dimensions":["eea"],"metrics":[50,12]},{"dimensions":["us-opt-out"],"metrics":[83.3,6]},{"dimensions":["unknown"],"metrics":[50,2]}]`, 0, false},
				{"jurisdiction × outcome", day10(`"metrics":["choices"],"dimensions":["consent_jurisdiction","consent_outcome"],"order_by":[["consent_jurisdiction","asc"],["consent_outcome","asc"]]`),
					`[{"dimensions":["eea","accept_all"],"metrics":[6]},{"dimensions":["eea","custom"],"metrics":[2]},{"dimensions":["eea","reject_all"],"metrics":[4]},{"dimensions":["unknown","accept_all"],"metrics":[1]},{"dimensions":["unknown","custom"],"metrics":[1]},{"dimensions":["us-opt-out","accept_all"],"metrics":[5]},{"dimensions":["us-opt-out","reject_all"],"metrics":[1]}]`, 0, false},
				{"consent rate by jurisdiction without custom", day10(`"metrics":["consent_rate","choices"],"dimensions":["consent_jurisdiction"],"filters":[["is_not","consent_outcome",["custom"]]],"order_by":[["choices","desc"]]`),
					`[{"dimensions":["eea"],"metrics":[60,10]},{"dimensions":["us-opt-out"],"metrics":[83.3,6]},{"dimensions":["unknown"],"metrics":[100,1]}]`, 0, false},
				// Each decision's share: 12, 5 and 3 of 20, none withdrawn; per
				// jurisdiction eea 6, 4, 2 of 12.
				{"decision rates", day10(`"metrics":["consent_rate","reject_rate","custom_rate","withdraw_rate","choices"]`),
					`[{"dimensions":[],"metrics":[60,25,15,0,20]}]`, 0, false},
				{"decision rates by jurisdiction", day10(`"metrics":["consent_rate","reject_rate","custom_rate"],"filters":[["is","consent_jurisdiction","eea"]]`),
					`[{"dimensions":[],"metrics":[50,33.3,16.7]}]`, 0, false},
				{"consent outcome in a jurisdiction", day10(`"metrics":["choices"],"dimensions":["consent_outcome"],"filters":[["is","consent_jurisdiction",["eea"]]]`),
					`[{"dimensions":["accept_all"],"metrics":[6]},{"dimensions":["reject_all"],"metrics":[4]},{"dimensions":["custom"],"metrics":[2]}]`, 0, false},
				{"consent rate of two jurisdictions", day10(`"metrics":["consent_rate","choices"],"filters":[["in","consent_jurisdiction",["eea","us-opt-out"]]]`),
					`[{"dimensions":[],"metrics":[61.1,18]}]`, 0, false},
				{"consent rate by jurisdiction and day", day10(`"metrics":["consent_rate"],"dimensions":["time:day","consent_jurisdiction"],"order_by":[["consent_jurisdiction","asc"]]`),
					`[{"dimensions":["2026-03-10","eea"],"metrics":[50]},{"dimensions":["2026-03-10","unknown"],"metrics":[50]},{"dimensions":["2026-03-10","us-opt-out"],"metrics":[83.3]}]`, 0, false},
				{"consent rate by jurisdiction, months", `{"site":"G-STATS","date_range":["2026-01-01","2026-04-30"],"metrics":["consent_rate","choices"],"dimensions":["time:month","consent_jurisdiction"],"order_by":[["choices","desc"]]}`,
					`[{"dimensions":["2026-03-01","eea"],"metrics":[50,12]},{"dimensions":["2026-03-01","us-opt-out"],"metrics":[83.3,6]},{"dimensions":["2026-03-01","unknown"],"metrics":[50,2]}]`, 0, false},
				{"filter contains", day10(`"metrics":["pageviews","visitors"],"filters":[["contains","page","pric"]]`),
					`[{"dimensions":[],"metrics":[13,9]}]`, 0, false},
				{"filter in", day10(`"metrics":["visitors"],"dimensions":["page"],"filters":[["in","page",["/","/pricing","/nope"]]]`),
					`[{"dimensions":["/"],"metrics":[28]},{"dimensions":["/pricing"],"metrics":[9]}]`, 0, false},
				{"filter is_not", day10(`"metrics":["visitors","pageviews"],"dimensions":["page"],"filters":[["is_not","page",["/","/pricing"]]]`),
					`[{"dimensions":["=1+1"],"metrics":[5,5]},{"dimensions":["(other)"],"metrics":[8,12]}]`, 3, false},
				// A filter isolating a rare page must not reveal it.
				{"filter isolating a rare page", day10(`"metrics":["visitors","pageviews"],"filters":[["is","page","/rare"]]`),
					`[]`, 1, true},
				// Comparisons: the day before, a year before; rates change by
				// points, counts by percent; a row without a shown
				// counterpart (new, or the compared one under min_count)
				// compares with nothing.
				{"compare previous", `{"site":"G-CMP","date_range":["2026-03-10","2026-03-10"],"compare":"previous_period","metrics":["visitors","pageviews","bounce_rate"]}`,
					`[{"dimensions":[],"metrics":[30,60,50],"comparison":{"metrics":[20,50,60],"change":[50,20,-10]}}]`, 0, false},
				{"compare year", `{"site":"G-CMP","date_range":["2026-03-10","2026-03-10"],"compare":"year_over_year","metrics":["visitors","pageviews"]}`,
					`[{"dimensions":[],"metrics":[30,60],"comparison":{"metrics":[10,20],"change":[200,200]}}]`, 0, false},
				{"compare pages", `{"site":"G-CMP","date_range":["2026-03-10","2026-03-10"],"compare":"previous_period","metrics":["visitors"],"dimensions":["page"]}`,
					`[{"dimensions":["/"],"metrics":[20],"comparison":{"metrics":[16],"change":[25]}},{"dimensions":["/new"],"metrics":[10],"comparison":{"metrics":[null],"change":[null]}}]`, 0, false},
				{"compare days", `{"site":"G-CMP","date_range":["2026-03-10","2026-03-10"],"compare":"previous_period","metrics":["visitors"],"dimensions":["time:day"]}`,
					`[{"dimensions":["2026-03-10"],"metrics":[30],"comparison":{"metrics":[20],"change":[50]}}]`, 0, false},
				{"compare nothing before", day10(`"compare":"year_over_year","metrics":["visitors"]`),
					`[{"dimensions":[],"metrics":[41],"comparison":{"metrics":[null],"change":[null]}}]`, 0, false},
				{"other site unseen", `{"site":"G-OTHER","date_range":["2026-03-10","2026-03-10"],"metrics":["pageviews","visitors"],"dimensions":["page"]}`,
					`[{"dimensions":["/"],"metrics":[1000,50]}]`, 0, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					a := post(t, app, tc.body)
					if a.status != 200 {
						t.Fatalf("status %d: %s", a.status, a.body)
					}
					if a.results != tc.results {
						t.Errorf("results\n got %s\nwant %s", a.results, tc.results)
					}
					if a.meta.SuppressedRows != tc.suppressed || a.meta.OtherWithheld != tc.withheld || a.meta.MinCount != 5 {
						t.Errorf("meta = %+v; want suppressed_rows %d, other_withheld %v, min_count 5", a.meta, tc.suppressed, tc.withheld)
					}
				})
			}

			t.Run("GET equals POST", func(t *testing.T) {
				g := get(t, app, "/api/v1/query?site=G-STATS&metrics=visitors,pageviews&dimensions=page&date_range=2026-03-10,2026-03-10&order_by=visitors:desc&limit=2")
				p := post(t, app, day10(`"metrics":["visitors","pageviews"],"dimensions":["page"],"limit":2`))
				want := `[{"dimensions":["/"],"metrics":[28,40]},{"dimensions":["/pricing"],"metrics":[9,13]}]`
				if g.status != 200 || g.results != want || p.results != want || g.meta.TotalRows != 4 {
					t.Errorf("GET %d %s meta %+v; POST %s; want %s", g.status, g.results, g.meta, p.results, want)
				}
			})

			t.Run("CSV", func(t *testing.T) {
				want := "page,visitors,pageviews\n/,28,40\n/pricing,9,13\n'=1+1,5,5\n(other),8,12\n"
				a := get(t, app, "/api/v1/query?site=G-STATS&metrics=visitors,pageviews&dimensions=page&date_range=2026-03-10,2026-03-10&format=csv")
				if a.status != 200 || a.body != want {
					t.Errorf("format=csv: %d %q; want %q", a.status, a.body, want)
				}
				req := httptest.NewRequest("POST", "/api/v1/query", strings.NewReader(day10(`"metrics":["visitors","pageviews"],"dimensions":["page"]`)))
				req.Header.Set("Accept", "text/csv")
				if a := do(t, app, req); a.status != 200 || a.body != want {
					t.Errorf("Accept: text/csv: %d %q; want %q", a.status, a.body, want)
				}
				// With a comparison: its values and the change after the metrics.
				want = "page,visitors,visitors (previous_period),visitors change\n/,20,16,25\n/new,10,,\n"
				a = get(t, app, "/api/v1/query?site=G-CMP&metrics=visitors&dimensions=page&date_range=2026-03-10,2026-03-10&compare=previous_period&format=csv")
				if a.status != 200 || a.body != want {
					t.Errorf("compare as CSV: %d %q; want %q", a.status, a.body, want)
				}
			})

			t.Run("Report", func(t *testing.T) { testReport(t, app) })

			t.Run("Refusals", func(t *testing.T) {
				for _, tc := range []struct{ body, status string }{
					{day10(`"metrics":["revenue"]`), `revenue and average_order need currency`},
					{day10(`"metrics":["visitors"],"compare":"last_week"`), `compare "last_week" is neither "previous_period" nor "year_over_year"`},
					{day10(`"metrics":["events"],"dimensions":["channel","entry_page"]`), `"events" of goals is a goal's completions`},
					{day10(`"metrics":["visitors"],"dimensions":["page","browser"]`), `aggregate-only|Compatible with "page": page, country, and one time dimension`},
					{day10(`"metrics":["visitors"],"dimensions":["browser"],"filters":[["is","country","DE"]]`), `filter on "country" cannot be combined with "browser"|Compatible with "browser": browser, browser_version, os, os_version, device`},
					{day10(`"metrics":["visitors"],"dimensions":["utm_source"],"filters":[["is","page","/"]]`), `aggregate-only|channel, utm_source, utm_medium, utm_campaign`},
					{day10(`"metrics":["bounce_rate"],"dimensions":["page"]`), `"bounce_rate" is not available for pages|visitors, pageviews, events`},
					{day10(`"metrics":["suppressed"],"dimensions":["country"]`), `not available for countries`},
					{day10(`"metrics":["choices"],"dimensions":["consent_jurisdiction"],"filters":[["is","country","DE"]]`),
						`filter on "country" cannot be combined with "consent_jurisdiction"|Compatible with "consent_jurisdiction": consent_outcome, consent_jurisdiction`},
					{day10(`"metrics":["choices"],"dimensions":["consent_outcome","country"]`), `Compatible with "consent_outcome": consent_outcome, consent_jurisdiction`},
					{day10(`"metrics":["visitors"],"dimensions":["consent_jurisdiction"]`), `"visitors" is not available for consent choices by jurisdiction|consent_rate, reject_rate, custom_rate, withdraw_rate, choices`},
					// consent_outcome alone reads consent_choices, which has no rate per outcome.
					{day10(`"metrics":["consent_rate"],"dimensions":["consent_outcome"]`), `"consent_rate" is not available for consent choices:`},
					{day10(`"metrics":["visitors"],"dimensions":["city"]`), `unknown dimension "city"|consent_outcome`},
					{day10(`"metrics":["uniques"]`), `unknown metric "uniques"|possible: visitors`},
					{day10(`"metrics":["visitors"],"timezone":"Mars/Base"`), `not an IANA time zone`},
					{day10(`"metrics":["visitors"],"limit":10001`), `limit must be between 1 and 10000`},
					{`{"site":"G-STATS","metrics":["visitors"],"date_range":"yesterday"}`, `possible: today, 7d, 30d, month, 12mo`},
					{`{"site":"G-STATS","metrics":["visitors"],"metric":["x"]}`, `unknown field "metric"`},
					{`{"metrics":["visitors"]}`, `site is required`},
				} {
					a := post(t, app, tc.body)
					if a.status != 400 {
						t.Errorf("%s: status %d (%s); want 400", tc.body, a.status, a.body)
						continue
					}
					for _, frag := range strings.Split(tc.status, "|") {
						if !strings.Contains(a.body, frag) {
							t.Errorf("%s: message %q lacks %q", tc.body, a.body, frag)
						}
					}
				}
			})

			t.Run("Authorize and realtime", func(t *testing.T) {
				if a := post(t, app, `{"site":"G-DENY","metrics":["visitors"]}`); a.status != 403 {
					t.Errorf("query of a refused site: %d %s; want 403", a.status, a.body)
				}
				if a := get(t, app, "/api/v1/realtime?site=G-DENY"); a.status != 403 {
					t.Errorf("realtime of a refused site: %d; want 403", a.status)
				}
				a := get(t, app, "/api/v1/realtime?site=G-STATS")
				// Top pages and sources from memory, small ones withheld.
				want := `{"min_count":5,"pages":[{"page":"/","visitors":5}],"site":"G-STATS","sources":[{"source":"google","visitors":6}],"visitors":7,"window_seconds":300,"withheld_rows":2}`
				if a.status != 200 || a.body != want {
					t.Errorf("realtime: %d %s", a.status, a.body)
				}
				if a := get(t, app, "/api/v1/goals?site=G-STATS"); a.status != 200 || a.body != `{"funnels":[{"name":"checkout","steps":["pricing","signup"]}],"goals":[{"name":"signup","event":"sign_up"},{"name":"pricing","page":"/pricing"}],"site":"G-STATS"}` {
					t.Errorf("goals: %d %s", a.status, a.body)
				}
				if a := get(t, app, "/api/v1/goals?site=G-DENY"); a.status != 403 {
					t.Errorf("goals of a refused site: %d", a.status)
				}
				if a := get(t, app, "/api/v1/realtime"); a.status != 400 {
					t.Errorf("realtime without site: %d; want 400", a.status)
				}
			})
		})
	}
}
