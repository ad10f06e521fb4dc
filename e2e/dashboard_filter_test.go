package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// shareToken is a share link's token (share: true) in the test's tokens file.
const shareToken = "e2e-share-link-token-0123456789abcdef"

// TestDashboardCompareFilter holds the dashboard's comparison, its filter
// by a row and its compliance report links to the query API, on the demo's
// generated week: with "previous period" on, every summary figure's change
// is the API's comparison of the same query, the chart's dashed line the
// compared buckets, the top pages', exit pages' and revenue's change
// theirs; choosing a channel row (by keyboard) filters every card: the
// ones whose table can take a channel show the API's filtered numbers
// (revenue and GA4's coverage per day among them), the others are dimmed
// with the API's own explanation of the refusal; the chip removes the
// filter. A source row (GA4's source name) filters by "Source is …", and
// dims the revenue card, which keeps no source. The compliance report opens in a new tab with the API's counts,
// and its CSV downloads. A share link's view says so. Audited with axe and
// screenshot on a desktop and a phone, light and dark.
func TestDashboardCompareFilter(t *testing.T) {
	axe := axeSource(t)
	chdbLib(t)
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: e2e\n    token: "+dashToken+"\n    sites: ["+fakeID+"]\n    rate_per_minute: 6000\n"+
		"  - name: board\n    token: "+shareToken+"\n    sites: ["+fakeID+"]\n    share: true\n    rate_per_minute: 6000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := demoEnv(t, "--api-tokens", "@"+tokens)
	e.setTimezone("UTC")
	e.waitDemoHistory()
	e.signInDashboard()
	// Three whole days, by the hour, against the three before them: all
	// within the demo's week, whatever the time of day.
	from, to := time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly), time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	v := dashView{e, []string{from, to}}
	e.dashLoad("three days", fmt.Sprintf(`document.getElementById("from").value = %q; document.getElementById("to").value = %q;
		document.getElementById("to").dispatchEvent(new Event("change"))`, from, to))

	// Compare with the previous period.
	e.dashLoad("compare", `document.getElementById("compare").value = "previous_period"; document.getElementById("compare").dispatchEvent(new Event("change"))`)
	v.checkKPIChanges("previous_period", "the previous period", nil)
	v.checkChartCompare(nil)
	v.checkTable("pages", nil, "previous_period")
	v.checkTable("exit-pages", nil, "previous_period")
	if v.checkRevenue(nil, "previous_period") == 0 {
		t.Error("three days of the demo without a purchase")
	}
	v.checkCoverageDays(nil, 3)
	shots := []string{e.fullScreenshot("dashboard-compare-light"), e.elementShot("dashboard-compare-summary", `section[aria-labelledby="h-summary"]`),
		e.elementShot("dashboard-compare-chart", `section[aria-labelledby="h-chart"]`), e.elementShot("dashboard-compare-pages", `section[data-table="pages"]`)}
	e.audit(axe, "body", "dashboard comparing, light")

	// Choose the first channel's row by keyboard: the page is filtered by it.
	btn := `section[data-table="channels"] tbody tr:first-child button.rowbtn`
	slug := eval[string](e, `document.querySelector('`+btn+`').getAttribute("data-value")`)
	name := channelName(slug)
	before := eval[string](e, `document.getElementById("dash").getAttribute("data-loaded")`)
	e.Do("focus the channel row", chromedp.Focus(chromedp.CSS(btn)))
	e.Do("press Enter on it", chromedp.KeyEvent(kb.Enter))
	e.waitJS("the filtered load", fmt.Sprintf(`document.getElementById("dash").getAttribute("data-loaded") !== %q &&
		!document.getElementById("dash").hasAttribute("aria-busy")`, before))
	chip := eval[string](e, `document.getElementById("filter-chip").textContent`)
	if !strings.HasPrefix(chip, "Channel is "+name) || eval[bool](e, `document.getElementById("filter-active").hidden`) ||
		eval[string](e, `document.activeElement.id`) != "filter-chip" {
		t.Errorf("the chip says %q (want Channel is %s), focused %q", chip, name, eval[string](e, `document.activeElement.id`))
	}
	if p := eval[string](e, `document.querySelector('`+btn+`').getAttribute("aria-pressed")`); p != "true" {
		t.Errorf("the chosen row is aria-pressed=%q", p)
	}
	if s := eval[string](e, `document.getElementById("status").textContent`); !strings.HasPrefix(s, "Updated") || !strings.Contains(s, "cannot be filtered by Channel is "+name) {
		t.Errorf("filtered status %q", s)
	}
	f := [][]string{{"is", "channel", slug}}
	v.checkKPIChanges("previous_period", "the previous period", f)
	v.checkChartCompare(f)
	answered, refused := 0, 0
	for _, id := range eval[[]string](e, `Array.from(document.querySelectorAll("section[data-table]")).map(s => s.getAttribute("data-table"))`) {
		if v.checkTable(id, f, "previous_period") {
			answered++
		} else {
			refused++
		}
	}
	for _, id := range []string{"pages", "exit-pages", "countries", "regions", "campaign-details", "funnels"} {
		if !eval[bool](e, `document.querySelector('#`+id+`, section[data-table="`+id+`"]').classList.contains("refused")`) {
			t.Errorf("filtered by channel, the %s card is not dimmed", id)
		}
	}
	for _, id := range []string{"entry-pages", "sources", "campaigns", "revenue", "coverage"} {
		if eval[bool](e, `document.querySelector('#`+id+`, section[data-table="`+id+`"]').classList.contains("refused")`) {
			t.Errorf("filtered by channel, the %s card is dimmed", id)
		}
	}
	t.Logf("filtered by channel %s: %d tables answered, %d refused", slug, answered, refused)
	v.checkFilteredCards(f)
	v.checkRevenue(f, "previous_period")
	v.checkCoverageDays(f, 3)
	e.settled("#dash")
	shots = append(shots, e.fullScreenshot("dashboard-filter-light"), e.Screenshot("dashboard-filter-top"))
	e.audit(axe, "body", "dashboard filtered, light")
	e.Do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	e.chartFits()
	if w := eval[int](e, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390 px phone the filtered page is %d px wide (scrolls sideways)", w)
	}
	eval[chromedp.Void](e, `window.scrollTo(0, 0)`)
	shots = append(shots, e.Screenshot("dashboard-filter-phone-top"), e.fullScreenshot("dashboard-filter-phone-light"))
	e.audit(axe, "body", "dashboard filtered, phone, light")
	e.colorScheme(true)
	e.settled("#dash")
	shots = append(shots, e.fullScreenshot("dashboard-filter-phone-dark"), e.elementShot("dashboard-filter-phone-dark-summary", `section[aria-labelledby="h-summary"]`),
		e.elementShot("dashboard-filter-phone-dark-entry-pages", `section[data-table="entry-pages"]`), e.elementShot("dashboard-filter-phone-dark-funnels", "#funnels"))
	e.audit(axe, "body", "dashboard filtered, phone, dark")
	e.Do("desktop width", chromedp.EmulateViewport(1280, 800))
	e.chartFits()
	eval[chromedp.Void](e, `window.scrollTo(0, 0)`)
	shots = append(shots, e.fullScreenshot("dashboard-filter-dark"), e.Screenshot("dashboard-filter-dark-top"))
	e.audit(axe, "body", "dashboard filtered, dark")
	e.colorScheme(false)

	// The chip removes the filter: every card is back, unfiltered.
	before = eval[string](e, `document.getElementById("dash").getAttribute("data-loaded")`)
	e.Click("#filter-chip")
	e.waitJS("the unfiltered load", fmt.Sprintf(`document.getElementById("dash").getAttribute("data-loaded") !== %q &&
		!document.getElementById("dash").hasAttribute("aria-busy")`, before))
	if n := eval[int](e, `document.querySelectorAll(".refused").length`); n != 0 || !eval[bool](e, `document.getElementById("filter-active").hidden`) {
		t.Errorf("after removing the filter: %d cards dimmed, chip hidden %v", n, eval[bool](e, `document.getElementById("filter-active").hidden`))
	}
	v.checkKPIChanges("previous_period", "the previous period", nil)
	v.checkTable("countries", nil, "previous_period")

	// A source, as GA4 names it, by a click on its row: the revenue card,
	// which keeps no source, is dimmed with the API's reason.
	src := eval[string](e, `document.querySelector('section[data-table="sources"] tbody tr:first-child button.rowbtn').getAttribute("data-value")`)
	before = eval[string](e, `document.getElementById("dash").getAttribute("data-loaded")`)
	e.Click(`section[data-table="sources"] tbody tr:first-child button.rowbtn`)
	e.waitJS("the source's load", fmt.Sprintf(`document.getElementById("dash").getAttribute("data-loaded") !== %q &&
		!document.getElementById("dash").hasAttribute("aria-busy")`, before))
	if chip := eval[string](e, `document.getElementById("filter-chip").textContent`); !strings.HasPrefix(chip, "Source is "+src) {
		t.Errorf("filtered by the source %q, the chip says %q", src, chip)
	}
	fs := [][]string{{"is", "source_name", src}}
	for _, id := range []string{"sources", "channels", "campaigns", "exit-pages", "countries"} {
		v.checkTable(id, fs, "previous_period")
	}
	if v.checkRevenue(fs, "previous_period") != 0 || !eval[bool](e, `document.getElementById("revenue").classList.contains("refused")`) {
		t.Errorf("filtered by a source, the revenue card is not dimmed")
	}
	shots = append(shots, e.elementShot("dashboard-filter-source-revenue", "#revenue"))
	before = eval[string](e, `document.getElementById("dash").getAttribute("data-loaded")`)
	e.Click("#filter-chip")
	e.waitJS("the unfiltered load", fmt.Sprintf(`document.getElementById("dash").getAttribute("data-loaded") !== %q &&
		!document.getElementById("dash").hasAttribute("aria-busy")`, before))

	// A year ago the demo has nothing: every change compares with nothing.
	e.dashLoad("year over year", `document.getElementById("compare").value = "year_over_year"; document.getElementById("compare").dispatchEvent(new Event("change"))`)
	v.checkKPIChanges("year_over_year", "the same period last year", nil)
	e.dashLoad("no comparison", `document.getElementById("compare").value = ""; document.getElementById("compare").dispatchEvent(new Event("change"))`)
	if n := eval[int](e, `document.querySelectorAll('#kpis .kpi-change:not([hidden]), tbody .chg').length`); n != 0 {
		t.Errorf("without a comparison, %d changes are shown", n)
	}
	e.checkKPIs(fmt.Sprintf(`[%q,%q]`, from, to), "UTC")

	shots = append(shots, v.checkReport()...)

	// A share link's view says what it is.
	e.Do("sign out", chromedp.Click(chromedp.CSS(`.logout button`), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS("#token")))
	// From another page: from the dashboard itself, the link would only
	// change the fragment, as it does not in a new tab.
	e.Do("leave", chromedp.Navigate("about:blank"))
	e.Do("open the share link", chromedp.Navigate(e.proxyOrigin+"/dashboard#signin="+shareToken), chromedp.WaitVisible(chromedp.CSS("#dash")))
	if who := eval[string](e, `document.querySelector(".logout").textContent`); !strings.Contains(who, "Shared, read-only view") || strings.Contains(who, "Signed in as") {
		t.Errorf("the share link's header says %q", who)
	}
	e.waitJS("the shared view loaded", `!!document.getElementById("dash").getAttribute("data-loaded") && !document.getElementById("dash").hasAttribute("aria-busy")`)
	shots = append(shots, e.elementShot("dashboard-shared-header", "header.top"))
	e.audit(axe, "body", "shared view")
	t.Logf("screenshots: %s", strings.Join(shots, " "))
}

