package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestHarness proves the test rig without the banner: the fake gtag.js,
// loaded through the proxy, sends its hit to the configured transport URL;
// the proxy drops it without consent and forwards a minimized copy with
// consent. If this fails, the banner tests' failures mean nothing.
func TestHarness(t *testing.T) {
	e := newEnv(t, options{})
	p := e.proxyOrigin
	e.site.AddScript("harness.js", []byte(fmt.Sprintf(`window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }
gtag("consent", "default", {ad_storage: "denied", analytics_storage: "denied", ad_user_data: "denied", ad_personalization: "denied", wait_for_update: 500});
gtag("js", new Date());
gtag("config", %q, {transport_url: %q, server_container_url: %q});
gtag("consent", "update", {analytics_storage: "granted"});
`, e.id, p, p)))
	pg := sitePage{ProxyURL: p, Scripts: []string{"/js/harness.js", p + "/gtag/js?id=" + e.id}}

	// No consent cookie: the hit reaches the proxy, and stops there.
	e.Open(pg)
	e.waitJS("the fake gtag sent a hit", `window.__fakeGtag && window.__fakeGtag.hits === 1`)
	e.waitJS("the hit was answered", `performance.getEntriesByType("resource").some(r => r.name.includes("/g/collect") && r.responseEnd > 0)`)
	if n := len(e.gtm.Requests("/gtag/js")); n != 1 {
		t.Errorf("stub GTM served gtag.js %d times, want 1 (fetched once by the proxy)", n)
	}
	hits := e.net.Since(0, "/g/collect")
	if len(hits) != 1 || !strings.HasPrefix(hits[0].URL, p+"/g/collect?") {
		t.Fatalf("browser sent %+v, want one hit to %s/g/collect", hits, p)
	}
	if u, _ := url.Parse(hits[0].URL); u.Query().Get("gcs") != "G101" || u.Query().Get("tid") != e.id {
		t.Errorf("hit query %s: want gcs=G101 and tid=%s", u.RawQuery, e.id)
	}
	if _, ok := e.Cookies()["_ga"]; !ok {
		t.Error("the fake gtag set no _ga cookie for the site")
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(e.ga.Requests("/g/collect")); n != 0 {
		t.Fatalf("proxy forwarded %d hits without a consent cookie", n)
	}

	// With a consent cookie granting analytics (obtained from the proxy
	// itself), the same page's hit goes through.
	e.setConsentCookie(true)
	e.Open(pg)
	got := e.forwarded(1)
	e.checkForwarded(got[0])
}

// setConsentCookie records a choice with the proxy from Go and hands the
// signed cookie it answers with to the browser.
func (e *env) setConsentCookie(analytics bool) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	c := e.consentCookie(ctx, analytics)
	if _, err := chromedp.Call(e.ctx, network.SetCookie, network.SetCookieParams{
		Name: c.Name, Value: c.Value, URL: e.proxyOrigin + "/", Path: "/",
	}); err != nil {
		e.t.Fatalf("set cookie: %v", err)
	}
}

// consentCookie records a choice with the proxy from Go and returns the
// signed cookie it answers with.
func (e *env) consentCookie(ctx context.Context, analytics bool) *http.Cookie {
	e.t.Helper()
	form := url.Values{"analytics": {fmt.Sprint(analytics)}, "marketing": {"false"}, "site": {e.id}}
	resp, _, err := e.proxyDo(ctx, http.MethodPost, "/consent",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatalf("POST /consent: %v", err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "cp_consent" {
			return c
		}
	}
	e.t.Fatalf("POST /consent: %s without a cp_consent cookie", resp.Status)
	return nil
}

// checkForwarded asserts what reached Google: a page view, minimized, with
// the visitor's truncated address in _uip and none of the site's cookies.
func (e *env) checkForwarded(r seen) { checkMinimized(e.t, r, e.id, e.siteOrigin, desktopUA) }

// checkMinimized checks a forwarded hit of the page at siteOrigin from the
// browser whose user agent is ua: a page view, the address truncated and
// in no header, no cookie, the browser's own user agent. It returns the
// page view's parameters, nil if there was none.
func checkMinimized(t *testing.T, r seen, id, siteOrigin, ua string) url.Values {
	t.Helper()
	var pv url.Values
	for _, ev := range events(r) {
		if ev.Get("en") == "page_view" {
			pv = ev
			break
		}
	}
	if pv == nil || pv.Get("tid") != id || pv.Get("v") != "2" {
		t.Errorf("forwarded hit %v %s: want a page_view with v=2, tid=%s", r.Query, r.Body, id)
		return nil
	}
	if uip := r.Query.Get("_uip"); uip != visitorNet {
		t.Errorf("forwarded _uip=%q, want the truncated %s", uip, visitorNet)
	}
	for k, v := range r.Header {
		if strings.Contains(strings.Join(v, ","), visitorIP) {
			t.Errorf("forwarded header %s carries the visitor's address: %q", k, v)
		}
	}
	if dl := pv.Get("dl"); !strings.HasPrefix(dl, siteOrigin+"/") {
		t.Errorf("forwarded dl=%q, want the page's URL", dl)
	}
	if c := r.Header.Get("Cookie"); c != "" {
		t.Errorf("forwarded hit carries Cookie %q", c)
	}
	if got := r.Header.Get("User-Agent"); got != ua {
		t.Errorf("forwarded User-Agent %q, want the browser's, %q", got, ua)
	}
	return pv
}

// events splits a GA4 request into its events: the query's parameters,
// overridden by each body line's own (an empty body is one event).
func events(r seen) []url.Values {
	return splitEvents(r.Query, r.Body)
}

func splitEvents(q url.Values, body string) []url.Values {
	var out []url.Values
	for _, line := range strings.Split(strings.TrimRight(body, "\r\n"), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" && len(out) > 0 {
			continue
		}
		ev := url.Values{}
		for k, v := range q {
			ev[k] = append([]string(nil), v...)
		}
		lp, _ := url.ParseQuery(line)
		for k, v := range lp {
			ev[k] = v
		}
		out = append(out, ev)
	}
	return out
}
