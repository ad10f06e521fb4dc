package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/consentproxy/consentproxy/dims"
)

// TestDashboardGoals opens the dashboard of --demo, whose generated week
// counts the demo shop's goals (product, checkout) and funnel (buy), and
// holds every card to the query API's answer to the same question: goals
// and one goal by channel, the funnel's steps, GA4's coverage per channel
// and overall, channel names as GA4 shows them, a chart with one bar per
// hour of the week (hatched where the API withheld small buckets), in UTC
// and in a zone half an hour off UTC, and a custom date range; the
// revenue card (the demo's orders, in euros, and by channel), exit pages,
// sources by GA4's names, campaign details, regions and GA4's coverage
// per day; and, last, live visitors in the "Right now" panel as the
// realtime API lists them. Audited with axe and screenshot on a desktop
// and a phone, light and dark.
func TestDashboardGoals(t *testing.T) {
	axe := axeSource(t)
	chdbLib(t)
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: e2e\n    token: "+dashToken+"\n    sites: ["+fakeID+"]\n    rate_per_minute: 6000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := demoEnv(t, "--api-tokens", "@"+tokens)
	e.setTimezone("UTC")
	e.waitDemoHistory()
	g := e.apiQuery(`{"site":%q,"metrics":["visitors"],"dimensions":["funnel_step"],"filters":[["is","funnel","buy"]],"date_range":"7d","timezone":"UTC"}`, e.id)
	tot := e.apiQuery(`{"site":%q,"metrics":["visitors"],"date_range":"7d","timezone":"UTC"}`, e.id)
	if len(g.Results) != 2 || len(tot.Results) != 1 || num(tot.Results[0].Metrics[0]) < 600 {
		t.Fatalf("the demo's history lacks its funnel or its visitors: %+v %+v", g, tot)
	}

	e.signInDashboard()
	e.dashLoad("7d", `document.getElementById("period").value = "7d"; document.getElementById("period").dispatchEvent(new Event("change"))`)
	e.checkCards(`"7d"`, "UTC")
	e.checkChart(`"7d"`, "time:hour", "UTC", 7*24)
	// The demo's week has orders, exits and scrolls, sources by GA4's
	// names, campaign terms and regions.
	seven := dashView{e, "7d"}
	if seven.checkRevenue(nil, "") == 0 {
		t.Error("the demo's week has no purchases")
	}
	for _, id := range []string{"exit-pages", "sources", "campaign-details", "regions"} {
		seven.checkTable(id, nil, "")
	}
	seven.checkCoverageDays(nil, 7)
	// Open the days' table, so that the audits and screenshots see it.
	eval[chromedp.Void](e, `document.querySelector("#coverage-days details").open = true`)
	if s := eval[string](e, `document.querySelector('section[data-table="exit-pages"] tbody tr td:last-child').textContent`); s == "0%" || !strings.HasSuffix(s, "%") {
		t.Errorf("the demo's top exit page has scroll rate %q", s)
	}
	if got := eval[[]string](e, `Array.from(document.querySelectorAll('section[data-table="sources"] tbody th')).map(th => th.textContent)`); !slices.Contains(got, "newsletter") || !slices.Contains(got, "(direct)") {
		t.Errorf("the sources card shows %q, want GA4's source names (newsletter, (direct))", got)
	}
	if got := eval[string](e, `document.querySelector('section[data-table="channels"] tbody th').textContent`); got != "Organic Search" {
		t.Errorf("the channels table's first row %q, want GA4's name Organic Search", got)
	}
	for _, sel := range []string{`#kpis .kpi-def`, `section[data-table="consent"] .card-def`} {
		if d := eval[string](e, `document.querySelector('`+sel+`').textContent`); !strings.Contains(d, "accept all ÷ all") || !strings.Contains(d, "withdrawals included") {
			t.Errorf("%s: consent rate defined as %q", sel, d)
		}
	}
	// The date inputs show the period the API resolved.
	today := time.Now().UTC().Format(time.DateOnly)
	week := time.Now().UTC().AddDate(0, 0, -6).Format(time.DateOnly)
	if f, to := eval[string](e, `document.getElementById("from").value`), eval[string](e, `document.getElementById("to").value`); f != week || to != today {
		t.Errorf("7d shows dates %s to %s, want %s to %s", f, to, week, today)
	}

	e.settled("#dash")
	shots := []string{e.fullScreenshot("dashboard-goals-light"), e.elementShot("dashboard-goals-chart", `section[aria-labelledby="h-chart"]`),
		e.elementShot("dashboard-goals-cards", "#goals"), e.elementShot("dashboard-revenue", "#revenue"), e.elementShot("dashboard-coverage", "#coverage"),
		e.elementShot("dashboard-exit-pages", `section[data-table="exit-pages"]`), e.elementShot("dashboard-campaign-details", `section[data-table="campaign-details"]`)}
	e.audit(axe, "body", "dashboard with goals, light")

	// Another goal in the breakdown.
	before := eval[string](e, `document.getElementById("goal-channels-name").textContent`)
	eval[chromedp.Void](e, `(() => { const p = document.getElementById("goal-pick");
		p.value = Array.from(p.options).map(o => o.value).find(v => v !== p.value); p.dispatchEvent(new Event("change")); })()`)
	e.waitJS("the other goal's breakdown", fmt.Sprintf(`document.getElementById("goal-channels-name").textContent !== %q`, before))
	e.checkGoalChannels(`"7d"`, "UTC")

	// A custom range of three days is shown by the hour, one of ten by day.
	from3, to3 := time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly), time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	e.dashLoad("three days", fmt.Sprintf(`document.getElementById("from").value = %q; document.getElementById("to").value = %q;
		document.getElementById("to").dispatchEvent(new Event("change"))`, from3, to3))
	if p := eval[string](e, `document.getElementById("period").value`); p != "custom" {
		t.Errorf("after picking dates the period is %q, want custom", p)
	}
	rng := fmt.Sprintf(`[%q,%q]`, from3, to3)
	e.checkKPIs(rng, "UTC")
	e.checkChart(rng, "time:hour", "UTC", 3*24)
	e.checkCards(rng, "UTC")
	three := dashView{e, []string{from3, to3}}
	three.checkRevenue(nil, "")
	three.checkCoverageDays(nil, 3)
	from10 := time.Now().UTC().AddDate(0, 0, -9).Format(time.DateOnly)
	e.dashLoad("ten days", fmt.Sprintf(`document.getElementById("from").value = %q; document.getElementById("to").value = %q;
		document.getElementById("to").dispatchEvent(new Event("change"))`, from10, today))
	e.checkChart(fmt.Sprintf(`[%q,%q]`, from10, today), "time:day", "UTC", 10)
	// A reversed range is refused on the page, not sent.
	eval[chromedp.Void](e, fmt.Sprintf(`document.getElementById("from").value = %q; document.getElementById("to").value = %q;
		document.getElementById("to").dispatchEvent(new Event("change"))`, today, from10))
	if s := eval[string](e, `document.getElementById("status").textContent`); !strings.Contains(s, "after the end date") ||
		eval[string](e, `document.getElementById("from").getAttribute("aria-invalid")`) != "true" {
		t.Errorf("a reversed range: status %q", s)
	}

	// Phone and dark, back on the week.
	e.dashLoad("7d again", `document.getElementById("period").value = "7d"; document.getElementById("period").dispatchEvent(new Event("change"))`)
	e.Do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	e.chartFits()
	if w := eval[int](e, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390 px phone the page is %d px wide (scrolls sideways)", w)
	}
	e.checkChart(`"7d"`, "time:hour", "UTC", 7*24)
	eval[chromedp.Void](e, `window.scrollTo(0, 0)`)
	shots = append(shots, e.Screenshot("dashboard-goals-phone-top"), e.fullScreenshot("dashboard-goals-phone-light"), e.elementShot("dashboard-goals-phone-chart", `section[aria-labelledby="h-chart"]`),
		e.elementShot("dashboard-goals-phone-funnels", "#funnels"), e.elementShot("dashboard-goals-phone-coverage", "#coverage"),
		e.elementShot("dashboard-goals-phone-revenue", "#revenue"))
	if w := eval[int](e, `(() => { const b = document.querySelector("#revenue .scroll"); return b.scrollWidth - b.clientWidth; })()`); w > 1 {
		t.Errorf("on a 390 px phone the revenue table is %d px wider than its card", w)
	}
	e.audit(axe, "body", "dashboard with goals, phone, light")
	e.colorScheme(true)
	e.settled("#dash")
	shots = append(shots, e.fullScreenshot("dashboard-goals-phone-dark"))
	e.audit(axe, "body", "dashboard with goals, phone, dark")
	e.Do("desktop width", chromedp.EmulateViewport(1280, 800))
	e.chartFits()
	shots = append(shots, e.fullScreenshot("dashboard-goals-dark"), e.elementShot("dashboard-goals-dark-chart", `section[aria-labelledby="h-chart"]`),
		e.elementShot("dashboard-goals-dark-revenue", "#revenue"), e.elementShot("dashboard-goals-dark-coverage", "#coverage"))
	e.audit(axe, "body", "dashboard with goals, dark")
	e.colorScheme(false)

	// In a zone half an hour off UTC the week is still 168 stored hours,
	// each where the API puts it.
	e.setTimezone("Asia/Kolkata")
	e.Do("reload", chromedp.Reload())
	e.WaitVisible("#dash")
	e.dashLoad("7d in Kolkata", `document.getElementById("period").value = "7d"; document.getElementById("period").dispatchEvent(new Event("change"))`)
	e.checkChart(`"7d"`, "time:hour", "Asia/Kolkata", 7*24)
	e.checkCards(`"7d"`, "Asia/Kolkata")
	e.dashLoad("30d in Kolkata", `document.getElementById("period").value = "30d"; document.getElementById("period").dispatchEvent(new Event("change"))`)
	e.checkChart(`"30d"`, "time:day", "Asia/Kolkata", 30)
	shots = append(shots, e.Screenshot("dashboard-goals-30d-kolkata"))

	// Live visitors, now: the "Right now" panel lists their page and
	// source as the realtime API does, in light and dark, on a desktop and
	// a phone.
	e.checkLiveRealtime(6, "/demo/products", "e2e-live")
	e.settled("#now")
	shots = append(shots, e.elementShot("dashboard-now", "#now"))
	e.audit(axe, "#now", "right now, light")
	e.Do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	e.colorScheme(true)
	e.settled("#now")
	shots = append(shots, e.elementShot("dashboard-now-phone-dark", "#now"))
	e.audit(axe, "#now", "right now, phone, dark")
	e.colorScheme(false)
	e.Do("desktop width", chromedp.EmulateViewport(1280, 800))
	t.Logf("screenshots: %s", strings.Join(shots, " "))
}

