package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// ffBudget bounds one Firefox subtest end to end.
const ffBudget = 30 * time.Second

// ffEnv is one subtest's world in Firefox. e holds the pieces the Chromium
// tests use (stubs, proxy, site, the web) without a Chromium: only its
// browser-free helpers (quiesce, forwarded, proxyDo) are called on it.
type ffEnv struct {
	t   *testing.T
	b   *ffBrowser
	e   *env
	tab string
}

// env starts the stubs, a proxy (one forward worker, for quiesce, and its
// metrics) and the site on name.example.test, the proxy mounted at /cp, and
// opens a tab in a new user context.
func (b *ffBrowser) env(t *testing.T, name string) *ffEnv {
	t.Helper()
	g := fakeGtag(t)
	e := &env{t: t, ga: newGA(t), gtm: newGTM(t, g), site: newSite(t), web: b.web, gtag: g, id: g.id, net: &netLog{}}
	host := name + ".example.test"
	e.siteOrigin = "https://" + host
	e.proxyOrigin = e.siteOrigin + mountPath
	e.proxy = startProxy(t, e.ga, e.gtm, e.siteOrigin, e.id, slices.Concat(sentinelArgs, []string{"--metrics-listen", "127.0.0.1:0"})...)
	b.web.Route(host, "", e.site.URL())
	b.web.Route(host, mountPath, e.proxy.URL())
	ctx, cancel := context.WithTimeout(t.Context(), ffBudget)
	t.Cleanup(cancel)
	e.ctx = ctx
	f := &ffEnv{t: t, b: b, e: e}
	uc, err := b.newUserContext(ctx)
	if err != nil {
		t.Fatalf("user context: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := b.removeUserContext(ctx, uc); err != nil {
			t.Errorf("remove user context: %v", err)
		}
	})
	if f.tab, err = b.newTab(ctx, uc); err != nil {
		t.Fatalf("new tab: %v", err)
	}
	if err := b.setViewport(ctx, f.tab, 1280, 800); err != nil { // the Chromium tests' size
		t.Fatalf("viewport: %v", err)
	}
	t.Cleanup(f.checkCSP) // before the user context goes: cleanups run last in, first out
	return f
}

// diagnostics is the tab's console and the proxy's log.
func (f *ffEnv) diagnostics() string {
	s := ""
	if c := f.b.Console(f.tab); len(c) > 0 {
		s = "\npage console:\n\t" + strings.Join(c, "\n\t")
	}
	return s + "\nproxy log:\n" + f.e.proxy.Logs()
}

// step is the context of one browser command.
func (f *ffEnv) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(f.e.ctx, 15*time.Second)
}

func (f *ffEnv) navigate(u string) {
	f.t.Helper()
	ctx, cancel := f.step()
	defer cancel()
	if err := f.b.navigate(ctx, f.tab, u); err != nil {
		f.t.Fatalf("open %s: %v%s", u, err, f.diagnostics())
	}
}

// url is the address the tab shows.
func (f *ffEnv) url() string {
	f.t.Helper()
	ctx, cancel := f.step()
	defer cancel()
	cs, err := f.b.tree(ctx, f.tab)
	if err != nil || len(cs) != 1 {
		f.t.Fatalf("browsingContext.getTree: %v %v", cs, err)
	}
	return cs[0].URL
}

// open makes the site render p and loads it.
func (f *ffEnv) open(p sitePage) {
	f.t.Helper()
	f.e.site.Set(p)
	f.navigate(f.e.siteOrigin + "/")
}

// openBanner loads the default page and waits for the banner.
func (f *ffEnv) openBanner() {
	f.t.Helper()
	f.open(f.e.pageWith(nil))
	f.waitVisible(banner)
}

// eval returns expr's primitive value; a structure must be stringified.
func (f *ffEnv) eval(expr string) any {
	f.t.Helper()
	ctx, cancel := f.step()
	defer cancel()
	v, err := f.b.evaluate(ctx, f.tab, expr)
	if err != nil {
		f.t.Fatalf("evaluate %.100q: %v%s", expr, err, f.diagnostics())
	}
	return v
}

func (f *ffEnv) bool(expr string) bool {
	f.t.Helper()
	v, ok := f.eval(expr).(bool)
	if !ok {
		f.t.Fatalf("%.100q is not a boolean", expr)
	}
	return v
}

func (f *ffEnv) str(expr string) string {
	f.t.Helper()
	v, ok := f.eval(expr).(string)
	if !ok {
		f.t.Fatalf("%.100q is not a string", expr)
	}
	return v
}

// jsonOf decodes what JSON.stringify makes of expr into out.
func (f *ffEnv) jsonOf(expr string, out any) {
	f.t.Helper()
	if err := json.Unmarshal([]byte(f.str(`Promise.resolve(`+expr+`).then(v => JSON.stringify(v))`)), out); err != nil {
		f.t.Fatalf("%.100q: %v", expr, err)
	}
}

