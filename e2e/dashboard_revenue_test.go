package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The checks of the revenue card, GA4's coverage per day and the "Right
// now" panel, each against the query API's answer to the card's question.

// money is the page's rendering of an amount, as digits: two decimals
// (the currencies the demo uses have cents).
func money(v any) string { return digits(strconv.FormatFloat(num(v), 'f', 2, 64)) }

// checkRevenue holds the revenue card to the API with filters f (and the
// comparison compare): per currency, revenue (in its currency), the
// average order, purchases and buyers, the change of revenue; then the
// first currency by channel. A filter the revenue table cannot take dims
// the card with the API's reason. It returns how many currencies the API
// has.
func (v dashView) checkRevenue(f [][]string, compare string) int {
	e := v.env
	e.t.Helper()
	a, metrics, refused, why := v.apiAsk(map[string]any{"metrics": []string{"revenue", "purchases", "average_order", "visitors"},
		"dimensions": []string{"currency"}, "order_by": [][]string{{"revenue", "desc"}}, "limit": 10}, f, compare)
	if why != "" {
		v.checkRefused("revenue", "#revenue", why)
		return 0
	}
	if len(refused) > 0 {
		e.t.Errorf("the API leaves %v out of the revenue card filtered by %v; the test expects all or nothing", refused, f)
	}
	if eval[bool](e, `document.getElementById("revenue").classList.contains("refused")`) {
		e.t.Errorf("revenue filtered by %v: dimmed, but the API answers it", f)
	}
	type row struct{ Currency, Revenue, Per, Purchases, Buyers, Change string }
	rows := eval[[]row](e, `Array.from(document.querySelectorAll("#revenue-table tbody tr")).map(tr => {
		const c = tr.children, r = c[1] ? c[1].cloneNode(true) : null;
		if (r) r.querySelectorAll(".per, .chg").forEach(n => n.remove());
		const per = c[1] && c[1].querySelector(".per"), chg = c[1] && c[1].querySelector(".chg");
		return {Currency: c[0].textContent, Revenue: r ? r.textContent : "", Per: per ? per.textContent : "",
			Purchases: c[2] ? c[2].textContent : "", Buyers: c[3] ? c[3].textContent : "", Change: chg ? chg.getAttribute("data-change-value") : "none"}; })`)
	if len(a.Results) == 0 {
		if len(rows) != 1 || !strings.Contains(rows[0].Currency, "No purchases in this period") || !eval[bool](e, `document.getElementById("revenue-channels").hidden`) {
			e.t.Errorf("revenue: the API has no purchases, the page %+v", rows)
		}
		return 0
	}
	if len(rows) != len(a.Results) {
		e.t.Fatalf("revenue: page rows %+v, API %+v", rows, a.Results)
	}
	for i, r := range a.Results {
		cur, m := r.Dimensions[0], r.Metrics
		want := row{cur, money(m[0]), money(m[2]) + " per order", count(m[1]), count(m[3]), "none"}
		if cur == "(other)" {
			want.Revenue, want.Per = "–", "– per order"
		}
		if compare != "" {
			want.Change = ""
			if r.Comparison != nil && r.Comparison.Change[0] != nil {
				want.Change = strconv.FormatFloat(num(r.Comparison.Change[0]), 'f', -1, 64)
			}
		}
		got := rows[i]
		if cur == "EUR" && (!strings.HasPrefix(got.Revenue, "€") || !strings.HasPrefix(got.Per, "€")) {
			e.t.Errorf("revenue in EUR without its sign: %+v", got)
		}
		if cur != "(other)" {
			got.Revenue, got.Per = digits(got.Revenue), digits(got.Per)+" per order"
		}
		got.Purchases, got.Buyers = digits(got.Purchases), digits(got.Buyers)
		if got != want {
			e.t.Errorf("revenue row %d: page %+v, API %+v (metrics %v)", i, got, want, metrics)
		}
	}
	cur := a.Results[0].Dimensions[0]
	if len(cur) != 3 || strings.ToUpper(cur) != cur {
		return len(a.Results)
	}
	ch, _, _, why := v.apiAsk(map[string]any{"metrics": []string{"revenue", "purchases"}, "dimensions": []string{"channel"},
		"filters": [][]string{{"is", "currency", cur}}, "order_by": [][]string{{"revenue", "desc"}}, "limit": 10}, f, "")
	if why != "" {
		v.checkRefused("revenue by channel", "#revenue-channels", why)
		return len(a.Results)
	}
	if name := eval[string](e, `document.getElementById("revenue-channels-currency").textContent`); name != cur || eval[bool](e, `document.getElementById("revenue-channels").hidden`) {
		e.t.Errorf("the revenue breakdown shows %q (hidden %v), want %s", name, eval[bool](e, `document.getElementById("revenue-channels").hidden`), cur)
	}
	cells := e.cells("#revenue-channels tbody tr")
	if len(ch.Results) == 0 || len(cells) != len(ch.Results) {
		e.t.Fatalf("revenue in %s by channel: page %q, API %+v", cur, cells, ch.Results)
	}
	for i, r := range ch.Results {
		want := []string{channelName(r.Dimensions[0]), money(r.Metrics[0]), count(r.Metrics[1])}
		if r.Dimensions[0] == "(other)" {
			want[0] = "(other)"
		}
		if got := []string{cells[i][0], digits(cells[i][1]), digits(cells[i][2])}; strings.Join(got, "|") != strings.Join(want, "|") {
			e.t.Errorf("revenue in %s by channel, row %d: page %q, API %q", cur, i, got, want)
		}
	}
	return len(a.Results)
}