// waitDemoHistory waits until the demo has written its whole history. It
// writes a day at a time in the background, and the API answers for a
// partial week meanwhile: a page loaded then would disagree with the API
// asked a moment later.
func (e *env) waitDemoHistory() {
	e.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(e.proxy.logs.String(), `msg="demo history written"`) {
		if time.Now().After(deadline) {
			e.t.Fatalf("the demo never wrote its history%s", e.diagnostics())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// demoEnv starts the binary with --demo (which brings its own stand-in
// for Google, so newEnv's upstreams cannot be given) and a Chromium tab, as
// TestDemoWalk does; e.proxy.URL() is the demo's own address.
func demoEnv(t *testing.T, extra ...string) *env {
	t.Helper()
	chromium := chromiumPath(t)
	lib := os.Getenv("CONSENTPROXY_CHDB_LIB")
	if lib == "" {
		lib = filepath.Join(repoRoot(t), ".cache", "chdb", "libchdb.so")
	}
	p := &proxyProc{t: t, logs: &syncBuffer{}}
	p.cmd = exec.Command(proxyBinary(t), append([]string{"--demo", "--listen", "127.0.0.1:0", "--measurement-ids", fakeID,
		"--data-dir", t.TempDir(), "--flush-interval", "300ms", "--drain-timeout", "5s"}, extra...)...)
	p.cmd.Env = append(os.Environ(), "CONSENTPROXY_CHDB_LIB="+lib)
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p.logs
	orphanProof(p.cmd)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.done = make(chan struct{})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.logs.Write(append(sc.Bytes(), '\n'))
			if u, ok := strings.CutPrefix(sc.Text(), "consentproxy is ready: open "); ok {
				urls <- u
			}
		}
		io.Copy(io.Discard, out)
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.Stop)
	var open string
	select {
	case open = <-urls:
	case <-p.done:
		t.Fatalf("the demo exited before printing its URL:\n%s", p.logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("no URL printed within 60 s:\n%s", p.logs)
	}
	origin := strings.TrimSuffix(open, "/")
	// proxyDo asks p.front.URL: here the binary itself, with no front.
	p.front = &httptest.Server{URL: origin}

	ctx, cancel := context.WithTimeout(context.Background(), 3*testBudget)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900), chromedp.UserAgent(desktopUA))...)
	t.Cleanup(acancel)
	e := &env{t: t, proxy: p, id: fakeID, proxyOrigin: origin, net: &netLog{byID: map[network.RequestID]*netEntry{}}}
	tctx, tcancel := chromedp.NewContext(actx, chromedp.WithListener(e.net.listen))
	t.Cleanup(tcancel)
	e.ctx = tctx
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	e.addInitScript(string(readTestdata(t, "instrument.js")))
	t.Cleanup(e.checkCSP)
	return e
}

