package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// desktopUA replaces headless Chromium's "HeadlessChrome" user agent, which
// the proxy rightly treats as a bot (and so never forwards its hits).
const desktopUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"

// visitorIP is the browser's address as the proxy sees it (X-Forwarded-For
// from the trusted front, see proxyProc): a documentation address, which the
// proxy truncates to visitorNet before anything reaches Google.
const (
	visitorIP  = "203.0.113.77"
	visitorNet = "203.0.113.0"
)

// options shape one test's world.
type options struct {
	proxyArgs []string // extra consentproxy flags
	gpc       bool     // navigator.globalPrivacyControl and Sec-GPC: 1
	dark      bool     // prefers-color-scheme: dark
	// subdomains puts the proxy on its own host, cp.example.test, beside the
	// site on www.example.test (no --cookie-domain): every request the
	// banner makes is cross-origin, so CORS and --allowed-origins are
	// exercised for real, and the page cannot read the proxy's cookies.
	// Without it the proxy is mounted under the site's own origin at /cp
	// (the site's reverse proxy strips the prefix), where the page and the
	// proxy share cookies.
	subdomains bool
	// slowChoice delays the banner's POST /consent on its way to the proxy.
	slowChoice time.Duration
	// gtag is the gtag.js the stub Google Tag Manager serves: nil is the
	// fake (demo/assets/gtag.js), or a real copy (see realGtags).
	gtag *gtagCopy
	// proxyPort puts the proxy of the subdomains topology on another port
	// than HTTPS's (":8443").
	proxyPort string
	// frontHeaders are added to every request that reaches the proxy, as
	// a CDN in front of it adds the visitor's country and region.
	frontHeaders map[string]string
}

// The test's host names. Chromium reaches them through the test's web (see
// web), on the default port of HTTPS, as real gtag.js requires: it drops
// any other port of its server_container_url.
const (
	siteHost  = "www.example.test"
	proxyHost = "cp.example.test"
	// mountPath is where the proxy is mounted on the site's own origin.
	mountPath = "/cp"
)

// env is one test's world: stubs, proxy, site and a fresh browser.
type env struct {
	t     *testing.T
	ctx   context.Context // the tab; bounded by the test's deadline
	ga    *stub
	gtm   *stub
	proxy *proxyProc
	site  *site
	net   *netLog
	web   *web
	gtag  *gtagCopy
	// id is the measurement id the site uses: the fake's, or the one the
	// real copy was built for.
	id string

	// The origins the browser uses (proxyOrigin is the proxy's base URL,
	// with mountPath when mounted); Go reaches the same servers through
	// site.URL() and proxy.URL() on 127.0.0.1.
	siteOrigin, proxyOrigin string
}

// testBudget bounds one test end to end, browser included.
const testBudget = 60 * time.Second

func newEnv(t *testing.T, o options) *env {
	t.Helper()
	chromium := chromiumPath(t)
	g := o.gtag
	if g == nil {
		g = fakeGtag(t)
	}
	e := &env{t: t, ga: newGA(t), gtm: newGTM(t, g), site: newSite(t), web: newWeb(t), gtag: g, id: g.id,
		net: &netLog{byID: map[network.RequestID]*netEntry{}}}
	e.siteOrigin = "https://" + siteHost
	e.proxy = startProxy(t, e.ga, e.gtm, e.siteOrigin, e.id, o.proxyArgs...)
	e.proxy.slowChoice = o.slowChoice
	e.proxy.frontHeaders = o.frontHeaders
	e.web.Route(siteHost, "", e.site.URL())
	if o.subdomains {
		e.proxyOrigin = "https://" + proxyHost + o.proxyPort
		e.web.Route(proxyHost, "", e.proxy.URL())
	} else {
		e.proxyOrigin = e.siteOrigin + mountPath
		e.web.Route(siteHost, mountPath, e.proxy.URL())
	}

	ctx, cancel := context.WithTimeout(context.Background(), testBudget)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		chromedp.UserAgent(desktopUA),
		// Every request goes through the test's web, loopback included.
		chromedp.ProxyServer("http://"+e.web.Addr()),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("ignore-certificate-errors", true),
		// The web's certificate, trusted by its key: Chromium caches nothing
		// that came with a certificate error, even an ignored one, so
		// without it no test had an HTTP cache (a repeat visit fetched
		// everything again).
		chromedp.Flag("ignore-certificate-errors-spki-list", e.web.SPKI()),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx, chromedp.WithListener(e.net.listen))
	t.Cleanup(tcancel)
	e.ctx = tctx

	start := time.Now()
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Logf("chromium started in %s", time.Since(start).Round(time.Millisecond))
	e.addInitScript(string(readTestdata(t, "instrument.js")))
	if o.gpc {
		e.addInitScript(`Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {get: function () { return true; }, configurable: true});`)
		if _, err := chromedp.Call(tctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Sec-GPC": "1"}}); err != nil {
			t.Fatalf("set Sec-GPC: %v", err)
		}
	}
	e.colorScheme(o.dark)
	// Runs before the browser closes (cleanups are last in, first out): every
	// test also proves the banner lives within the strict CSP.
	t.Cleanup(e.checkCSP)
	return e
}

