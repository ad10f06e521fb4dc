package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DOM hooks of the banner contract (docs/banner.md).
const (
	banner      = "#cp-banner"
	modal       = "#cp-modal"
	notice      = "#cp-notice"
	accept      = banner + ` [data-cp-action="accept"]`
	reject      = banner + ` [data-cp-action="reject"]`
	preferences = banner + ` [data-cp-action="preferences"]`
	bannerClose = banner + ` [data-cp-action="close"]`
	save        = modal + ` [data-cp-action="save"]`
	analytics   = modal + ` input[name="analytics"]`
	marketing   = modal + ` input[name="marketing"]`
)

// tagTraffic is what must not leave the page before consent.
var tagTraffic = []string{"/gtag/js", "/g/collect"}

// settle is how long a test waits to be sure something does NOT happen: past
// Consent Mode's wait_for_update (500 ms) with room to spare.
const settle = time.Second

// openBanner loads the page and waits for the banner, failing clearly when
// the proxy does not serve the banner at all.
func (e *env) openBanner(p sitePage) {
	e.t.Helper()
	e.Open(p)
	e.requireScript()
	e.WaitVisible(banner)
}

// requireScript fails with a clear message when /consent.js did not load.
func (e *env) requireScript() {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := e.net.Since(0, "/consent.js")
		if len(got) == 0 {
			e.t.Fatal("the page did not request /consent.js")
		}
		r := got[0]
		if r.Done || time.Now().After(deadline) {
			if r.Status != 200 && r.Status != 304 || r.Failed != "" {
				e.t.Fatalf("GET %s: status %d %s: does the proxy serve the banner (static/ wired into cmd/consentproxy)?\nproxy log:\n%s",
					r.URL, r.Status, r.Failed, e.proxy.Logs())
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// noTagTraffic asserts that since mark nothing asked for gtag.js or sent a
// hit, seen both by the browser and by the stub upstreams (gtm and ga hold
// their counts at mark).
func (e *env) noTagTraffic(mark, gtm, ga int) {
	e.t.Helper()
	time.Sleep(settle)
	if got := e.net.Since(mark, tagTraffic...); len(got) > 0 {
		e.t.Errorf("the page requested %v", urls(got))
	}
	if n := len(e.gtm.Requests("/gtag/js")); n != gtm {
		e.t.Errorf("stub GTM served gtag.js %d times, want %d", n, gtm)
	}
	if n := len(e.ga.Requests("/g/collect")); n != ga {
		e.t.Errorf("stub GA received %d hits, want %d", n, ga)
	}
	if eval[bool](e, `typeof window.__fakeGtag !== "undefined" && window.__fakeGtag.hits > 0`) && mark == 0 {
		e.t.Error("gtag.js ran and sent a hit")
	}
}

// noBanner fails if the banner shows once it has settled, proved by an
// event rather than a wait: every page with a stored choice asks the proxy
// about it (GET /consent), and the banner decides in that answer's
// handler, so once the answer is in and two frames have passed, a banner
// that were to show would be there.
func (e *env) noBanner(when string) {
	e.t.Helper()
	e.waitJS("the banner checked the stored choice with the proxy",
		`performance.getEntriesByType("resource").some(r => /\/consent$/.test(r.name) && r.responseEnd > 0)`)
	eval[bool](e, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
	if e.Visible(banner) {
		e.t.Errorf("the banner asks again %s", when)
	}
}

func urls(es []netEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Method + " " + e.URL
	}
	return out
}

// choice is the detail of a consentproxy:change event, and state().
type choice struct {
	Analytics bool `json:"analytics"`
	Marketing bool `json:"marketing"`
	Revision  any  `json:"revision"`
}

// lastEvent returns the last consentproxy:change detail, waiting for one.
func (e *env) lastEvent() choice {
	e.t.Helper()
	e.waitJS("a consentproxy:change event", `window.__cpTest.events.length > 0`)
	return eval[choice](e, `window.__cpTest.events[window.__cpTest.events.length - 1]`)
}

// wantRecord checks the proxy's decoding of the browser's consent cookie.
func (e *env) wantRecord(revision string, analytics, marketing bool) {
	e.t.Helper()
	e.waitRecord(fmt.Sprintf("consent record revision %s analytics=%v marketing=%v", revision, analytics, marketing),
		func(r consentRecord) bool {
			c := r.Consent
			return c != nil && c.Revision == revision && c.Analytics == analytics && c.Marketing == marketing
		})
}

// waitRecord polls GET /consent until ok holds, for up to 5 s: the banner
// posts the choice after updating the page, so the cookie trails the click.
func (e *env) waitRecord(want string, ok func(consentRecord) bool) {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := e.Record()
		if ok(r) {
			return
		}
		if time.Now().After(deadline) {
			got := "no consent record (cookie error " + fmt.Sprintf("%q", r.ConsentError) + ")"
			if r.Consent != nil {
				got = fmt.Sprintf("%+v", *r.Consent)
			}
			e.t.Fatalf("want %s, got %s", want, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dataLayer returns window.dataLayer with gtag's arguments objects as arrays.
func (e *env) dataLayer() [][]any {
	e.t.Helper()
	return eval[[][]any](e, `Array.from(window.dataLayer || [], x =>
		x && typeof x === "object" && "length" in x ? Array.from(x) : [x])`)
}

func TestFirstVisit(t *testing.T) { eachGtag(t, firstVisit) }

func firstVisit(t *testing.T, g *gtagCopy) {
	e := newEnv(t, options{gtag: g})
	e.openBanner(e.pageWith(nil))

	a := eval[map[string]string](e, `(() => { const b = __cpTest.q("#cp-banner");
		const text = id => { const el = id && __cpTest.q("#" + id); return el ? el.textContent.trim() : ""; };
		return {role: b.getAttribute("role") || "", label: text(b.getAttribute("aria-labelledby")),
			desc: text(b.getAttribute("aria-describedby"))}; })()`)
	if a["role"] != "dialog" || a["label"] == "" || a["desc"] == "" {
		t.Errorf("banner: role=%q, aria-labelledby text %q, aria-describedby text %q; want a labelled, described dialog", a["role"], a["label"], a["desc"])
	}
	e.waitJS("focus inside the banner", `!!__cpTest.active().closest("#cp-banner")`)
	if e.Visible(modal) {
		t.Error("the preferences modal is open on first visit")
	}
	checkEqualWeight(t, e)

	// Consent Mode v2 comes first: everything denied, waiting for an update.
	dl := e.dataLayer()
	if len(dl) == 0 || len(dl[0]) < 3 || dl[0][0] != "consent" || dl[0][1] != "default" {
		t.Fatalf("dataLayer[0] = %v, want gtag('consent', 'default', …)", dl)
	}
	def, _ := dl[0][2].(map[string]any)
	for _, k := range []string{"ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"} {
		if def[k] != "denied" {
			t.Errorf("consent default %s = %v, want denied", k, def[k])
		}
	}
	if w, ok := def["wait_for_update"].(float64); !ok || w <= 0 {
		t.Errorf("consent default wait_for_update = %v, want a positive number", def["wait_for_update"])
	}
	api := eval[[]string](e, `["open", "state", "accept", "reject", "save"].filter(f => !(window.consentproxy && typeof window.consentproxy[f] === "function"))`)
	if len(api) > 0 {
		t.Errorf("window.consentproxy lacks %v", api)
	}
	e.noTagTraffic(0, 0, 0)
	if r := e.Record(); r.Consent != nil {
		t.Errorf("a consent cookie exists before any choice: %+v", *r.Consent)
	}
	m := e.metrics()
	t.Logf("measured: %s", m)
	if m.CLS != 0 {
		t.Errorf("layout shift %.4f, want 0: %v", m.CLS, m.Shifts)
	}
}

// checkEqualWeight: accept and reject sit side by side and look alike, so
// neither is the easy way out.
func checkEqualWeight(t *testing.T, e *env) {
	t.Helper()
	b := eval[[]map[string]any](e, fmt.Sprintf(`[%q, %q].map(s => { const el = __cpTest.q(s);
		if (!el) return null; const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
		return {top: r.top, height: r.height, width: r.width, font: cs.fontSize + " " + cs.fontWeight,
			bg: cs.backgroundColor, fg: cs.color, border: cs.borderTopWidth + " " + cs.borderTopColor}; })`, accept, reject))
	if len(b) != 2 || b[0] == nil || b[1] == nil {
		t.Fatalf("accept/reject buttons: %v", b)
	}
	for _, k := range []string{"top", "height", "font", "bg", "fg", "border"} {
		if fmt.Sprint(b[0][k]) != fmt.Sprint(b[1][k]) {
			t.Errorf("accept and reject differ in %s: %v vs %v", k, b[0][k], b[1][k])
		}
	}
	if w0, w1 := b[0]["width"].(float64), b[1]["width"].(float64); w0 > 1.5*w1 || w1 > 1.5*w0 {
		t.Errorf("accept and reject widths %.0f and %.0f are not comparable", w0, w1)
	}
}

func TestReject(t *testing.T) { eachGtag(t, rejectFlows) }

func rejectFlows(t *testing.T, g *gtagCopy) {
	for _, how := range []string{"button", "close", "escape", "api"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t, options{gtag: g})
			e.openBanner(e.pageWith(nil))
			switch how {
			case "button":
				e.Click(reject)
			case "close":
				e.Click(bannerClose)
			case "escape":
				e.waitJS("focus inside the banner", `!!__cpTest.active().closest("#cp-banner")`)
				e.Key("\u001b")
			case "api":
				eval[chromedp.Void](e, `window.consentproxy.reject()`)
			}
			e.WaitHidden(banner)
			if ev := e.lastEvent(); ev.Analytics || ev.Marketing {
				t.Errorf("consentproxy:change %+v after reject", ev)
			}
			e.wantRecord("1", false, false)
			e.noTagTraffic(0, 0, 0)
			if dl := e.dataLayer(); grants(dl) {
				t.Errorf("dataLayer grants analytics after reject: %v", dl)
			}

			// The choice is remembered: no banner, still no tag.
			mark := e.net.Mark()
			e.Open(e.pageWith(nil))
			e.noBanner("after a reject")
			e.noTagTraffic(mark, 0, 0)
		})
	}
}

// grants reports a consent update that grants analytics_storage.
func grants(dl [][]any) bool {
	for _, c := range dl {
		if len(c) >= 3 && c[0] == "consent" && c[1] == "update" {
			if m, ok := c[2].(map[string]any); ok && m["analytics_storage"] == "granted" {
				return true
			}
		}
	}
	return false
}

func TestAccept(t *testing.T) { eachGtag(t, acceptFlows) }

func acceptFlows(t *testing.T, g *gtagCopy) {
	for _, tc := range []struct {
		name, csp  string
		subdomains bool
		slowChoice time.Duration
	}{
		{"mounted", cspHosts, false, 0},
		{"mounted/csp=nonce", cspNonce, false, 0},
		{"subdomains", cspHosts, true, 0},
		// The choice must be stored before the tag can send the first hit:
		// a hit that reaches the proxy before the consent cookie exists is
		// dropped as no_consent, and the visit's first page view is lost.
		{"mounted/slow-choice", cspHosts, false, 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, options{gtag: g, subdomains: tc.subdomains, slowChoice: tc.slowChoice})
			p := e.pageWith(nil)
			p.CSP = tc.csp
			e.openBanner(p)
			e.Click(accept)
			e.WaitHidden(banner)

			hits := e.forwarded(1)
			e.checkForwarded(hits[0])
			if n := len(e.gtm.Requests("/gtag/js")); n != 1 {
				t.Errorf("stub GTM served gtag.js %d times, want 1", n)
			}
			proxy := e.proxyOrigin
			e.net.Wait(t, proxy+"/gtag/js?id="+e.id)
			e.net.Wait(t, proxy+"/g/collect?")
			if ev := e.lastEvent(); !ev.Analytics || !ev.Marketing || fmt.Sprint(ev.Revision) != "1" {
				t.Errorf("consentproxy:change %+v, want analytics and marketing, revision 1", ev)
			}
			e.wantRecord("1", true, true)
			if tc.csp != cspHosts || tc.slowChoice > 0 {
				return
			}
			dl := e.dataLayer()
			if !grants(dl) {
				t.Errorf("no consent update granting analytics_storage: %v", dl)
			}
			e.checkConfig(dl, proxy)
			if _, ok := e.Cookies()["_ga"]; !ok {
				t.Error("no _ga cookie after accept")
			}
			if m := e.metrics(); m.CLS != 0 {
				t.Errorf("layout shift %.4f after accepting, want 0: %v", m.CLS, m.Shifts)
			}

			// The choice is applied on the next page without asking.
			e.Open(e.pageWith(nil))
			e.noBanner("after accept")
			e.forwarded(2)
		})
	}
}

// checkConfig finds gtag('config', id, …) sending everything to the proxy.
func (e *env) checkConfig(dl [][]any, proxy string) {
	t := e.t
	t.Helper()
	for _, c := range dl {
		if len(c) >= 3 && c[0] == "config" && c[1] == e.id {
			m, _ := c[2].(map[string]any)
			if v, _ := m["transport_url"].(string); strings.TrimRight(v, "/") != proxy {
				t.Errorf("config transport_url = %v, want %s", m["transport_url"], proxy)
			}
			// server_container_url would make gtag.js drop the port and turn
			// on server-side tagging; Google signals would ping Google directly.
			if v, ok := m["server_container_url"]; ok || m["allow_google_signals"] != false {
				t.Errorf("config server_container_url = %v, allow_google_signals = %v; want none and false", v, m["allow_google_signals"])
			}
			return
		}
	}
	t.Errorf("no gtag('config', %q, …) in %v", e.id, dl)
}

func TestGPC(t *testing.T) { eachGtag(t, gpcFlow) }

func gpcFlow(t *testing.T, g *gtagCopy) {
	e := newEnv(t, options{gtag: g, gpc: true})
	e.Open(e.pageWith(nil))
	e.requireScript()
	if !eval[bool](e, `navigator.globalPrivacyControl === true`) {
		t.Fatal("navigator.globalPrivacyControl is not set")
	}
	if g := e.site.GPC(); len(g) == 0 || g[0] != "1" {
		t.Fatalf("the page load carried Sec-GPC %q, want 1", g)
	}
	e.WaitVisible(notice)
	if txt := eval[string](e, `__cpTest.q("#cp-notice").textContent`); !strings.Contains(strings.ToLower(txt), "privacy signal") {
		t.Errorf("notice text %q does not mention the privacy signal", txt)
	}
	if e.Visible(banner) {
		t.Error("the banner shows despite GPC")
	}
	e.noTagTraffic(0, 0, 0)
	e.Screenshot("notice-gpc")
	e.Click(notice + ` [data-cp-action="dismiss"]`)
	e.WaitHidden(notice)
	if m := e.metrics(); m.CLS != 0 {
		t.Errorf("layout shift %.4f with the notice, want 0: %v", m.CLS, m.Shifts)
	}

	// By default (no --allow-opt-in-over-signals) the signal wins: the
	// preferences open, but nothing can be switched on.
	e.Click("#site-settings")
	e.WaitVisible(modal)
	if !eval[bool](e, `__cpTest.q('`+analytics+`').disabled && !__cpTest.q('`+analytics+`').checked`) {
		t.Error("under GPC the analytics checkbox can be ticked, though the proxy does not allow an opt-in over the signal")
	}
	e.Click(save)
	e.WaitHidden(modal)
	e.noTagTraffic(0, 0, 0)
}
