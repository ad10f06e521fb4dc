package e2e

import (
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/performancetimeline"
	"github.com/chromedp/chromedp"
)

// timelineProbe collects what Chromium's own performance timeline reports
// over DevTools (PerformanceTimeline.timelineEventAdded): layout shifts. It
// does not depend on the page's
// PerformanceObserver, so a page script cannot hide a shift from it.
type timelineProbe struct {
	mu     sync.Mutex
	shifts []shiftEvent
}

type shiftEvent struct {
	value float64
	input bool // had recent input: not counted in CLS
}

func (p *timelineProbe) listen(ev any) {
	e, ok := ev.(*performancetimeline.EventTimelineEventAdded)
	if !ok || e.Event == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := e.Event.LayoutShiftDetails; d != nil {
		p.shifts = append(p.shifts, shiftEvent{value: d.Value, input: d.HadRecentInput})
	}
}

// cls sums the shifts without recent input from the n-th on. The sum is at
// least the session-window CLS, so a zero sum is a zero CLS.
func (p *timelineProbe) cls(from int) (sum float64, count int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.shifts[min(from, len(p.shifts)):] {
		if !s.input {
			sum += s.value
			count++
		}
	}
	return sum, count
}

func (p *timelineProbe) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.shifts)
}

// bannerTiming is read from the page's performance timeline: Resource
// Timing for consent.js and the instrument's first-visible mark.
type bannerTiming struct {
	Start   float64 `json:"start"`   // consent.js requested, ms since navigation start
	Loaded  float64 `json:"loaded"`  // consent.js response end
	Visible float64 `json:"visible"` // banner first rendered visibly
	FCP     float64 `json:"fcp"`
}

// TestBannerPerformance measures what the banner costs a page, cold and with
// a warm cache: time from consent.js loaded to banner visible, and layout
// shift as Chromium's performance timeline reports it. CLS must be 0: the
// banner overlays the page and never pushes content. The probe is shown to
// see a shift the test itself causes, so a silent probe cannot pass.
func TestBannerPerformance(t *testing.T) {
	e := newEnv(t, options{})
	probe := &timelineProbe{}
	if err := chromedp.Listen(e.ctx, probe.listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(e.ctx, performancetimeline.Enable,
		performancetimeline.EnableParams{EventTypes: []string{"layout-shift"}}); err != nil {
		t.Fatalf("enable the performance timeline: %v", err)
	}

	for _, run := range []string{"cold", "warm"} {
		mark := probe.len()
		e.openBanner(e.pageWith(nil))
		e.waitJS("banner visibility recorded", `window.__cpTest.bannerVisible !== null`)
		time.Sleep(settle) // Consent Mode's update window: a late shift would land here
		m := eval[bannerTiming](e, `(() => {
			const js = performance.getEntriesByType("resource").find(r => r.name.includes("/consent.js")) || {};
			const fcp = performance.getEntriesByName("first-contentful-paint")[0] || {};
			return {start: js.startTime || 0, loaded: js.responseEnd || 0,
				visible: window.__cpTest.bannerVisible || 0, fcp: fcp.startTime || 0};
		})()`)
		cls, n := probe.cls(mark)
		t.Logf("%s: consent.js requested at %.1f ms, loaded at %.1f ms; banner visible at %.1f ms = %.1f ms after load "+
			"(%.1f ms after request); FCP %.1f ms; CLS %.4f from %d shift(s)",
			run, m.Start, m.Loaded, m.Visible, m.Visible-m.Loaded, m.Visible-m.Start, m.FCP, cls, n)
		if m.Loaded <= 0 || m.Visible <= 0 || m.Visible < m.Loaded {
			t.Errorf("%s: timeline incomplete or out of order: %+v", run, m)
		}
		if cls != 0 {
			t.Errorf("%s: the banner shifted the layout: CLS %.4f from %d shift(s), want 0", run, cls, n)
		}
	}

	// The control: a block inserted above the content without user input
	// is a layout shift the probe must report.
	mark := probe.len()
	eval[bool](e, `(() => { const d = document.createElement("div"); d.style.height = "240px";
		document.querySelector("main").prepend(d); return true; })()`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if cls, _ := probe.cls(mark); cls > 0 {
			t.Logf("control: an injected 240 px block scored CLS %.4f", cls)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the timeline probe missed a layout shift the test caused; the CLS above proves nothing")
		}
		time.Sleep(25 * time.Millisecond)
	}
}