// elementShot saves the element sel as name.png and returns its path.
func (e *env) elementShot(name, sel string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 15*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		e.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(e.t), name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return path
}

func (e *env) setTimezone(zone string) {
	e.t.Helper()
	if _, err := chromedp.Call(e.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		e.t.Fatalf("timezone %s: %v", zone, err)
	}
}

// signInDashboard opens the dashboard and signs in with dashToken.
func (e *env) signInDashboard() {
	e.t.Helper()
	e.Do("open the dashboard", chromedp.Navigate(e.proxyOrigin+"/dashboard"))
	e.WaitVisible("#token")
	e.Do("type the token", chromedp.SendKeys("#token", dashToken), chromedp.Submit("#token"), chromedp.WaitVisible(chromedp.CSS("#dash")))
	e.waitJS("the first load", `!!document.getElementById("dash").getAttribute("data-loaded")`)
}

// dashLoad runs js, which makes the dashboard load, and waits until it has.
func (e *env) dashLoad(what, js string) {
	e.t.Helper()
	before := eval[string](e, `document.getElementById("dash").getAttribute("data-loaded") || "0"`)
	eval[chromedp.Void](e, "(() => { "+js+" })()")
	e.waitJS("the dashboard loaded "+what, fmt.Sprintf(`(document.getElementById("dash").getAttribute("data-loaded") || "0") !== %q &&
		!document.getElementById("dash").hasAttribute("aria-busy")`, before))
	if s := eval[string](e, `document.getElementById("status").textContent`); !strings.HasPrefix(s, "Updated") {
		e.t.Errorf("%s: status %q", what, s)
	}
}

