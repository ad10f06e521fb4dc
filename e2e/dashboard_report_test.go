package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// shown is the page's rendering of a metric's value (fmt in util.js),
// counts as digits.
func shown(metric string, v any) string {
	switch {
	case v == nil:
		return "–"
	case isRate(metric):
		return pct(v)
	case metric == "visit_duration" || metric == "engagement_time":
		s := int(math.Round(num(v)))
		if s >= 60 {
			return fmt.Sprintf("%dm %ds", s/60, s%60)
		}
		return fmt.Sprintf("%ds", s)
	}
	return count(v)
}

// isRate: the API sends metric as a percent, and its change in
// percentage points.
func isRate(metric string) bool {
	switch metric {
	case "bounce_rate", "consent_rate", "conversion_rate", "exit_rate", "scroll_rate":
		return true
	}
	return false
}

// detailShown is how a table's more dimensions (data-details) read under
// its first: the values given, named.
func detailShown(dims, values []string) string {
	names := map[string]string{"utm_term": "term", "utm_content": "content"}
	var parts []string
	for i, d := range dims {
		if i < len(values) && values[i] != "" {
			parts = append(parts, names[d]+": "+values[i])
		}
	}
	return strings.Join(parts, " · ")
}

func dimShown(dim, v string) string {
	switch {
	case dim == "channel":
		return channelName(v)
	case v == "":
		return "(none)"
	}
	return v
}

// checkRefused: the card sel is dimmed and shows the API's text why.
func (v dashView) checkRefused(what, sel, why string) {
	e := v.env
	e.t.Helper()
	type card struct {
		Refused bool
		Text    string
		Shown   int
	}
	c := eval[card](e, fmt.Sprintf(`(() => { const s = document.querySelector(%q), p = s.querySelector(":scope > .refusal");
		return {Refused: s.classList.contains("refused"), Text: p && !p.hidden ? p.textContent : "",
			Shown: Array.from(s.children).filter(c => !c.matches(".card-head, .sub-head, .refusal") && getComputedStyle(c).display !== "none").length}; })()`, sel))
	if !c.Refused || !strings.Contains(c.Text, why) || c.Shown != 0 {
		e.t.Errorf("%s: the API refuses it (%s); the card is dimmed %v, says %q, shows %d parts", what, why, c.Refused, c.Text, c.Shown)
	}
}

// checkTable holds the top table id to the API's answer to its query with
// filters f: the rows, their change column, the metrics left out and why,
// or the whole card dimmed with the API's explanation. It reports whether
// the API answered.
func (v dashView) checkTable(id string, f [][]string, compare string) bool {
	e := v.env
	e.t.Helper()
	sel := fmt.Sprintf(`section[data-table=%q]`, id)
	dim := eval[string](e, `document.querySelector('`+sel+`').getAttribute("data-dim")`)
	all := strings.Split(eval[string](e, `document.querySelector('`+sel+`').getAttribute("data-metrics")`), ",")
	// A table's more dimensions, and its own filters, before the page's.
	var details []string
	if d := eval[string](e, `document.querySelector('`+sel+`').getAttribute("data-details") || ""`); d != "" {
		details = strings.Split(d, ",")
	}
	q := map[string]any{"metrics": all, "dimensions": append([]string{dim}, details...), "order_by": [][]string{{all[0], "desc"}}, "limit": 10}
	if own := eval[string](e, `document.querySelector('`+sel+`').getAttribute("data-filters") || ""`); own != "" {
		var fs [][]string
		if err := json.Unmarshal([]byte(own), &fs); err != nil {
			e.t.Fatalf("%s: data-filters %q: %v", id, own, err)
		}
		q["filters"] = fs
	}
	a, metrics, refused, why := v.apiAsk(q, f, compare)
	if why != "" {
		v.checkRefused(id, sel, why)
		return false
	}
	if eval[bool](e, `document.querySelector('`+sel+`').classList.contains("refused")`) {
		e.t.Errorf("%s: dimmed, but the API answers it", id)
	}
	if id == "consent" {
		return true // bars, held to the API by TestDashboard
	}
	// The cells' text, less the change under the first metric.
	rows := eval[[][]string](e, `Array.from(document.querySelectorAll('`+sel+` tbody tr')).map(tr => Array.from(tr.children).map(c => {
		const x = c.cloneNode(true); x.querySelectorAll(".chg").forEach(n => n.remove()); return x.textContent; }))`)
	if len(a.Results) == 0 {
		if len(rows) != 1 || !strings.Contains(rows[0][0], "No data") {
			e.t.Errorf("%s: the API has no rows, the page %q", id, rows)
		}
		return true
	}
	changes := eval[[]string](e, `Array.from(document.querySelectorAll('`+sel+` tbody tr > td:nth-of-type(1) .chg')).map(c => c.getAttribute("data-change-value"))`)
	if len(rows) != len(a.Results) || (compare != "" && len(changes) != len(rows)) {
		e.t.Errorf("%s: page rows %q (changes %q), API %+v", id, rows, changes, a.Results)
		return true
	}
	for i, r := range a.Results {
		head := dimShown(dim, r.Dimensions[0])
		if r.Dimensions[0] != "(other)" {
			head += detailShown(details, r.Dimensions[1:])
		}
		want := []string{head}
		got := []string{rows[i][0]}
		for j, m := range all {
			c := rows[i][1+j]
			if k := indexOf(metrics, m); k >= 0 {
				want = append(want, shown(m, r.Metrics[k]))
			} else {
				want = append(want, "–")
			}
			if strings.ContainsAny(c, "0123456789") && !strings.ContainsAny(c, "%ms") {
				c = digits(c)
			}
			got = append(got, c)
		}
		if compare != "" {
			w := ""
			if k := indexOf(metrics, all[0]); k >= 0 && r.Comparison != nil && r.Comparison.Change[k] != nil {
				w = strconv.FormatFloat(num(r.Comparison.Change[k]), 'f', -1, 64)
			}
			want, got = append(want, w), append(got, changes[i])
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			e.t.Errorf("%s row %d: page %q, API %q", id, i, got, want)
		}
	}
	note := eval[string](e, `(document.querySelector('`+sel+` > .refusal') || {}).textContent || ""`)
	for m, why := range refused {
		if !strings.Contains(note, why) {
			e.t.Errorf("%s: the API leaves %s out (%s), the card says %q", id, m, why, note)
		}
	}
	return true
}

