package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// metrics are read from the performance timeline of the page.
type metrics struct {
	CLS     float64 `json:"cls"`
	Shifts  []any   `json:"shifts"`
	Visible float64 `json:"visible"`   // banner first visible, ms since navigation start
	Start   float64 `json:"start"`     // consent.js request start
	Loaded  float64 `json:"loaded"`    // consent.js response end
	FCP     float64 `json:"fcp"`       // first contentful paint
	Bytes   float64 `json:"bytes"`     // consent.js transfer size (0 when cross-origin hides it)
	CSSLoad float64 `json:"cssLoaded"` // consent.css response end, if the banner loads one
}

func (m metrics) String() string {
	return fmt.Sprintf("consent.js requested at %.0f ms, loaded at %.0f ms; banner visible at %.0f ms "+
		"(%.0f ms after the script loaded, %.0f ms after it was requested); FCP %.0f ms; CLS %.4f",
		m.Start, m.Loaded, m.Visible, m.Visible-m.Loaded, m.Visible-m.Start, m.FCP, m.CLS)
}

func (e *env) metrics() metrics {
	e.t.Helper()
	return eval[metrics](e, `(() => {
		const t = window.__cpTest, res = performance.getEntriesByType("resource");
		const js = res.find(r => r.name.includes("/consent.js")) || {};
		const css = res.find(r => r.name.includes("/consent.css")) || {};
		const fcp = performance.getEntriesByName("first-contentful-paint")[0] || {};
		return {cls: t.cls, shifts: t.shifts, visible: t.bannerVisible || 0, start: js.startTime || 0,
			loaded: js.responseEnd || 0, fcp: fcp.startTime || 0, bytes: js.transferSize || 0,
			cssLoaded: css.responseEnd || 0};
	})()`)
}

// axeResult is the part of axe.run's answer the tests read.
type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target  []any  `json:"target"`
			Summary string `json:"failureSummary"`
		} `json:"nodes"`
	} `json:"violations"`
	Passes int `json:"passes"`
}

// audit runs axe-core on the element sel and fails on serious or critical
// violations; lesser ones are logged.
func (e *env) audit(axe, sel, label string) {
	e.t.Helper()
	if !eval[bool](e, `typeof window.axe !== "undefined"`) {
		eval[chromedp.Void](e, axe)
	}
	// The banner's parts are inside the shadow root of <consent-proxy>,
	// which axe reaches by a list of selectors, host first.
	ctx := fmt.Sprintf("[[%q]]", sel)
	if strings.HasPrefix(sel, "#cp-") {
		ctx = fmt.Sprintf("{fromShadowDom: [%q, %q]}", "consent-proxy", sel)
	}
	r := eval[axeResult](e, fmt.Sprintf(`axe.run({include: %s}, {resultTypes: ["violations"]})
		.then(r => ({violations: r.violations, passes: r.passes.length}))`, ctx))
	e.t.Logf("axe %s: %d rules passed, %d violated", label, r.Passes, len(r.Violations))
	if r.Passes == 0 {
		e.t.Errorf("axe %s: no rule passed; did it find %s?", label, sel)
	}
	for _, v := range r.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+": "+strings.ReplaceAll(n.Summary, "\n", " "))
		}
		msg := fmt.Sprintf("axe %s: %s (%s) %s\n\t%s", label, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
		if v.Impact == "serious" || v.Impact == "critical" {
			e.t.Error(msg)
		} else {
			e.t.Log(msg)
		}
	}
}

// settled waits until no animation or transition runs in sel, so audits and
// screenshots see the final colours.
func (e *env) settled(sel string) {
	e.t.Helper()
	e.waitJS("animations of "+sel+" finished", fmt.Sprintf(`(() => { const root = __cpTest.q(%q);
		return !!root && root.getAnimations({subtree: true}).every(a => a.playState !== "running"); })()`, sel))
}

// TestAccessibility audits the banner and the modal with axe-core in light
// and dark, and screenshots both.
func TestAccessibility(t *testing.T) {
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			axe := axeSource(t)
			e := newEnv(t, options{dark: scheme == "dark"})
			if got := eval[bool](e, `matchMedia("(prefers-color-scheme: dark)").matches`); got != (scheme == "dark") {
				t.Fatalf("prefers-color-scheme emulation: dark=%v", got)
			}
			e.openBanner(e.pageWith(nil))
			e.settled(banner)
			e.Screenshot("banner-" + scheme)
			e.audit(axe, banner, "banner "+scheme)

			e.Click(preferences)
			e.WaitVisible(modal)
			e.settled(modal)
			if got := eval[string](e, `__cpTest.q("#cp-modal").getAttribute("aria-modal")`); got != "true" {
				t.Errorf("modal aria-modal=%q, want true", got)
			}
			e.Screenshot("modal-" + scheme)
			e.audit(axe, modal, "modal "+scheme)
		})
	}
	t.Run("reduced-motion", func(t *testing.T) {
		e := newEnv(t, options{})
		if _, err := chromedp.Call(e.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		}); err != nil {
			t.Fatal(err)
		}
		e.openBanner(e.pageWith(nil))
		e.Click(preferences)
		e.WaitVisible(modal)
		moving := eval[[]string](e, `__cpTest.q("consent-proxy").shadowRoot.getAnimations()
			.filter(a => Number(a.effect.getComputedTiming().duration) > 50)
			.map(a => (a.animationName || a.transitionProperty || "animation") + " " + a.effect.getComputedTiming().duration + "ms")`)
		if len(moving) > 0 {
			t.Errorf("with prefers-reduced-motion: reduce, still animating: %v", moving)
		}
	})
}

// TestTiming reports how fast the banner appears; timings are not asserted.
func TestTiming(t *testing.T) {
	e := newEnv(t, options{})
	e.openBanner(e.pageWith(nil))
	e.waitJS("banner visibility recorded", `window.__cpTest.bannerVisible !== null`)
	time.Sleep(500 * time.Millisecond)
	m := e.metrics()
	t.Logf("cold: %s", m)
	for _, r := range e.net.Since(0, "/consent") {
		t.Logf("  %s %d %.0f bytes on the wire, content-encoding %q", r.URL, r.Status, r.Bytes, r.Encoding)
	}
	if m.Visible <= 0 || m.Loaded <= 0 {
		t.Errorf("timeline incomplete: %+v", m)
	}
	if m.CLS != 0 {
		t.Errorf("layout shift %.4f, want 0: %v", m.CLS, m.Shifts)
	}
	// Again with the browser's cache warm.
	e.Open(e.pageWith(nil))
	e.waitJS("banner visibility recorded", `window.__cpTest.bannerVisible !== null`)
	t.Logf("warm: %s", e.metrics())
}