// cells reads the rows of the table(s) sel matches as their cells' text.
func (e *env) cells(sel string) [][]string {
	e.t.Helper()
	return eval[[][]string](e, fmt.Sprintf(`Array.from(document.querySelectorAll(%q))
		.map(tr => Array.from(tr.children).map(c => c.textContent))`, sel))
}

// pct is the page's rendering of a percent: one decimal, ".0" dropped.
func pct(v any) string {
	if v == nil {
		return "–"
	}
	return strings.TrimSuffix(strconv.FormatFloat(math.Round(num(v)*10)/10, 'f', 1, 64), ".0") + "%"
}

// count is the page's rendering of a count, as digits (the page groups
// thousands in the browser's locale).
func count(v any) string { return strconv.FormatFloat(num(v), 'f', -1, 64) }

func channelName(slug string) string {
	if slug == "" {
		return "(none)"
	}
	return dims.ChannelLabel(slug)
}

// checkCards compares the goals, funnel and coverage cards with the API.
func (e *env) checkCards(rng, zone string) {
	e.t.Helper()
	goals := e.apiQuery(`{"site":%q,"metrics":["visitors","conversion_rate"],"dimensions":["goal"],"order_by":[["visitors","desc"]],"limit":100,"date_range":%s,"timezone":%q}`, e.id, rng, zone)
	rows := e.cells("#goals-table tbody tr")
	if len(goals.Results) == 0 || len(rows) != len(goals.Results) {
		e.t.Fatalf("%s goals: page %q, API %+v", rng, rows, goals.Results)
	}
	for i, r := range goals.Results {
		want := []string{r.Dimensions[0], count(r.Metrics[0]), pct(r.Metrics[1])}
		if got := []string{rows[i][0], digits(rows[i][1]), rows[i][2]}; strings.Join(got, "|") != strings.Join(want, "|") {
			e.t.Errorf("%s goal row %d: page %q, API %q", rng, i, got, want)
		}
	}
	e.checkGoalChannels(rng, zone)

	funnel := e.apiQuery(`{"site":%q,"metrics":["visits","visitors"],"dimensions":["funnel","funnel_step","goal"],"order_by":[["funnel","asc"],["funnel_step","asc"]],"limit":100,"date_range":%s,"timezone":%q}`, e.id, rng, zone)
	steps := eval[[][]string](e, `Array.from(document.querySelectorAll('#funnel-list .funnel[data-funnel="buy"] li.fstep'))
		.map(li => [li.getAttribute("data-step"), li.querySelector(".fs-label").textContent, li.querySelector(".fs-value").textContent,
			(li.querySelector(".fs-share") || {}).textContent || "", (li.querySelector(".fs-drop") || {}).textContent || ""])`)
	if len(funnel.Results) != 2 || len(steps) != 2 {
		e.t.Fatalf("%s funnel buy: page %q, API %+v", rng, steps, funnel.Results)
	}
	first, prev := num(funnel.Results[0].Metrics[0]), 0.0
	for i, r := range funnel.Results {
		v := num(r.Metrics[0])
		want := []string{r.Dimensions[1], r.Dimensions[1] + ". " + r.Dimensions[2], count(v) + " visits", pct(v*100/first) + " of step 1"}
		if i > 0 {
			want = append(want, pct(100-v*100/prev)+" drop-off from step "+funnel.Results[i-1].Dimensions[1])
		} else {
			want = append(want, "")
		}
		got := []string{steps[i][0], steps[i][1], digits(steps[i][2]) + " visits", steps[i][3], steps[i][4]}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			e.t.Errorf("%s funnel step %d: page %q, API %q", rng, i+1, got, want)
		}
		prev = v
	}

	counted := e.apiQuery(`{"site":%q,"metrics":["visitors"],"dimensions":["channel"],"order_by":[["visitors","desc"]],"limit":100,"date_range":%s,"timezone":%q}`, e.id, rng, zone)
	ga4 := e.apiQuery(`{"site":%q,"metrics":["visitors","conversion_rate"],"dimensions":["channel"],"filters":[["is","goal","(ga4)"]],"order_by":[["visitors","desc"]],"limit":100,"date_range":%s,"timezone":%q}`, e.id, rng, zone)
	e.checkCoverage(rng, zone, counted, ga4)
}