func (e *env) addInitScript(src string) {
	e.t.Helper()
	if _, err := chromedp.Call(e.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		e.t.Fatalf("init script: %v", err)
	}
}

// colorScheme emulates prefers-color-scheme; it applies to the open page at once.
func (e *env) colorScheme(dark bool) {
	e.t.Helper()
	v := "light"
	if dark {
		v = "dark"
	}
	if _, err := chromedp.Call(e.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}},
	}); err != nil {
		e.t.Fatalf("emulate %s: %v", v, err)
	}
}

// pageWith is the default test page: the one tag, nothing else.
func (e *env) pageWith(attrs map[string]string) sitePage {
	return sitePage{Tag: true, ProxyURL: e.proxyOrigin, MeasurementID: e.id, Attrs: attrs}
}

// Open makes the site render p and loads it.
func (e *env) Open(p sitePage) {
	e.t.Helper()
	e.site.Set(p)
	e.Do("open the site", chromedp.Navigate(e.siteOrigin+"/"))
}

// Do runs browser steps within a step budget.
func (e *env) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		e.t.Fatalf("%s: %v%s", what, err, e.diagnostics())
	}
}

// diagnostics is what a failure message needs to be understood: the page's
// errors and the proxy's log.
func (e *env) diagnostics() string {
	var b strings.Builder
	if c := e.net.Console(); len(c) > 0 {
		b.WriteString("\npage console:\n\t" + strings.Join(c, "\n\t"))
	}
	b.WriteString("\nproxy log:\n" + e.proxy.Logs())
	return b.String()
}

// eval evaluates a JavaScript expression (awaiting a promise) into T.
func eval[T any](e *env, expr string) T {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		e.t.Fatalf("evaluate %.80q: %v%s", expr, err, e.diagnostics())
	}
	return v
}

// visibleJS is true when the element exists and is rendered visibly.
func visibleJS(sel string) string {
	return fmt.Sprintf(`(() => { const el = __cpTest.q(%q);
		return !!el && el.checkVisibility({opacityProperty: true, visibilityProperty: true}); })()`, sel)
}

// Visible reports whether sel is shown right now.
func (e *env) Visible(sel string) bool {
	e.t.Helper()
	return eval[bool](e, visibleJS(sel))
}

// WaitVisible waits until sel is shown.
func (e *env) WaitVisible(sel string) {
	e.t.Helper()
	e.waitJS("visible "+sel, visibleJS(sel))
}

// WaitHidden waits until sel is absent or not shown.
func (e *env) WaitHidden(sel string) {
	e.t.Helper()
	e.waitJS("hidden "+sel, "!"+visibleJS(sel))
}

// waitJS polls a boolean expression for up to 10 s.
func (e *env) waitJS(what, expr string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(25*time.Millisecond)))
		// A page that navigates again while we wait (a sign-in's
		// redirect) ends the poll's execution context: poll the new page.
		if err != nil && ctx.Err() == nil && strings.Contains(err.Error(), "navigated or closed") {
			time.Sleep(25 * time.Millisecond) // a closed tab fails at once: no busy loop
			continue
		}
		if err != nil {
			e.t.Fatalf("wait until %s: %v%s", what, err, e.diagnostics())
		}
		return
	}
}

// Click clicks the first visible match of sel with the mouse.
func (e *env) Click(sel string) {
	e.t.Helper()
	// By a JS path, so that it reaches into the banner's shadow root.
	e.Do("click "+sel, chromedp.Click(chromedp.JSPath(fmt.Sprintf("__cpTest.q(%q)", sel)), chromedp.NodeVisible))
}

// Key presses keys (kb constants) on whatever has focus.
func (e *env) Key(keys string, opts ...chromedp.KeyOption) {
	e.t.Helper()
	e.Do(fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys, opts...))
}

// Focused describes __cpTest.active(): its action hook, name or id.
func (e *env) Focused() string {
	e.t.Helper()
	return eval[string](e, `(() => { const a = __cpTest.active();
		if (!a || a === document.body) return "body";
		return a.getAttribute("data-cp-action") || a.getAttribute("name") || a.id || a.tagName.toLowerCase(); })()`)
}