// checkCoverageDays holds GA4's coverage per day to the API with filters
// f: the table's rows are the API's days (its "(other)" left out), and the
// bars one per day of the period, those with a row at its coverage, the
// others hatched when the API withheld days; n is the period's days.
func (v dashView) checkCoverageDays(f [][]string, n int) {
	e := v.env
	e.t.Helper()
	a, _, _, why := v.apiAsk(map[string]any{"metrics": []string{"visitors", "conversion_rate"}, "dimensions": []string{"time:day"},
		"filters": [][]string{{"is", "goal", "(ga4)"}}, "order_by": [][]string{{"time:day", "asc"}}, "limit": 1000}, f, "")
	if why != "" {
		v.checkRefused("coverage", "#coverage", why)
		return
	}
	type day struct{ Day, Visitors, Rate string }
	rows := eval[[]day](e, `Array.from(document.querySelectorAll("#coverage-days tbody tr[data-day]")).map(tr =>
		({Day: tr.getAttribute("data-day"), Visitors: tr.children[1].textContent, Rate: tr.children[2].textContent}))`)
	var want []day
	byDay := map[string]string{}
	for _, r := range a.Results {
		if r.Dimensions[0] == "(other)" {
			continue
		}
		want = append(want, day{r.Dimensions[0], count(r.Metrics[0]), pct(r.Metrics[1])})
		byDay[r.Dimensions[0]] = count(r.Metrics[1])
	}
	for i := range rows {
		rows[i].Visitors = digits(rows[i].Visitors)
	}
	if len(want) == 0 || fmt.Sprint(rows) != fmt.Sprint(want) {
		e.t.Errorf("coverage per day filtered by %v: page %v, API %v", f, rows, want)
	}
	type bar struct{ T, State, P string }
	bars := eval[[]bar](e, `Array.from(document.querySelectorAll("#coverage-spark .sb")).map(b => ({T: b.getAttribute("data-t"), State: b.getAttribute("data-state"), P: b.getAttribute("data-p")}))`)
	if len(bars) != n {
		e.t.Errorf("coverage per day: %d bars, want %d", len(bars), n)
	}
	for _, b := range bars {
		p, ok := byDay[b.T]
		switch {
		case ok && (b.State != "data" || b.P != p):
			e.t.Errorf("coverage on %s: bar %s %q, API %s", b.T, b.State, b.P, p)
		case !ok && b.State == "data":
			e.t.Errorf("coverage on %s: a bar, but the API has no row", b.T)
		case !ok && a.Meta.SuppressedRows > 0 && b.State != "withheld" && b.State != "future":
			e.t.Errorf("coverage on %s: %s, want withheld (the API folded %d days)", b.T, b.State, a.Meta.SuppressedRows)
		}
	}
	if label := eval[string](e, `document.querySelector("#coverage-spark [role=img]").getAttribute("aria-label")`); !strings.Contains(label, "GA4 coverage per day") {
		e.t.Errorf("the coverage bars are labelled %q", label)
	}
}