// waitJS polls a boolean expression every 25 ms for up to 10 s. An error
// (the page navigating, an element not there yet) only makes it try again;
// the last one is in the failure message.
func (f *ffEnv) waitJS(what, expr string) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := f.step()
		v, err := f.b.evaluate(ctx, f.tab, expr)
		cancel()
		if err == nil && v == true {
			return
		}
		if f.e.ctx.Err() != nil {
			break // the subtest's budget is spent
		}
		last = err
		time.Sleep(25 * time.Millisecond)
	}
	f.t.Fatalf("wait until %s: not within 10s (last error: %v)%s", what, last, f.diagnostics())
}

// ffQuery finds sel in the document or in the banner's shadow root, where
// the banner's DOM is moving: the tests hold before and after.
func ffQuery(sel string) string {
	return fmt.Sprintf(`(document.querySelector(%[1]q) || (document.querySelector('consent-proxy') && document.querySelector('consent-proxy').shadowRoot && document.querySelector('consent-proxy').shadowRoot.querySelector(%[1]q)))`, sel)
}

// ffActive is the focused element, inside shadow roots too.
const ffActive = `(() => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a; })()`

func ffVisibleJS(sel string) string {
	return `(el => !!el && el.checkVisibility({opacityProperty: true, visibilityProperty: true}))(` + ffQuery(sel) + `)`
}

func (f *ffEnv) visible(sel string) bool { f.t.Helper(); return f.bool(ffVisibleJS(sel)) }

func (f *ffEnv) waitVisible(sel string) { f.t.Helper(); f.waitJS("visible "+sel, ffVisibleJS(sel)) }

func (f *ffEnv) waitHidden(sel string) { f.t.Helper(); f.waitJS("hidden "+sel, "!"+ffVisibleJS(sel)) }

// click waits until sel is shown and still, checks that it is what the
// browser will hit at its centre, and clicks there with the mouse.
func (f *ffEnv) click(sel string) {
	f.t.Helper()
	f.waitVisible(sel)
	f.waitJS("animations of "+sel+" finished", `(el => (el.closest("#cp-banner, #cp-modal, #cp-notice") || el).getAnimations({subtree: true}).every(a => a.playState !== "running"))(`+ffQuery(sel)+`)`)
	var at struct {
		X, Y float64
		Hit  bool
		What string
	}
	f.jsonOf(`(el => { el.scrollIntoView({block: "nearest"}); const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
		const h = el.getRootNode().elementFromPoint(x, y);
		return {x, y, hit: !!h && el.contains(h), what: h ? h.outerHTML.slice(0, 120) : "nothing"}; })(`+ffQuery(sel)+`)`, &at)
	if !at.Hit {
		f.t.Fatalf("click %s: at its centre (%.0f, %.0f) the browser would hit %s", sel, at.X, at.Y, at.What)
	}
	ctx, cancel := f.step()
	defer cancel()
	if err := f.b.click(ctx, f.tab, at.X, at.Y); err != nil {
		f.t.Fatalf("click %s: %v%s", sel, err, f.diagnostics())
	}
}

// press types keys on whatever has focus.
func (f *ffEnv) press(keys ...string) {
	f.t.Helper()
	ctx, cancel := f.step()
	defer cancel()
	if err := f.b.press(ctx, f.tab, keys...); err != nil {
		f.t.Fatalf("press %q: %v", keys, err)
	}
}

// tabTo presses Tab until the focused element's data-cp-action is want.
func (f *ffEnv) tabTo(want string, max int) {
	f.t.Helper()
	var path []string
	for range max {
		got := f.str(`(a => a ? a.getAttribute("data-cp-action") || a.getAttribute("name") || a.id || a.tagName.toLowerCase() : "none")(` + ffActive + `)`)
		if got == want {
			return
		}
		path = append(path, got)
		f.press(bidiTab)
	}
	f.t.Fatalf("focus never reached %q in %d Tabs: %v", want, max, path)
}

// cookies are the tab's cookies by name (HttpOnly ones included).
func (f *ffEnv) cookies() map[string]string {
	f.t.Helper()
	ctx, cancel := f.step()
	defer cancel()
	cs, err := f.b.cookies(ctx, f.tab)
	if err != nil {
		f.t.Fatalf("cookies: %v", err)
	}
	out := map[string]string{}
	for _, c := range cs {
		v, _ := c.Value.primitive()
		out[c.Name], _ = v.(string)
	}
	return out
}