func (e *env) checkGoalChannels(rng, zone string) {
	e.t.Helper()
	goal := eval[string](e, `document.getElementById("goal-pick").value`)
	if name := eval[string](e, `document.getElementById("goal-channels-name").textContent`); goal == "" || name != goal {
		e.t.Fatalf("the breakdown shows goal %q, the picker %q", name, goal)
	}
	by := e.apiQuery(`{"site":%q,"metrics":["visitors","conversion_rate"],"dimensions":["channel"],"filters":[["is","goal",%q]],"order_by":[["visitors","desc"]],"limit":10,"date_range":%s,"timezone":%q}`, e.id, goal, rng, zone)
	rows := e.cells("#goal-channels tbody tr")
	if len(by.Results) == 0 || len(rows) != len(by.Results) {
		e.t.Fatalf("%s goal %s by channel: page %q, API %+v", rng, goal, rows, by.Results)
	}
	for i, r := range by.Results {
		want := []string{channelName(r.Dimensions[0]), count(r.Metrics[0]), pct(r.Metrics[1])}
		if got := []string{rows[i][0], digits(rows[i][1]), rows[i][2]}; strings.Join(got, "|") != strings.Join(want, "|") {
			e.t.Errorf("%s goal %s by channel, row %d: page %q, API %q", rng, goal, i, got, want)
		}
	}
}