// realtimeAnswer is GET /api/v1/realtime's answer.
type realtimeAnswer struct {
	Visitors int `json:"visitors"`
	Pages    []struct {
		Page     string `json:"page"`
		Visitors int    `json:"visitors"`
	} `json:"pages"`
	Sources []struct {
		Source   string `json:"source"`
		Visitors int    `json:"visitors"`
	} `json:"sources"`
	WithheldRows int `json:"withheld_rows"`
	MinCount     int `json:"min_count"`
}

func (e *env) apiRealtime() realtimeAnswer {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	resp, body, err := e.proxyDo(ctx, http.MethodGet, "/api/v1/realtime?site="+url.QueryEscape(e.id), http.Header{"Authorization": {"Bearer " + dashToken}}, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET /api/v1/realtime: %v %v %s", err, resp, body)
	}
	var a realtimeAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		e.t.Fatalf("realtime answer %s: %v", body, err)
	}
	return a
}

// checkRealtime refreshes the dashboard's "Right now" panel and holds it
// to the realtime API asked at once after: the count, the current pages
// and sources, the withheld rows. Visitors come and go (a visit leaves
// the window after 5 minutes), so a disagreement is asked again, twice,
// before it fails. It returns the API's answer the page agreed with.
func (e *env) checkRealtime() realtimeAnswer {
	e.t.Helper()
	type panel struct {
		Count          string
		Pages, Sources [][]string
		Lists          bool
		Note           string
	}
	var got panel
	var want realtimeAnswer
	for try := 0; try < 3; try++ {
		before := eval[string](e, `document.getElementById("now").getAttribute("data-at") || ""`)
		e.dashLoad("realtime", `document.getElementById("period").dispatchEvent(new Event("change"))`)
		e.waitJS("the realtime panel refreshed", fmt.Sprintf(`(document.getElementById("now").getAttribute("data-at") || "") !== %q`, before))
		want = e.apiRealtime()
		got = eval[panel](e, `(() => { const rows = id => Array.from(document.querySelectorAll("#" + id + " tr")).map(tr => Array.from(tr.children).map(c => c.textContent));
			const n = document.getElementById("now-note");
			return {Count: document.getElementById("realtime").textContent, Pages: rows("now-pages"), Sources: rows("now-sources"),
				Lists: !document.getElementById("now-lists").hidden, Note: n.hidden ? "" : n.textContent}; })()`)
		var problems []string
		if digits(got.Count) != strconv.Itoa(want.Visitors) {
			problems = append(problems, fmt.Sprintf("count %q, API %d", got.Count, want.Visitors))
		}
		if lists := want.Visitors > 0 && len(want.Pages)+len(want.Sources) > 0; got.Lists != lists {
			problems = append(problems, fmt.Sprintf("lists shown %v, want %v", got.Lists, lists))
		} else if lists {
			var pages, sources [][]string
			for _, p := range want.Pages {
				pages = append(pages, []string{p.Page, strconv.Itoa(p.Visitors)})
			}
			for _, s := range want.Sources {
				sources = append(sources, []string{s.Source, strconv.Itoa(s.Visitors)})
			}
			for _, c := range [...]struct {
				what      string
				page, api [][]string
			}{{"pages", got.Pages, pages}, {"sources", got.Sources, sources}} {
				if len(c.api) == 0 {
					if len(c.page) != 1 || !strings.Contains(c.page[0][0], "or more visitors right now") {
						problems = append(problems, fmt.Sprintf("%s %q, API none", c.what, c.page))
					}
					continue
				}
				var shownRows [][]string
				for _, r := range c.page {
					shownRows = append(shownRows, []string{r[0], digits(r[1])})
				}
				if fmt.Sprint(shownRows) != fmt.Sprint(c.api) {
					problems = append(problems, fmt.Sprintf("%s %q, API %q", c.what, shownRows, c.api))
				}
			}
		}
		if w := want.WithheldRows; w > 0 && !strings.Contains(got.Note, fmt.Sprintf("%d row", w)) ||
			want.Visitors == 0 && !strings.Contains(got.Note, "Nobody on the site right now") {
			problems = append(problems, fmt.Sprintf("note %q, API withheld %d rows of %d visitors", got.Note, w, want.Visitors))
		}
		if len(problems) == 0 {
			e.t.Logf("right now: %d visitors, pages %v, sources %v, %d rows withheld", want.Visitors, got.Pages, got.Sources, want.WithheldRows)
			return want
		}
		e.t.Logf("right now, try %d: %s", try+1, strings.Join(problems, "; "))
		if try == 2 {
			e.t.Errorf("the realtime panel disagrees with the API: %s", strings.Join(problems, "; "))
		}
	}
	return want
}