// cookie waits up to 5 s for the tab's cookie name and returns its value:
// the banner posts a choice after updating the page, so its cookie trails
// the click.
func (f *ffEnv) cookie(name string) string {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := f.cookies()
		if v, ok := c[name]; ok {
			return v
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("no %s cookie within 5s; Firefox holds %v%s", name, slices.Sorted(maps.Keys(c)), f.diagnostics())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// record asks the proxy to decode a cp_consent cookie taken from Firefox.
func (f *ffEnv) record(cookie string) consentRecord {
	f.t.Helper()
	ctx, cancel := f.step()
	defer cancel()
	resp, body, err := f.e.proxyDo(ctx, http.MethodGet, "/consent", http.Header{"Cookie": {"cp_consent=" + cookie}}, nil)
	var r consentRecord
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(body, &r) != nil {
		f.t.Fatalf("GET /consent: %v %v %s", err, resp, body)
	}
	return r
}

// screenshot saves the viewport as firefox-name.png.
func (f *ffEnv) screenshot(name string) {
	f.t.Helper()
	ctx, cancel := f.step()
	defer cancel()
	png, err := f.b.screenshot(ctx, f.tab)
	if err != nil {
		f.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(screenshotDir(f.t), "firefox-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		f.t.Fatal(err)
	}
	f.t.Logf("screenshot %s", path)
}

// requests lists what the browser asked this subtest's host for under path.
func (f *ffEnv) requests(path string) []webRequest {
	u, _ := url.Parse(f.e.siteOrigin)
	return f.e.web.Requests(0, func(r webRequest) bool { return r.Host == u.Hostname() && r.Path == path })
}

// noTag: the page neither holds nor loaded gtag.js, and sent no hit. No
// script element means no load to come; the stubs are checked by quiesce.
func (f *ffEnv) noTag() {
	f.t.Helper()
	if got := f.str(`[...document.scripts].map(s => s.src).filter(s => s.includes("/gtag/js")).concat(
		performance.getEntriesByType("resource").map(r => r.name).filter(n => n.includes("/gtag/js") || n.includes("/g/collect"))).join(" ")`); got != "" {
		f.t.Errorf("the page holds or loaded %s", got)
	}
	if f.bool(`typeof window.__fakeGtag !== "undefined"`) {
		f.t.Error("gtag.js ran")
	}
	for _, p := range []string{mountPath + "/gtag/js", mountPath + "/g/collect"} {
		if got := f.requests(p); len(got) > 0 {
			f.t.Errorf("the browser requested %s %d times", p, len(got))
		}
	}
}

// pageHit sends a GA4 hit from the page, as a tag the site loads beside the
// banner would: Firefox's own cookies, headers and privacy signal go with
// it. It returns the proxy's status.
func (f *ffEnv) pageHit() int {
	f.t.Helper()
	q := url.Values{"v": {"2"}, "tid": {f.e.id}, "cid": {"1.2"}, "en": {"page_view"}, "gcs": {"G111"}, "_p": {"1"}}
	v, ok := f.eval(fmt.Sprintf(`fetch(%q + "/g/collect?" + %q + "&dl=" + encodeURIComponent(location.href), {method: "POST", credentials: "include"}).then(r => r.status)`,
		f.e.proxyOrigin, q.Encode())).(float64)
	if !ok {
		f.t.Fatal("fetch answered no status")
	}
	return int(v)
}

// hitsByReason reads consentproxy_hits_total from the proxy's metrics.
func (f *ffEnv) hitsByReason() map[string]int {
	f.t.Helper()
	ctx, cancel := f.step()
	defer cancel()
	out, err := f.e.proxy.hitsByReason(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// checkForwarded is env.checkForwarded for Firefox's user agent, and
// nothing off the allowlist (gtag's own identifiers included).
func (f *ffEnv) checkForwarded(r seen) {
	f.t.Helper()
	for _, ev := range events(r) {
		checkAllowlisted(f.t, ev)
	}
	ua := f.str(`navigator.userAgent`)
	if !strings.Contains(ua, "Firefox/") {
		f.t.Errorf("Firefox's user agent is %q", ua)
	}
	if checkMinimized(f.t, r, f.e.id, f.e.siteOrigin, ua) == nil {
		f.t.FailNow()
	}
}

// checkCSP fails the subtest on a CSP violation of the page's own scripts.
func (f *ffEnv) checkCSP() {
	if f.t.Failed() || f.t.Skipped() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v, err := f.b.evaluate(ctx, f.tab, `JSON.stringify((window.__cpTest && window.__cpTest.csp) || [])`)
	if s, _ := v.(string); err == nil && s != "[]" {
		f.t.Errorf("CSP violations in the page: %s", s)
	}
	for _, r := range f.e.site.Reports() {
		if strings.Contains(r, `"source-file"`) {
			f.t.Errorf("CSP violation reported: %s", r)
		}
	}
}