// checkFilteredCards holds the goals, funnels and coverage cards, the
// consent rate and GA4's coverage in the summary to the API with filter f.
func (v dashView) checkFilteredCards(f [][]string) {
	e := v.env
	e.t.Helper()
	goals, _, _, why := v.apiAsk(map[string]any{"metrics": []string{"visitors", "conversion_rate"}, "dimensions": []string{"goal"},
		"order_by": [][]string{{"visitors", "desc"}}, "limit": 100}, f, "")
	if why != "" {
		v.checkRefused("goals", "#goals", why)
	} else {
		rows := e.cells("#goals-table tbody tr")
		if len(rows) != len(goals.Results) {
			e.t.Errorf("filtered goals: page %q, API %+v", rows, goals.Results)
		}
		for i, r := range goals.Results {
			if i < len(rows) && (rows[i][0] != r.Dimensions[0] || digits(rows[i][1]) != count(r.Metrics[0]) || rows[i][2] != pct(r.Metrics[1])) {
				e.t.Errorf("filtered goal row %d: page %q, API %v %v", i, rows[i], r.Dimensions, r.Metrics)
			}
		}
	}
	_, _, _, why = v.apiAsk(map[string]any{"metrics": []string{"visits", "visitors"}, "dimensions": []string{"funnel", "funnel_step", "goal"},
		"order_by": [][]string{{"funnel", "asc"}, {"funnel_step", "asc"}}, "limit": 100}, f, "")
	if why == "" {
		e.t.Errorf("the API answers the funnels by %v; the test expects a refusal", f)
	} else {
		v.checkRefused("funnels", "#funnels", why)
	}
	counted, _, _, why1 := v.apiAsk(map[string]any{"metrics": []string{"visitors"}, "dimensions": []string{"channel"},
		"order_by": [][]string{{"visitors", "desc"}}, "limit": 100}, f, "")
	_, _, _, why2 := v.apiAsk(map[string]any{"metrics": []string{"visitors", "conversion_rate"}, "dimensions": []string{"channel"},
		"filters": [][]string{{"is", "goal", "(ga4)"}}, "order_by": [][]string{{"visitors", "desc"}}, "limit": 100}, f, "")
	if why1 != "" || why2 != "" {
		v.checkRefused("coverage", "#coverage", why1+why2)
	} else if rows := e.cells("#coverage tbody tr[data-channel]"); len(rows) != len(counted.Results) || len(rows) == 0 ||
		digits(rows[0][1]) != count(counted.Results[0].Metrics[0]) {
		e.t.Errorf("filtered coverage: page %q, API %+v", rows, counted.Results)
	}
	total, _, _, why := v.apiAsk(map[string]any{"metrics": []string{"visitors", "conversion_rate"}, "filters": [][]string{{"is", "goal", "(ga4)"}}}, f, "previous_period")
	kpi := eval[string](e, `document.querySelector('#kpis [data-metric="ga4_coverage"]').textContent`)
	if why != "" && kpi != "–" || why == "" && (len(total.Results) != 1 || kpi != pct(total.Results[0].Metrics[1])) {
		e.t.Errorf("filtered GA4 coverage: page %q, API %+v %s", kpi, total.Results, why)
	}
	_, _, refused, why := v.apiAsk(map[string]any{"metrics": []string{"consent_rate", "suppressed", "filtered"}}, f, "previous_period")
	if r, ok := refused["consent_rate"]; ok {
		why = r
	}
	notes := eval[string](e, `document.getElementById("kpi-refusals").textContent`)
	if rate := eval[string](e, `document.querySelector('#kpis [data-metric="consent_rate"]').textContent`); why == "" || rate != "–" || !strings.Contains(notes, why) {
		e.t.Errorf("filtered consent rate: page %q, notes %q; the API refuses it with %q", rate, notes, why)
	}
}