// sendLiveHits makes n visitors (distinct user agents) accept the banner
// and view path (a URL path with its query) on the demo's own origin now.
func (e *env) sendLiveHits(n int, path string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	for i := range n {
		ua := strings.Replace(desktopUA, "Chrome/156.0.0.0", fmt.Sprintf("Chrome/156.1.%d.0", i), 1)
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "User-Agent": {ua}, "Accept-Language": {"de-DE,de;q=0.9"}, "Origin": {e.proxyOrigin}}
		resp, body, err := e.proxyDo(ctx, http.MethodPost, "/consent", h, strings.NewReader(url.Values{"analytics": {"true"}, "marketing": {"true"}, "site": {e.id}}.Encode()))
		if err != nil || resp.StatusCode >= 300 {
			e.t.Fatalf("POST /consent: %v %v %s", err, resp, body)
		}
		hh := http.Header{"User-Agent": {ua}, "Accept-Language": {"de-DE,de;q=0.9"}, "Origin": {e.proxyOrigin}}
		for _, c := range resp.Cookies() {
			if c.Name == "cp_consent" {
				hh.Set("Cookie", c.Name+"="+c.Value)
			}
		}
		q := url.Values{"v": {"2"}, "tid": {e.id}, "gcs": {"G111"}, "cid": {fmt.Sprintf("%d.1700000000", 5000+i)}, "ul": {"de-de"}, "sid": {"1700000000"},
			"_s": {"1"}, "dl": {e.proxyOrigin + path}, "dt": {"Live"}, "en": {"page_view"}, "_p": {strconv.Itoa(900 + i)}}
		resp, body, err = e.proxyDo(ctx, http.MethodGet, "/g/collect?"+q.Encode(), hh, nil)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			e.t.Fatalf("GET /g/collect: %v %v %s", err, resp, body)
		}
	}
}

// checkLiveRealtime sends n live visitors to path from utm_source src and
// holds the panel to the API until it shows them.
func (e *env) checkLiveRealtime(n int, page, src string) {
	e.t.Helper()
	e.sendLiveHits(n, page+"?utm_source="+src)
	deadline := time.Now().Add(10 * time.Second)
	for e.apiRealtime().Visitors < n {
		if time.Now().After(deadline) {
			e.t.Fatalf("the realtime API never counted the %d live visitors: %+v", n, e.apiRealtime())
		}
		time.Sleep(200 * time.Millisecond)
	}
	a := e.checkRealtime()
	onPage, fromSrc := false, false
	for _, p := range a.Pages {
		onPage = onPage || p.Page == page && p.Visitors >= n
	}
	for _, s := range a.Sources {
		fromSrc = fromSrc || s.Source == src && s.Visitors >= n
	}
	if !onPage || !fromSrc || eval[int](e, fmt.Sprintf(`Array.from(document.querySelectorAll("#now-pages tr[data-key]")).filter(tr => tr.getAttribute("data-key") === %q).length`, page)) != 1 {
		e.t.Errorf("after %d live page views of %s the realtime API says %+v and the panel lists %q", n, page, a,
			eval[[]string](e, `Array.from(document.querySelectorAll("#now-pages tr")).map(tr => tr.textContent)`))
	}
}
