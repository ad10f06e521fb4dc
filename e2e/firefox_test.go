package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestFirefox runs the banner's key flows again in Firefox ESR, driven over
// WebDriver BiDi (bidi_test.go), against the real binary and the stubs: a
// second engine (Gecko: its cookie jar, its fetch and form posts, its own
// Global Privacy Control) where the Chromium tests prove the details. One
// browser serves the default flows, each in a user context of its own (a
// fresh cookie jar) on a host name of its own; GPC needs its prefs at start,
// so it gets a second browser, started at the same time.
func TestFirefox(t *testing.T) {
	bin := firefoxPath(t)
	t.Run("default", func(t *testing.T) {
		t.Parallel()
		b := newFFBrowser(t, bin, nil)
		t.Run("first-visit", func(t *testing.T) { ffFirstVisit(t, b.env(t, "first-visit")) })
		t.Run("accept", func(t *testing.T) { ffAccept(t, b.env(t, "accept")) })
		t.Run("reject", func(t *testing.T) { ffReject(t, b.env(t, "reject")) })
		t.Run("optout", func(t *testing.T) { ffOptOut(t, b.env(t, "optout")) })
		b.checkQuiet(t)
	})
	t.Run("gpc", func(t *testing.T) {
		t.Parallel()
		b := newFFBrowser(t, bin, map[string]any{
			// Firefox's own GPC: navigator.globalPrivacyControl and Sec-GPC: 1
			// on every request, as a visitor who ticked the setting has them.
			"privacy.globalprivacycontrol.enabled":               true,
			"privacy.globalprivacycontrol.functionality.enabled": true,
		})
		ffGPC(t, b.env(t, "gpc"))
		b.checkQuiet(t)
	})
}

// ffFirstVisit: the banner asks, focused, and nothing of Google's loads or
// is sent before a choice (the sentinel proves the stub GA got nothing).
func ffFirstVisit(t *testing.T, f *ffEnv) {
	f.openBanner()
	if r := f.str(`(el => el.getAttribute("role") || "")(` + ffQuery(banner) + `)`); r != "dialog" {
		t.Errorf("banner role %q, want dialog", r)
	}
	f.waitJS("focus inside the banner", `!!(`+ffActive+`) && !!(`+ffActive+`).closest("#cp-banner")`)
	if f.visible(modal) {
		t.Error("the preferences modal is open on first visit")
	}
	if missing := f.str(`["open", "state", "accept", "reject", "save"].filter(k => !(window.consentproxy && typeof window.consentproxy[k] === "function")).join()`); missing != "" {
		t.Errorf("window.consentproxy lacks %s", missing)
	}
	f.noTag()
	if got := f.e.quiesce(); len(got) > 0 {
		t.Errorf("stub GA received %d hits before any choice: %v", len(got), got[0].Query)
	}
	if n := len(f.e.gtm.Requests("/gtag/js")); n != 0 {
		t.Errorf("stub GTM served gtag.js %d times before any choice", n)
	}
	if c, ok := f.cookies()["cp_consent"]; ok {
		t.Errorf("a consent cookie exists before any choice: %q", c)
	}
	f.screenshot("banner")
}

// ffAccept clicks Accept with the mouse: gtag.js loads through the proxy,
// a minimized page view reaches the stub GA, and Firefox holds a consent
// cookie the proxy reads as granted.
func ffAccept(t *testing.T, f *ffEnv) {
	f.openBanner()
	f.click(accept)
	f.waitHidden(banner)
	hits := f.e.forwarded(1)
	f.checkForwarded(hits[0])
	if n := len(f.e.gtm.Requests("/gtag/js")); n != 1 {
		t.Errorf("stub GTM served gtag.js %d times, want 1", n)
	}
	if got := f.requests(mountPath + "/gtag/js"); len(got) != 1 || got[0].Status != http.StatusOK {
		t.Errorf("the browser loaded gtag.js through the proxy %d times (%s), want once with 200", len(got), f.e.web.Dump(0))
	}
	consent := f.cookie("cp_consent")
	if _, ok := f.cookies()["_ga"]; !ok {
		t.Error("no _ga cookie after accept")
	}
	if r := f.record(consent); r.Consent == nil || !r.Consent.Analytics || !r.Consent.Marketing || r.Consent.Revision != "1" {
		t.Errorf("Firefox's cp_consent cookie %q decodes to %+v (error %q), want analytics and marketing for revision 1",
			consent, r.Consent, r.ConsentError)
	}
	if n := f.hitsByReason()["forwarded"]; n < 1 {
		t.Errorf("the proxy counted %d forwarded hits, want at least 1", n)
	}
}