// dashView is an env whose dashboard shows the period rng (a query's
// date_range), which the checks ask the API about, in UTC.
type dashView struct {
	*env
	rng any
}

// cmpAnswer is the query API's answer with comparisons.
type cmpAnswer struct {
	Results []struct {
		Dimensions []string `json:"dimensions"`
		Metrics    []any    `json:"metrics"`
		Comparison *struct {
			Metrics []any `json:"metrics"`
			Change  []any `json:"change"`
		} `json:"comparison"`
	} `json:"results"`
	Meta struct {
		SuppressedRows int        `json:"suppressed_rows"`
		CompareFrom    *time.Time `json:"compare_from"`
		CompareTo      *time.Time `json:"compare_to"`
	} `json:"meta"`
}

var metricRefusal = regexp.MustCompile(`^metric "([a-z_]+)" is not available`)

// apiAsk asks the query API what the page asks for a card: q (a JSON
// object, without site, range and zone) with filters f, metrics the
// filter's table does not keep left out as the page leaves them out
// (answered refused[m] with the API's text). A query the API refuses
// whole returns its text as why.
func (v dashView) apiAsk(q map[string]any, f [][]string, compare string) (a cmpAnswer, metrics []string, refused map[string]string, why string) {
	e := v.env
	e.t.Helper()
	q["site"], q["date_range"], q["timezone"] = e.id, v.rng, "UTC"
	if compare != "" {
		q["compare"] = compare
	}
	if f != nil {
		fs, _ := q["filters"].([][]string)
		q["filters"] = append(fs, f...)
	}
	metrics = append([]string(nil), q["metrics"].([]string)...)
	refused = map[string]string{}
	for {
		q["metrics"] = metrics
		b, _ := json.Marshal(q)
		ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
		resp, body, err := e.proxyDo(ctx, http.MethodPost, "/api/v1/query",
			http.Header{"Authorization": {"Bearer " + dashToken}, "Content-Type": {"application/json"}}, strings.NewReader(string(b)))
		cancel()
		if err != nil {
			e.t.Fatalf("POST /api/v1/query %s: %v", b, err)
		}
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal(body, &a); err != nil {
				e.t.Fatalf("answer %s: %v", body, err)
			}
			return a, metrics, refused, ""
		}
		text := strings.TrimSpace(string(body))
		if resp.StatusCode != http.StatusBadRequest || f == nil {
			e.t.Fatalf("POST /api/v1/query %s: %s %s", b, resp.Status, text)
		}
		m := metricRefusal.FindStringSubmatch(text)
		if m == nil || len(metrics) == 1 {
			return a, nil, refused, text
		}
		refused[m[1]] = text
		var rest []string
		for _, x := range metrics {
			if x != m[1] {
				rest = append(rest, x)
			}
		}
		metrics = rest
		if ob, ok := q["order_by"].([][]string); ok && len(ob) > 0 && ob[0][0] == m[1] {
			q["order_by"] = [][]string{{metrics[0], "desc"}}
		}
	}
}