// checkCoverage compares the GA4 coverage card and the summary's figure
// with the API: visitors counted (sources), GA4 received and coverage
// ("(ga4)"), per channel.
func (e *env) checkCoverage(rng, zone string, counted, ga4 apiAnswer) {
	e.t.Helper()
	got := map[string][]any{}
	for _, r := range ga4.Results {
		got[r.Dimensions[0]] = r.Metrics
	}
	var want [][]string
	for _, r := range counted.Results {
		ch := r.Dimensions[0]
		if ch == "(other)" {
			continue
		}
		row := []string{channelName(ch), count(r.Metrics[0]), "0", "0%"}
		if g, ok := got[ch]; ok {
			row[2], row[3] = count(g[0]), pct(g[1])
		} else if ga4.Meta.SuppressedRows > 0 {
			row[2], row[3] = "5", "–" // "under 5"
		}
		want = append(want, row)
	}
	rows := e.cells("#coverage tbody tr[data-channel]")
	if len(want) == 0 || len(rows) != len(want) {
		e.t.Fatalf("%s coverage: page %q, API %q", rng, rows, want)
	}
	for i := range want {
		if g := []string{rows[i][0], digits(rows[i][1]), digits(rows[i][2]), rows[i][3]}; strings.Join(g, "|") != strings.Join(want[i], "|") {
			e.t.Errorf("%s coverage row %d: page %q, API %q", rng, i, g, want[i])
		}
	}
	total := e.apiQuery(`{"site":%q,"metrics":["visitors","conversion_rate"],"filters":[["is","goal","(ga4)"]],"date_range":%s,"timezone":%q}`, e.id, rng, zone)
	kpi := eval[string](e, `document.querySelector('#kpis [data-metric="ga4_coverage"]').textContent`)
	line := eval[string](e, `document.getElementById("coverage-total").textContent`)
	if len(total.Results) != 1 || kpi != pct(total.Results[0].Metrics[1]) ||
		!strings.Contains(line, pct(total.Results[0].Metrics[1])) || !strings.Contains(digits(line), count(total.Results[0].Metrics[0])) {
		e.t.Errorf("%s overall coverage: summary %q, card %q, API %+v", rng, kpi, line, total.Results)
	}
}

// checkKPIs compares the summary's counts with the API.
func (e *env) checkKPIs(rng, zone string) {
	e.t.Helper()
	tot := e.apiQuery(`{"site":%q,"metrics":["visitors","pageviews","visits"],"date_range":%s,"timezone":%q}`, e.id, rng, zone)
	for i, m := range []string{"visitors", "pageviews", "visits"} {
		got := eval[string](e, fmt.Sprintf(`document.querySelector('#kpis [data-metric=%q]').textContent`, m))
		if len(tot.Results) != 1 || digits(got) != count(tot.Results[0].Metrics[i]) {
			e.t.Errorf("%s %s: page %q, API %+v", rng, m, got, tot.Results)
		}
	}
}

