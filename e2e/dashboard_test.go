package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// dashToken is the API token the dashboard test signs in with; the tokens
// file it writes scopes it to the test's site.
const dashToken = "e2e-dashboard-token-0123456789abcdef"

// dashVisitors send hits; the query API folds rows under 5 visitors into
// "(other)", so the common page needs at least that many.
const dashVisitors = 7

// TestDashboard drives the marketing dashboard as a person would: sign in
// with a token, pick a period, read numbers that must equal the query API's
// answer to the same question (the "Right now" panel the realtime API's,
// the revenue card's empty state without purchases), download a table as
// CSV, and look at it in light and dark on a desktop and a phone, with an
// axe-core audit.
//
// The binary must serve /dashboard and /api/v1/* with --api-tokens, and
// accept the dashboard session (cookie cp_dash + X-Consentproxy-CSRF) as
// well as bearer tokens. Until cmd wires them, the test skips outside CI.
func TestDashboard(t *testing.T) {
	axe := axeSource(t)
	chdbLib(t)
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: e2e\n    token: "+dashToken+"\n    sites: ["+fakeID+"]\n    rate_per_minute: 6000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, options{proxyArgs: []string{
		"--store", "chdb://" + filepath.Join(t.TempDir(), "clickhouse"),
		"--flush-interval", "200ms",
		"--api-tokens", "@" + tokens,
	}})
	if resp, _, err := e.proxyDo(e.ctx, http.MethodGet, "/dashboard", nil, nil); err != nil {
		t.Fatalf("GET /dashboard: %v", err)
	} else if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /dashboard: %s", resp.Status)
	}
	if _, err := chromedp.Call(e.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "UTC"}); err != nil {
		t.Fatalf("timezone: %v", err)
	}

	e.sendDashboardHits()
	// Wait until the store holds every visitor (flushes run every 200 ms).
	var totals apiAnswer
	deadline := time.Now().Add(20 * time.Second)
	for {
		totals = e.apiQuery(`{"site":%q,"metrics":["visitors","pageviews","visits"],"date_range":"today","timezone":"UTC"}`, e.id)
		if len(totals.Results) == 1 && num(totals.Results[0].Metrics[0]) >= dashVisitors {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the API never counted %d visitors: %+v%s", dashVisitors, totals, e.diagnostics())
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("API today: visitors, pageviews, visits = %v", totals.Results[0].Metrics)

	// Sign in: a wrong token first, then the right one.
	e.Do("open the dashboard", chromedp.Navigate(e.proxyOrigin+"/dashboard"))
	e.WaitVisible("#token")
	e.Do("type a wrong token", chromedp.SendKeys("#token", "not-the-token-0123456789abcdef"), chromedp.Submit("#token"),
		chromedp.WaitVisible(chromedp.CSS("#error")))
	e.Do("type the token", chromedp.SendKeys("#token", dashToken), chromedp.Submit("#token"),
		chromedp.WaitVisible(chromedp.CSS("#dash")))
	if c, ok := e.Cookies()["cp_dash"]; !ok || strings.Contains(c, dashToken) {
		t.Fatalf("after sign-in: cp_dash cookie %q (present %v), want one without the token", c, ok)
	}
	if eval[bool](e, `document.cookie.includes("cp_dash")`) {
		t.Error("cp_dash is readable from JavaScript; it must be HttpOnly")
	}

	// Pick a period; the page reloads its numbers.
	e.Do("pick today", chromedp.SetValue("#period", "today"))
	e.waitJS("the period applied", `document.getElementById("period").value === "today"`)
	before := eval[string](e, `document.getElementById("dash").getAttribute("data-loaded") || "0"`)
	eval[chromedp.Void](e, `document.getElementById("period").dispatchEvent(new Event("change"))`)
	e.waitJS("the dashboard loaded", fmt.Sprintf(`(document.getElementById("dash").getAttribute("data-loaded") || "0") !== %q &&
		!document.getElementById("dash").hasAttribute("aria-busy")`, before))
	if s := eval[string](e, `document.getElementById("status").textContent`); !strings.HasPrefix(s, "Updated") {
		t.Errorf("status after loading: %q", s)
	}

	// The numbers on the page are the API's.
	for i, m := range []string{"visitors", "pageviews", "visits"} {
		got := eval[string](e, fmt.Sprintf(`document.querySelector('#kpis [data-metric=%q]').textContent`, m))
		if want := strconv.FormatFloat(num(totals.Results[0].Metrics[i]), 'f', -1, 64); digits(got) != want {
			t.Errorf("%s on the page %q, API %s", m, got, want)
		}
	}
	// One bar per hour of today; GA4's coverage counts without goals, and
	// the goals card says there are none.
	e.checkChart(`"today"`, "time:hour", "UTC", 24)
	e.checkCoverage(`"today"`, "UTC",
		e.apiQuery(`{"site":%q,"metrics":["visitors"],"dimensions":["channel"],"order_by":[["visitors","desc"]],"limit":100,"date_range":"today","timezone":"UTC"}`, e.id),
		e.apiQuery(`{"site":%q,"metrics":["visitors","conversion_rate"],"dimensions":["channel"],"filters":[["is","goal","(ga4)"]],"order_by":[["visitors","desc"]],"limit":100,"date_range":"today","timezone":"UTC"}`, e.id))
	if g := eval[string](e, `document.querySelector("#goals-table tbody").textContent + document.getElementById("funnel-list").textContent`); !strings.Contains(g, "No goal reached") ||
		!strings.Contains(g, "No funnel step reached") || !eval[bool](e, `document.getElementById("goal-channels").hidden`) {
		t.Errorf("without goals the goals and funnel cards say %q", g)
	}
	pages := e.apiQuery(`{"site":%q,"metrics":["visitors","pageviews"],"dimensions":["page"],"order_by":[["visitors","desc"]],"limit":10,"date_range":"today","timezone":"UTC"}`, e.id)
	rows := eval[[][]string](e, `Array.from(document.querySelectorAll('section[data-table="pages"] tbody tr'))
		.map(tr => Array.from(tr.children).map(c => c.textContent))`)
	if len(pages.Results) == 0 || len(rows) != len(pages.Results) {
		t.Fatalf("top pages: page rows %q, API %+v", rows, pages.Results)
	}
	for i, r := range pages.Results {
		want := []string{r.Dimensions[0], fmt.Sprint(num(r.Metrics[0])), fmt.Sprint(num(r.Metrics[1]))}
		got := []string{rows[i][0], digits(rows[i][1]), digits(rows[i][2])}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("top pages row %d: page %q, API %q", i, got, want)
		}
	}
	if pages.Meta.SuppressedRows > 0 {
		note := eval[string](e, `document.querySelector('section[data-table="pages"] .note').hidden ? "" : document.querySelector('section[data-table="pages"] .note').textContent`)
		if !strings.Contains(note, "fewer than 5") {
			t.Errorf("API suppressed %d page rows, the page's note says %q", pages.Meta.SuppressedRows, note)
		}
	} else {
		t.Errorf("the rare page was not suppressed: %+v", pages)
	}
	if rt := eval[string](e, `document.getElementById("realtime").textContent`); digits(rt) == "" {
		t.Logf("realtime count not shown (%q); is Realtime wired?", rt)
	}
	// Right now: the visitors of the last minutes on their current page.
	if rt := e.checkRealtime(); rt.Visitors < dashVisitors || len(rt.Pages) == 0 || rt.Pages[0].Page != "/pricing" {
		t.Errorf("the realtime API, %+v, does not count the test's %d visitors on /pricing", rt, dashVisitors)
	}
	// No purchases today: the revenue card says what it would count; no
	// scrolls, but exits.
	today := dashView{e, "today"}
	if today.checkRevenue(nil, "") != 0 {
		t.Error("revenue without a purchase")
	}
	today.checkTable("exit-pages", nil, "")

	// Download the top pages as CSV.
	dl := t.TempDir()
	if _, err := chromedp.CallBrowser(e.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dl,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	e.Click(`button[data-csv="pages"]`)
	csvText := waitFile(t, dl, ".csv", 10*time.Second)
	lines := strings.Split(strings.TrimSpace(csvText), "\n")
	if len(lines) < 2 || !strings.Contains(lines[0], "page") || !strings.Contains(lines[0], "visitors") {
		t.Errorf("CSV %q: want a header with page and visitors, and rows", csvText)
	}
	if top := pages.Results[0]; !strings.Contains(csvText, top.Dimensions[0]+","+fmt.Sprint(num(top.Metrics[0]))) {
		t.Errorf("CSV %q lacks the API's top row %v", csvText, top)
	}

	// Look at it: desktop light, phone light and dark; audit each.
	e.settled("#dash")
	shots := []string{e.fullScreenshot("dashboard-light")}
	e.audit(axe, "body", "dashboard light")
	e.Do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	e.chartFits()
	if w := eval[int](e, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390 px phone the page is %d px wide (scrolls sideways)", w)
	}
	shots = append(shots, e.fullScreenshot("dashboard-phone-light"))
	e.colorScheme(true)
	e.settled("#dash")
	shots = append(shots, e.fullScreenshot("dashboard-phone-dark"), e.Screenshot("dashboard-phone-dark-top"))
	e.audit(axe, "body", "dashboard dark")
	e.Do("desktop width", chromedp.EmulateViewport(1280, 800))
	e.chartFits()
	shots = append(shots, e.fullScreenshot("dashboard-dark"))
	t.Logf("screenshots: %s", strings.Join(shots, " "))

	// Sign out: the API refuses the page from then on.
	e.Do("sign out", chromedp.Click(chromedp.CSS(`.logout button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("#token")))
	if _, ok := e.Cookies()["cp_dash"]; ok {
		t.Error("cp_dash survived sign-out")
	}
}

// chdbLib finds the embedded ClickHouse the dashboard test stores into.
func chdbLib(t *testing.T) {
	t.Helper()
	p := os.Getenv("CONSENTPROXY_CHDB_LIB")
	if p == "" {
		p = filepath.Join(repoRoot(t), ".cache", "chdb", "libchdb.so")
	}
	if _, err := os.Stat(p); err != nil {
		missing(t, "libchdb.so not found: %v", err)
	}
}

// sendDashboardHits makes dashVisitors visitors (distinct user agents behind
// the front's one address) view /pricing, one of them also /rare-page, with
// a recorded consent choice each: most accept, one rejects.
func (e *env) sendDashboardHits() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	for i := range dashVisitors {
		ua := strings.Replace(desktopUA, "Chrome/156.0.0.0", fmt.Sprintf("Chrome/156.0.%d.0", i), 1)
		analytics := i != dashVisitors-1
		form := url.Values{"analytics": {fmt.Sprint(analytics)}, "marketing": {fmt.Sprint(analytics)}, "site": {e.id}}
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "User-Agent": {ua}, "Accept-Language": {"de-DE,de;q=0.9"}}
		resp, body, err := e.proxyDo(ctx, http.MethodPost, "/consent", h, strings.NewReader(form.Encode()))
		if err != nil || resp.StatusCode >= 300 {
			e.t.Fatalf("POST /consent: %v %v %s", err, resp, body)
		}
		var cookie string
		for _, c := range resp.Cookies() {
			if c.Name == "cp_consent" {
				cookie = c.Name + "=" + c.Value
			}
		}
		paths := []string{"/pricing"}
		if i == 0 {
			paths = append(paths, "/rare-page")
		}
		for j, p := range paths {
			q := url.Values{"v": {"2"}, "tid": {e.id}, "gcs": {"G111"}, "cid": {fmt.Sprintf("%d.%d", 1000+i, 1700000000+j)},
				"ul": {"de-de"}, "sid": {"1700000000"}, "_s": {fmt.Sprint(j + 1)}, "dl": {e.siteOrigin + p + "?utm_campaign=winter"},
				"dt": {"Page"}, "en": {"page_view"}, "_p": {strconv.Itoa(i*10 + j)}}
			if !analytics {
				q.Set("gcs", "G100")
			}
			hh := http.Header{"User-Agent": {ua}, "Accept-Language": {"de-DE,de;q=0.9"}, "Origin": {e.siteOrigin}}
			if cookie != "" {
				hh.Set("Cookie", cookie)
			}
			resp, body, err := e.proxyDo(ctx, http.MethodGet, "/g/collect?"+q.Encode(), hh, nil)
			if err != nil || resp.StatusCode != http.StatusNoContent {
				e.t.Fatalf("GET /g/collect: %v %v %s", err, resp, body)
			}
		}
	}
}

// apiAnswer is the part of the query API's answer the test reads.
type apiAnswer struct {
	Results []struct {
		Dimensions []string `json:"dimensions"`
		Metrics    []any    `json:"metrics"`
	} `json:"results"`
	Meta struct {
		MinCount       int `json:"min_count"`
		SuppressedRows int `json:"suppressed_rows"`
	} `json:"meta"`
}

// apiQuery asks the query API with the bearer token, from Go.
func (e *env) apiQuery(format string, args ...any) apiAnswer {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	resp, body, err := e.proxyDo(ctx, http.MethodPost, "/api/v1/query",
		http.Header{"Authorization": {"Bearer " + dashToken}, "Content-Type": {"application/json"}},
		strings.NewReader(fmt.Sprintf(format, args...)))
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("POST /api/v1/query: %v %v %s%s", err, resp, body, e.diagnostics())
	}
	var a apiAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		e.t.Fatalf("query answer %s: %v", body, err)
	}
	return a
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// digits keeps the digits of a formatted number ("1,234" → "1234").
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// waitFile waits for a finished download ending in ext and returns its text.
func waitFile(t *testing.T, dir, ext string, d time.Duration) string {
	t.Helper()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		names, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		if len(names) > 0 {
			b, err := os.ReadFile(names[0])
			if err == nil && len(b) > 0 {
				return string(b)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	t.Fatalf("no %s download in %s within %s (found %v)", ext, dir, d, entries)
	return ""
}

// fullScreenshot saves the whole page as name.png and returns its path.
func (e *env) fullScreenshot(name string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 15*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		e.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(e.t), name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return path
}

// chartFits waits until the chart has been redrawn for its box's width (the
// page redraws it after a resize, so its text keeps its size).
func (e *env) chartFits() {
	e.t.Helper()
	e.waitJS("the chart fits its box", `(() => { const s = document.querySelector("#chart svg"), b = document.getElementById("chart");
		return !!s && Math.abs(s.viewBox.baseVal.width - Math.max(300, Math.round(b.clientWidth))) < 2; })()`)
}