// changeWords is how the page renders an API change for a screen reader.
func changeWords(metric string, ch any, against string) string {
	if ch == nil {
		return ""
	}
	v := num(ch)
	unit := " %"
	if isRate(metric) {
		unit = " percentage points"
	}
	abs := strconv.FormatFloat(max(v, -v), 'f', -1, 64)
	switch {
	case v > 0:
		return "up " + abs + unit + " from " + against
	case v < 0:
		return "down " + abs + unit + " from " + against
	}
	return "unchanged from " + against
}

// checkKPIChanges holds each summary figure and its change to the API's
// comparison of the same query (with filter f, the figures the API
// refuses must say so instead).
func (v dashView) checkKPIChanges(compare, against string, f [][]string) {
	e := v.env
	e.t.Helper()
	kpis := []string{"visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "engagement_time"}
	a, metrics, refused, why := v.apiAsk(map[string]any{"metrics": kpis}, f, compare)
	if why != "" {
		e.t.Fatalf("the API refused the summary: %s", why)
	}
	notes := eval[string](e, `document.getElementById("kpi-refusals").textContent`)
	for _, m := range kpis {
		type kpi struct{ Value, Change, Text, Words string }
		got := eval[kpi](e, fmt.Sprintf(`(() => { const c = document.querySelector('#kpis [data-change=%q]');
			return {Value: document.querySelector('#kpis [data-metric=%q]').textContent, Change: c.hidden ? "hidden" : c.getAttribute("data-change-value") || "",
				Text: c.textContent, Words: (c.querySelector(".sr") || {}).textContent || ""}; })()`, m, m))
		if why, ok := refused[m]; ok {
			if got.Value != "–" || !strings.Contains(notes, why) {
				e.t.Errorf("%s refused by the API (%s): the page shows %q, notes %q", m, why, got.Value, notes)
			}
			continue
		}
		i := indexOf(metrics, m)
		if len(a.Results) != 1 || a.Results[0].Comparison == nil {
			e.t.Fatalf("the API's summary has no comparison: %+v", a)
		}
		r := a.Results[0]
		want := ""
		if c := r.Comparison.Change[i]; c != nil {
			want = strconv.FormatFloat(num(c), 'f', -1, 64)
		}
		if got.Change != want {
			e.t.Errorf("%s change on the page %q, API %v (now %v, before %v)", m, got.Change, r.Comparison.Change[i], r.Metrics[i], r.Comparison.Metrics[i])
		}
		if w := changeWords(m, r.Comparison.Change[i], against); w != "" && !strings.Contains(got.Words, w) {
			e.t.Errorf("%s change reads %q, want %q", m, got.Words, w)
		} else if w == "" && !strings.Contains(got.Words, against) {
			e.t.Errorf("%s without a change reads %q", m, got.Words)
		}
		if m == "visitors" && digits(got.Value) != count(r.Metrics[i]) {
			e.t.Errorf("visitors on the page %q, API %v", got.Value, r.Metrics[i])
		}
	}
	if note := eval[string](e, `document.getElementById("compare-note").textContent`); a.Meta.CompareFrom == nil ||
		!strings.Contains(note, against) {
		e.t.Errorf("the comparison note %q; API compares from %v", note, a.Meta.CompareFrom)
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// checkChartCompare holds the chart's dashed line to the API's comparison
// of the time series, bucket by bucket; with a filter that refuses
// pageviews, no pageviews are drawn.
func (v dashView) checkChartCompare(f [][]string) {
	e := v.env
	e.t.Helper()
	a, metrics, refused, why := v.apiAsk(map[string]any{"metrics": []string{"visitors", "pageviews"}, "dimensions": []string{"time:hour"},
		"order_by": [][]string{{"time:hour", "asc"}}, "limit": 10000}, f, "previous_period")
	if why != "" {
		e.t.Fatalf("the API refused the chart: %s", why)
	}
	type bar struct{ T, V, P, C string }
	bars := eval[[]bar](e, `Array.from(document.querySelectorAll("#chart g.bucket")).map(g => ({T: g.getAttribute("data-t"),
		V: g.getAttribute("data-v"), P: g.getAttribute("data-p"), C: g.getAttribute("data-c")}))`)
	byT := map[string]bar{}
	for _, b := range bars {
		byT[b.T] = b
	}
	compared := 0
	for _, r := range a.Results {
		if r.Dimensions[0] == "(other)" {
			continue
		}
		at, _ := time.Parse(time.RFC3339, r.Dimensions[0])
		b := byT[strconv.FormatInt(at.UnixMilli(), 10)]
		want := ""
		if r.Comparison != nil && r.Comparison.Metrics[0] != nil {
			want = count(r.Comparison.Metrics[0])
			compared++
		}
		if b.V != count(r.Metrics[0]) || b.C != want {
			e.t.Errorf("bucket %s: page visitors %q, compared %q; API %v, compared %q", r.Dimensions[0], b.V, b.C, r.Metrics[0], want)
		}
		if _, no := refused["pageviews"]; no && b.P != "" {
			e.t.Errorf("bucket %s: pageviews %q drawn though the API refuses them", r.Dimensions[0], b.P)
		} else if !no && b.P != count(r.Metrics[indexOf(metrics, "pageviews")]) {
			e.t.Errorf("bucket %s: pageviews %q, API %v", r.Dimensions[0], b.P, r.Metrics[1])
		}
	}
	if compared == 0 || eval[bool](e, `document.getElementById("key-compare").hidden`) || eval[int](e, `document.querySelectorAll("#chart path.line-c").length`) != 1 {
		e.t.Errorf("the chart draws no compared line (%d compared buckets in the API)", compared)
	}
	_, no := refused["pageviews"]
	if eval[bool](e, `document.getElementById("key-p").hidden`) != no || (eval[int](e, `document.querySelectorAll("#chart path.line-p").length`) == 0) != no {
		e.t.Errorf("pageviews refused %v, but the chart's pageviews key or line disagrees", no)
	}
}
