package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tabTo presses Tab (Shift+Tab when back) until the focused element's hook
// is want, at most max times; it fails if focus never gets there.
func (e *env) tabTo(want string, max int, back bool) {
	e.t.Helper()
	var opts []chromedp.KeyOption
	if back {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	var path []string
	for range max {
		if f := e.Focused(); f == want {
			return
		} else {
			path = append(path, f)
		}
		e.Key(kb.Tab, opts...)
	}
	if e.Focused() != want {
		e.t.Fatalf("focus never reached %q in %d Tabs: %v", want, max, path)
	}
}

// focusRing checks that the focused element shows a visible focus indicator.
func (e *env) focusRing() {
	e.t.Helper()
	ring := eval[string](e, `(() => { const cs = getComputedStyle(__cpTest.active());
		const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0;
		return outline ? "outline " + cs.outlineWidth + " " + cs.outlineColor : (cs.boxShadow !== "none" ? "box-shadow " + cs.boxShadow : ""); })()`)
	if ring == "" {
		e.t.Errorf("%q has keyboard focus but no visible focus ring", e.Focused())
	}
}

// TestKeyboard operates the banner and the preferences with keys alone.
func TestKeyboard(t *testing.T) { eachGtag(t, keyboard) }

func keyboard(t *testing.T, g *gtagCopy) {
	e := newEnv(t, options{gtag: g})
	e.openBanner(e.pageWith(nil))
	e.waitJS("focus inside the banner", `!!__cpTest.active().closest("#cp-banner")`)

	e.tabTo("preferences", 12, false)
	e.focusRing()
	e.Key(kb.Enter)
	e.WaitVisible(modal)
	e.waitJS("focus inside the modal", `!!__cpTest.active().closest("#cp-modal")`)

	// Focus is trapped in the modal, both ways round.
	for _, back := range []bool{false, true} {
		var opts []chromedp.KeyOption
		if back {
			opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
		}
		for i := range 12 {
			e.Key(kb.Tab, opts...)
			if !e.FocusInside(modal) {
				t.Fatalf("Tab %d (shift=%v) left the modal: focus on %q", i+1, back, e.Focused())
			}
		}
	}
	// Nothing is pre-ticked; "necessary" is on and cannot be changed.
	boxes := eval[map[string]bool](e, `(() => { const q = s => __cpTest.q(s);
		const nec = [...__cpTest.qa("#cp-modal input[type=checkbox]")].find(i => i.disabled);
		return {analytics: q('#cp-modal input[name="analytics"]').checked, marketing: q('#cp-modal input[name="marketing"]').checked,
			necessary: !!nec && nec.checked}; })()`)
	if boxes["analytics"] || boxes["marketing"] || !boxes["necessary"] {
		t.Errorf("checkboxes %v: want analytics and marketing unticked, necessary ticked and disabled", boxes)
	}
	if !eval[bool](e, `!!__cpTest.q('#cp-modal a[href*="/privacy"]')`) {
		t.Error("the modal has no link to the privacy page")
	}

	// Escape closes the modal and gives focus back to the button that opened it.
	e.Key(kb.Escape)
	e.WaitHidden(modal)
	e.WaitVisible(banner) // no choice yet: back to the banner
	if f := e.Focused(); f != "preferences" {
		t.Errorf("after Escape focus is on %q, want back on preferences", f)
	}
	if r := e.Record(); r.Consent != nil {
		t.Errorf("closing the modal recorded a choice: %+v", *r.Consent)
	}

	// Open again, tick analytics with Space, save with Enter.
	e.Key(kb.Enter)
	e.WaitVisible(modal)
	e.tabTo("analytics", 12, false)
	e.focusRing()
	e.Key(" ")
	e.settled(modal)
	e.Screenshot("modal-keyboard-focus")
	if !eval[bool](e, `__cpTest.q('#cp-modal input[name="analytics"]').checked`) {
		t.Fatal("Space did not tick analytics")
	}
	e.tabTo("save", 12, false)
	e.Key(kb.Enter)
	e.WaitHidden(modal)
	e.WaitHidden(banner)
	e.wantRecord("1", true, false)
	if ev := e.lastEvent(); !ev.Analytics || ev.Marketing {
		t.Errorf("consentproxy:change %+v, want analytics only", ev)
	}
	e.checkForwarded(e.forwarded(1)[0])
}

// gaCookies lists the browser's _ga and _ga_* cookies.
func (e *env) gaCookies() []string {
	e.t.Helper()
	var out []string
	for k := range e.Cookies() {
		if k == "_ga" || strings.HasPrefix(k, "_ga_") {
			out = append(out, k)
		}
	}
	return out
}

// TestReopenAndWithdraw re-opens the preferences both ways and withdraws.
// With subdomains, gtag's cookies live on example.test where the proxy
// cannot expire them: only the banner's own clean-up removes them.
func TestReopenAndWithdraw(t *testing.T) { eachGtag(t, reopenAndWithdrawBoth) }

func reopenAndWithdrawBoth(t *testing.T, g *gtagCopy) {
	t.Run("mounted", func(t *testing.T) { reopenAndWithdraw(t, newEnv(t, options{gtag: g})) })
	t.Run("subdomains", func(t *testing.T) { reopenAndWithdraw(t, newEnv(t, options{gtag: g, subdomains: true})) })
}

func reopenAndWithdraw(t *testing.T, e *env) {
	e.openBanner(e.pageWith(nil))
	e.Click(accept)
	e.WaitHidden(banner)
	e.forwarded(1)
	e.waitJS("gtag set its cookies", `document.cookie.includes("_ga=") && document.cookie.includes("_ga_")`)

	e.Open(e.pageWith(nil))
	e.forwarded(2)
	if e.Visible(banner) {
		t.Fatal("the banner asks again after accept")
	}
	// Re-open through the site's own button.
	e.Click("#site-settings")
	e.WaitVisible(modal)
	if !eval[bool](e, `__cpTest.q('#cp-modal input[name="analytics"]').checked`) {
		t.Error("re-opened preferences do not show analytics as granted")
	}
	e.Key(kb.Escape)
	e.WaitHidden(modal)
	if f := e.Focused(); f != "site-settings" {
		t.Errorf("after closing, focus is on %q, want back on the site's button", f)
	}
	// Re-open through the API, and withdraw.
	eval[chromedp.Void](e, `window.consentproxy.open()`)
	e.WaitVisible(modal)
	for _, box := range []string{analytics, marketing} {
		if eval[bool](e, `__cpTest.q('`+box+`').checked`) {
			e.Click(box)
		}
	}
	hits := len(e.ga.Requests("/g/collect"))
	e.Click(save)
	e.WaitHidden(modal)
	if ev := e.lastEvent(); ev.Analytics || ev.Marketing {
		t.Errorf("consentproxy:change %+v after withdrawing", ev)
	}
	e.waitJS("_ga cookies cleared", `!/(^|; )_ga(_[^=]*)?=/.test(document.cookie)`)
	if c := e.gaCookies(); len(c) > 0 {
		t.Errorf("after withdrawal the browser still holds %v", c)
	}
	if st := eval[choice](e, `window.consentproxy.state()`); st.Analytics || st.Marketing {
		t.Errorf("state() = %+v after withdrawing", st)
	}
	// Withdrawn: the cookie is gone or says no.
	e.waitRecord("the consent cookie no longer grants", func(r consentRecord) bool {
		return r.Consent == nil || !r.Consent.Analytics && !r.Consent.Marketing
	})

	// The next page sends nothing to Google.
	mark := e.net.Mark()
	e.Open(e.pageWith(nil))
	e.noTagTraffic(mark, 1, hits)
}

// TestRevision: a new policy revision asks again, whether the operator
// restarts the proxy with a new --policy-revision or the page says so.
func TestRevision(t *testing.T) { eachGtag(t, revision) }

func revision(t *testing.T, g *gtagCopy) {
	t.Run("policy-revision", func(t *testing.T) {
		e := newEnv(t, options{gtag: g})
		e.openBanner(e.pageWith(nil))
		e.Click(accept)
		e.WaitHidden(banner)
		e.forwarded(1)

		e.proxy.Restart("--policy-revision", "2")
		if r := e.Record(); r.Current == nil || *r.Current {
			t.Errorf("GET /consent after the bump: current=%v, want false", r.Current)
		}
		// The browser still has the script of revision 1 in its cache, so
		// the page applies the old choice at once; the banner's check with
		// the proxy on the same page view learns of revision 2, withdraws
		// it (Google's cookies go) and asks again. The proxy forwards
		// nothing meanwhile: consent for revision 1 no longer counts.
		e.openBanner(e.pageWith(nil))
		e.waitJS("gtag's cookies cleared", `!document.cookie.includes("_ga")`)
		if ev := e.lastEvent(); ev.Analytics {
			t.Errorf("after the check with the proxy: consentproxy:change %+v, want analytics off", ev)
		}
		if n := len(e.ga.Requests("/g/collect")); n != 1 {
			t.Errorf("the proxy forwarded %d hits, want still 1: consent for revision 1 no longer counts", n)
		}
		e.Click(accept)
		e.WaitHidden(banner)
		e.wantRecord("2", true, true)
		// The next page: the cookie (revision 2) is newer than the cached
		// script (1), so the banner asks the proxy before it applies it,
		// and then the page view is forwarded, with no banner.
		e.Open(e.pageWith(nil))
		e.forwarded(2)
		e.noBanner("for revision 2 after the visitor answered it")
	})
	t.Run("data-revision", func(t *testing.T) {
		e := newEnv(t, options{gtag: g})
		e.openBanner(e.pageWith(nil))
		e.Click(reject)
		e.WaitHidden(banner)

		bumped := e.pageWith(map[string]string{"data-revision": "3"})
		e.openBanner(bumped)
		e.Click(reject)
		e.WaitHidden(banner)
		if ev := e.lastEvent(); fmt.Sprint(ev.Revision) != "3" {
			t.Errorf("consentproxy:change revision %v, want 3", ev.Revision)
		}
		// Answered for revision 3: not asked again.
		e.Open(bumped)
		e.noBanner("for revision 3 after the visitor answered it")
	})
}