// FocusInside reports whether the focused element is inside sel.
func (e *env) FocusInside(sel string) bool {
	e.t.Helper()
	return eval[bool](e, fmt.Sprintf(`!!(__cpTest.active() && __cpTest.active().closest(%q))`, sel))
}

// Cookies returns the browser's cookies for the site (the proxy shares its host).
func (e *env) Cookies() map[string]string {
	e.t.Helper()
	res, err := chromedp.Call(e.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{e.siteOrigin + "/", e.proxyOrigin + "/"}})
	if err != nil {
		e.t.Fatalf("get cookies: %v", err)
	}
	out := map[string]string{}
	for _, c := range res.Cookies {
		out[c.Name] = c.Value
	}
	return out
}

// consentRecord is GET /consent's answer: the visitor's decoded receipt.
type consentRecord struct {
	Consent *struct {
		Revision  string `json:"revision"`
		Analytics bool   `json:"analytics"`
		Marketing bool   `json:"marketing"`
	} `json:"consent"`
	ConsentError string `json:"consent_error"`
	Current      *bool  `json:"current"`
	Revision     string `json:"revision"`
}

// Record asks the proxy to decode the browser's consent cookie.
func (e *env) Record() consentRecord {
	e.t.Helper()
	var h http.Header
	if v, ok := e.Cookies()["cp_consent"]; ok {
		h = http.Header{"Cookie": {"cp_consent=" + v}}
	}
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	resp, body, err := e.proxyDo(ctx, http.MethodGet, "/consent", h, nil)
	if err != nil {
		e.t.Fatalf("GET /consent: %v", err)
	}
	var r consentRecord
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &r) != nil {
		e.t.Fatalf("GET /consent: %s %s", resp.Status, body)
	}
	return r
}

// forwarded waits until the stub GA holds n hits; on failure it shows the
// order in which the browser talked to the proxy.
func (e *env) forwarded(n int) []seen {
	e.t.Helper()
	got, ok := e.ga.wait("/g/collect", n, 10*time.Second)
	if !ok {
		e.t.Fatalf("stub GA: want %d forwarded hits within 10s, got %d; the browser's requests to the proxy:\n%s%s",
			n, len(got), e.timeline(), e.diagnostics())
	}
	return got
}

// timeline lists the browser's requests to the proxy with their start and
// end, in ms from the first.
func (e *env) timeline() string {
	var b strings.Builder
	var t0 float64
	for _, r := range e.net.Since(0, e.proxyOrigin) {
		if t0 == 0 {
			t0 = r.Sent
		}
		u := strings.TrimPrefix(r.URL, e.proxyOrigin)
		if len(u) > 50 {
			u = u[:50] + "…"
		}
		fmt.Fprintf(&b, "\t%6.0f ms → %6.0f ms  %-6s %-52s %d %s\n", (r.Sent-t0)*1000, (r.End-t0)*1000, r.Method, u, r.Status, r.Failed)
	}
	return b.String()
}

// proxyDo sends a request to the proxy from Go with the Host header the
// browser would send, which host-only consent cookies are bound to.
func (e *env) proxyDo(ctx context.Context, method, path string, h http.Header, body io.Reader) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, e.proxy.URL()+path, body)
	if err != nil {
		return nil, nil, err
	}
	u, _ := url.Parse(e.proxyOrigin)
	req.Host = u.Host
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, b, err
}

// Screenshot saves the viewport as name.png and returns its path.
func (e *env) Screenshot(name string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 15*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		e.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(e.t), name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.t.Logf("screenshot %s", path)
	return path
}

// checkCSP fails the test on any CSP violation caused by the page's own
// scripts. Violations without a source file come from code the test itself
// evaluated through DevTools (axe-core), and are not the banner's.
func (e *env) checkCSP() {
	if e.t.Failed() || e.t.Skipped() {
		return
	}
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	seen, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(window.__cpTest && window.__cpTest.csp) || []`))
	// report-uri posts arrive asynchronously; give them a moment.
	time.Sleep(100 * time.Millisecond)
	var reported []string
	var reports []string
	if e.site != nil { // the demo walk has no test site: its pages are the proxy's
		reports = e.site.Reports()
	}
	for _, r := range reports {
		if strings.Contains(r, `"source-file"`) {
			reported = append(reported, r)
		}
	}
	if len(reported) > 0 || len(seen) > 0 {
		e.t.Errorf("CSP violations: in page %q, reported %q", seen, reported)
	}
}