// checkReport opens this month's compliance report from its button, in a
// new tab, and holds its decision table to the API's JSON report; then
// downloads the CSV. It returns the screenshots taken.
func (v dashView) checkReport() []string {
	e := v.env
	e.t.Helper()
	month := eval[string](e, `document.querySelector('button[data-report="html"]').getAttribute("data-month")`)
	if want := time.Now().UTC().Format("2006-01"); month != want {
		e.t.Errorf("the first report button is for %s, want this UTC month %s", month, want)
	}
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	resp, body, err := e.proxyDo(ctx, http.MethodGet, "/api/v1/report?"+url.Values{"site": {e.id}, "month": {month}, "format": {"json"}}.Encode(),
		http.Header{"Authorization": {"Bearer " + dashToken}}, nil)
	cancel()
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET /api/v1/report: %v %v %s", err, resp, body)
	}
	var rep struct {
		Decisions []struct {
			Key   string `json:"key"`
			Count int64  `json:"count"`
		} `json:"decisions"`
	}
	if err := json.Unmarshal(body, &rep); err != nil {
		e.t.Fatal(err)
	}

	opened := chromedp.WaitNewTarget(e.ctx, func(*target.Info) bool { return true })
	e.Click(fmt.Sprintf(`button[data-report="html"][data-month=%q]`, month))
	var id target.ID
	select {
	case id = <-opened:
	case <-time.After(10 * time.Second):
		e.t.Fatal("the report button opened no tab")
	}
	tab, closeTab := chromedp.NewContext(e.ctx, chromedp.WithTargetID(id))
	defer closeTab()
	tctx, cancel := context.WithTimeout(tab, 15*time.Second)
	defer cancel()
	type line struct{ Key, Count string }
	type page struct {
		Protocol, Title, Align string
		Lines                  []line
	}
	if err := chromedp.Do(tctx, chromedp.WaitVisible(chromedp.CSS(`table[aria-labelledby="decisions"] tbody tr`))); err != nil {
		e.t.Fatalf("the report tab shows no decision table: %v", err)
	}
	got, err := chromedp.Run(tctx, chromedp.Evaluate[page](`({Protocol: location.protocol, Title: document.title, Align: getComputedStyle(document.querySelector("td.num")).textAlign,
		Lines: Array.from(document.querySelectorAll('table[aria-labelledby="decisions"] tbody tr')).map(tr => ({Key: tr.cells[0].textContent, Count: tr.cells[2].textContent}))})`))
	if err != nil {
		e.t.Fatalf("read the report tab: %v", err)
	}
	e.t.Logf("report tab: %s %q, %d decisions", got.Protocol, got.Title, len(got.Lines))
	if got.Align != "right" {
		e.t.Errorf("the report tab is not styled: its counts are aligned %q", got.Align)
	}
	if len(got.Lines) != len(rep.Decisions) || len(rep.Decisions) == 0 {
		e.t.Fatalf("the report tab's decisions %+v, API %+v", got.Lines, rep.Decisions)
	}
	var total int64
	for i, d := range rep.Decisions {
		total += d.Count
		if got.Lines[i].Key != d.Key || got.Lines[i].Count != strconv.FormatInt(d.Count, 10) {
			e.t.Errorf("report decision %d: tab %+v, API %+v", i, got.Lines[i], d)
		}
	}
	if total == 0 {
		e.t.Errorf("the month's report counts no hit: %+v", rep.Decisions)
	}
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		e.t.Fatalf("screenshot the report: %v", err)
	}
	path := filepath.Join(screenshotDir(e.t), "dashboard-report-tab.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		e.t.Fatal(err)
	}

	dl := e.t.TempDir()
	if _, err := chromedp.CallBrowser(e.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dl,
	}); err != nil {
		e.t.Fatalf("allow downloads: %v", err)
	}
	e.Click(fmt.Sprintf(`button[data-report="csv"][data-month=%q]`, month))
	csvText := waitFile(e.t, dl, ".csv", 10*time.Second)
	d := rep.Decisions[0]
	if !strings.HasPrefix(csvText, "site,month,section,key,detail,count\n") || !strings.Contains(csvText, fmt.Sprintf("%s,%s,decision,%s,,%d\n", e.id, month, d.Key, d.Count)) {
		e.t.Errorf("the report's CSV %q lacks the API's %+v", csvText, d)
	}
	return []string{path, e.elementShot("dashboard-report-card", "#report")}
}
