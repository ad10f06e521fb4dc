package stats

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// testReport checks the compliance report of the fixture's March on one
// engine: every decision with its count (zeros included), filtered hits,
// removed parameters and banner decisions, in JSON, CSV and HTML.
func testReport(t *testing.T, app *fiber.App) {
	a := get(t, app, "/api/v1/report?site=G-STATS&month=2026-03&format=json")
	if a.status != 200 {
		t.Fatalf("json: %d %s", a.status, a.body)
	}
	var rep Report
	if err := json.Unmarshal([]byte(a.body), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, l := range rep.Decisions {
		if l.Meaning == "" {
			t.Errorf("decision %s has no meaning", l.Key)
		}
		got[l.Key] = l.Count
	}
	want := map[string]int64{"forwarded": 50, "opt_out": 2, "gpc": 4, "dnt": 1, "bot": 9, "excluded": 3,
		"no_consent": 0, "denied": 0, "invalid": 0}
	if len(got) != len(want) {
		t.Errorf("decisions %v, want every reason %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("decision %s: %d, want %d", k, got[k], n)
		}
	}
	line := func(ls []ReportLine) string {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(l.Key + "/" + l.Detail + "=" + itoa(l.Count) + " ")
		}
		return b.String()
	}
	for _, c := range []struct{ name, got, want string }{
		{"filtered", line(rep.Filtered), "bot/crawler=6 bot/monitor=3 excluded/internal_ip=2 excluded/staff=1 "},
		{"removed", line(rep.Removed), "identifier/=40 user/=3 client_ip/=1 "},
		{"choices", line(rep.Choices), "accept_all/=12 reject_all/=5 custom/=3 "},
		{"by jurisdiction", line(rep.ChoicesByJurisdiction),
			"eea/accept_all=6 us-opt-out/accept_all=5 eea/reject_all=4 eea/custom=2 unknown/accept_all=1 unknown/custom=1 us-opt-out/reject_all=1 "},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
	// Another month is all zeros, but every decision is listed.
	if a := get(t, app, "/api/v1/report?site=G-STATS&month=2026-02&format=json"); a.status != 200 || !strings.Contains(a.body, `"key":"gpc","count":0`) {
		t.Errorf("February: %d %s", a.status, a.body)
	}
	csv := get(t, app, "/api/v1/report?site=G-STATS&month=2026-03&format=csv")
	for _, l := range []string{"site,month,section,key,detail,count\n", "G-STATS,2026-03,decision,gpc,,4\n",
		"G-STATS,2026-03,removed_parameter,identifier,,40\n", "G-STATS,2026-03,consent_choice_by_jurisdiction,eea,accept_all,6\n"} {
		if csv.status != 200 || !strings.Contains(csv.body, l) {
			t.Errorf("csv lacks %q: %d %s", l, csv.status, csv.body)
		}
	}
	page := get(t, app, "/api/v1/report?site=G-STATS&month=2026-03")
	for _, s := range []string{"<title>Compliance report G-STATS 2026-03</title>", "<td><code>gpc</code></td>",
		`<td class="num">4</td>`, "from 2026-03-01 to 2026-03-31 (UTC)", `<td colspan="2">All hits of this site</td><td class="num">69</td>`} {
		if page.status != 200 || !strings.Contains(page.body, s) {
			t.Errorf("html lacks %q: %d\n%s", s, page.status, page.body)
		}
	}
	for _, c := range []struct{ url, want string }{
		{"/api/v1/report?site=G-STATS&month=2026-3", "month must be YYYY-MM"},
		{"/api/v1/report?month=2026-03", "site is required"},
		{"/api/v1/report?site=G-STATS&format=pdf", "format must be html, csv or json"},
		{"/api/v1/report?site=G-STATS&from=2026-01", `unknown parameter "from"`},
	} {
		if a := get(t, app, c.url); a.status != 400 || !strings.Contains(a.body, c.want) {
			t.Errorf("%s: %d %s; want 400 %q", c.url, a.status, a.body, c.want)
		}
	}
	if a := get(t, app, "/api/v1/report?site=G-DENY"); a.status != 403 {
		t.Errorf("another site's report: %d %s", a.status, a.body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