// checkChart holds the chart to the API's time series: n buckets, the
// ones with a row drawn with its numbers, the others zero, or hatched as
// withheld when the API folded rows, or still to come; and the note says
// how many were withheld.
func (e *env) checkChart(rng, bucket, zone string, n int) {
	e.t.Helper()
	series := e.apiQuery(`{"site":%q,"metrics":["visitors","pageviews"],"dimensions":[%q],"order_by":[[%q,"asc"]],"limit":10000,"date_range":%s,"timezone":%q}`,
		e.id, bucket, bucket, rng, zone)
	api := map[string][]any{}
	for _, r := range series.Results {
		k := r.Dimensions[0]
		if bucket == "time:hour" && k != "(other)" {
			at, err := time.Parse(time.RFC3339, k)
			if err != nil {
				e.t.Fatalf("hour label %q: %v", k, err)
			}
			k = strconv.FormatInt(at.UnixMilli(), 10)
		}
		api[k] = r.Metrics
	}
	type bar struct{ T, State, V, P string }
	bars := eval[[]bar](e, `Array.from(document.querySelectorAll("#chart g.bucket")).map(g => ({T: g.getAttribute("data-t"),
		State: g.getAttribute("data-state"), V: g.getAttribute("data-v"), P: g.getAttribute("data-p")}))`)
	if len(bars) != n || eval[string](e, `document.querySelector("#chart svg").getAttribute("data-buckets")`) != strconv.Itoa(n) {
		e.t.Fatalf("%s in %s: the chart has %d buckets, want %d", rng, zone, len(bars), n)
	}
	withheld, drawn := 0, 0
	for _, b := range bars {
		m, ok := api[b.T]
		switch {
		case ok:
			drawn++
			if b.State != "data" || b.V != count(m[0]) || b.P != count(m[1]) {
				e.t.Errorf("%s bucket %s: page %s %s/%s, API %v", rng, b.T, b.State, b.V, b.P, m)
			}
		case b.State == "future":
		case series.Meta.SuppressedRows > 0:
			withheld++
			if b.State != "withheld" {
				e.t.Errorf("%s bucket %s: %s, want withheld (the API folded %d rows)", rng, b.T, b.State, series.Meta.SuppressedRows)
			}
		case b.State != "zero":
			e.t.Errorf("%s bucket %s: %s, want zero", rng, b.T, b.State)
		}
	}
	rows := len(series.Results)
	if _, ok := api["(other)"]; ok {
		rows-- // no point in time
	}
	if drawn != rows {
		e.t.Errorf("%s: %d of the API's %d buckets drawn", rng, drawn, rows)
	}
	note := eval[string](e, `document.getElementById("chart-note").textContent`)
	if k := series.Meta.SuppressedRows; k > 0 {
		unit := map[string]string{"time:hour": "hourly", "time:day": "daily"}[bucket]
		if want := fmt.Sprintf("%d %s bucket", k, unit); !strings.Contains(note, want) || !strings.Contains(note, "withheld") ||
			eval[bool](e, `document.getElementById("key-withheld").hidden`) {
			e.t.Errorf("%s: the API withheld %d buckets, the chart says %q", rng, k, note)
		}
	}
	// Chromium may name the zone by another alias (Asia/Calcutta).
	if page := eval[string](e, `Intl.DateTimeFormat().resolvedOptions().timeZone`); !strings.Contains(note, "times in "+page) {
		e.t.Errorf("%s: the chart's note %q does not name the zone %s (%s)", rng, note, page, zone)
	}
	e.t.Logf("%s in %s: %d buckets, %d with data, %d withheld or zero (API folded %d)", rng, zone, n, drawn, withheld, series.Meta.SuppressedRows)
}