// ffReject rejects with the keyboard alone, then proves by a sentinel, not
// a wait, that nothing reaches Google: a hit the page itself sends (as a
// tag the site loads beside the banner would) carries Firefox's cookie and
// is decided "denied"; the proxy's own sentinel hit, forwarded by its one
// worker after anything queued before it, is the only one Google gets.
func ffReject(t *testing.T, f *ffEnv) {
	f.openBanner()
	f.waitJS("focus inside the banner", `!!(`+ffActive+`) && !!(`+ffActive+`).closest("#cp-banner")`)
	f.tabTo("reject", 12)
	f.press(bidiEnter)
	f.waitHidden(banner)
	consent := f.cookie("cp_consent")
	if r := f.record(consent); r.Consent == nil || r.Consent.Analytics || r.Consent.Marketing {
		t.Fatalf("Firefox's cp_consent cookie %q decodes to %+v (error %q), want a refusal", consent, r.Consent, r.ConsentError)
	}
	f.noTag()
	if st := f.pageHit(); st != http.StatusNoContent {
		t.Errorf("the page's own hit was answered %d, want 204", st)
	}
	if by := f.hitsByReason(); by["denied"] != 1 || by["forwarded"] != 0 {
		t.Errorf("the proxy decided %v, want the page's hit denied and nothing forwarded", by)
	}
	if got := f.e.quiesce(); len(got) > 0 {
		t.Errorf("stub GA received %d hits after a reject: %v", len(got), got[0].Query)
	}
	if n := len(f.e.gtm.Requests("/gtag/js")); n != 0 {
		t.Errorf("stub GTM served gtag.js %d times after a reject", n)
	}
}

// ffGPC: with Firefox's own Global Privacy Control on, the notice shows
// instead of the banner, no tag loads, and even a hit the page sends is
// stopped at the proxy for the signal Firefox sends with it.
func ffGPC(t *testing.T, f *ffEnv) {
	f.open(f.e.pageWith(nil))
	if !f.bool(`navigator.globalPrivacyControl === true`) {
		t.Fatal("navigator.globalPrivacyControl is not true: do the privacy.globalprivacycontrol prefs still exist?")
	}
	if g := f.e.site.GPC(); len(g) == 0 || g[0] != "1" {
		t.Fatalf("the page load carried Sec-GPC %q, want 1", g)
	}
	f.waitVisible(notice)
	if txt := f.str(ffQuery(notice) + `.textContent`); !strings.Contains(strings.ToLower(txt), "privacy signal") {
		t.Errorf("notice text %q does not mention the privacy signal", txt)
	}
	if f.visible(banner) {
		t.Error("the banner shows despite GPC")
	}
	f.noTag()
	f.screenshot("notice-gpc")
	if st := f.pageHit(); st != http.StatusNoContent {
		t.Errorf("the page's own hit was answered %d, want 204", st)
	}
	if by := f.hitsByReason(); by["gpc"] != 1 || by["forwarded"] != 0 {
		t.Errorf("the proxy decided %v, want the page's hit stopped for GPC", by)
	}
	if got := f.e.quiesce(); len(got) > 0 {
		t.Errorf("stub GA received %d hits under GPC: %v", len(got), got[0].Query)
	}
	if n := len(f.e.gtm.Requests("/gtag/js")); n != 0 {
		t.Errorf("stub GTM served gtag.js %d times under GPC", n)
	}
	f.click(notice + ` [data-cp-action="dismiss"]`)
	f.waitHidden(notice)
}

// ffOptOut uses the proxy's no-JavaScript page: a plain form post, the 303
// back, the cookie, and the site's banner and the proxy honouring it.
func ffOptOut(t *testing.T, f *ffEnv) {
	f.navigate(f.e.proxyOrigin + "/optout")
	if s := f.str(`document.querySelector("#state").dataset.state`); s != "none" {
		t.Errorf("a new visitor's opt-out page says %q, want none", s)
	}
	f.click("form button")
	f.waitJS("the page says opted out", `(document.querySelector("#state") || {dataset: {}}).dataset.state === "opted_out"`)
	if u := f.url(); u != f.e.proxyOrigin+"/optout" {
		t.Errorf("after the post the tab shows %s, want the opt-out page again", u)
	}
	posts := slices.DeleteFunc(f.requests(mountPath+"/optout"), func(r webRequest) bool { return r.Method != http.MethodPost })
	if len(posts) != 1 || posts[0].Status != http.StatusSeeOther || posts[0].Body != "action=optout" ||
		!strings.HasPrefix(posts[0].Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		t.Errorf("want one form post of action=optout answered 303; the browser sent:\n%s", f.e.web.Dump(0))
	}
	if v := f.cookie("cp_optout"); v != "1" {
		t.Fatalf("cp_optout = %q after opting out, want 1", v)
	}
	// The banner reads the opt-out cookie before it decides to show itself:
	// state() saying so is what keeps it hidden, no wait needed.
	f.open(f.e.pageWith(nil))
	f.waitJS("the banner knows the opt-out", `!!window.consentproxy && window.consentproxy.state().optedOut === true`)
	if f.visible(banner) {
		t.Error("the banner asks an opted-out visitor")
	}
	f.noTag()
	if st := f.pageHit(); st != http.StatusNoContent {
		t.Errorf("the page's own hit was answered %d, want 204", st)
	}
	if by := f.hitsByReason(); by["opt_out"] != 1 || by["forwarded"] != 0 {
		t.Errorf("the proxy decided %v, want the page's hit stopped by the opt-out cookie", by)
	}
}
