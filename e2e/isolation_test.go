package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// styleProbe is what TestHostileStylesheet compares: the computed styles
// that make the banner look and work as it does, of every part of it.
const styleProbe = `(() => {
	const props = ["display", "position", "visibility", "opacity", "font-family", "font-size", "font-weight",
		"line-height", "letter-spacing", "text-transform", "color", "background-color", "background-image",
		"background-position", "border-top-width", "border-top-style", "border-top-color", "border-radius",
		"padding-top", "padding-left", "margin-top", "margin-left", "width", "height", "box-sizing", "appearance",
		"transform", "text-decoration-line", "float"];
	const out = {};
	for (const sel of ["#cp-banner", "#cp-modal", ".cp-box"]) {
		const root = __cpTest.q(sel);
		if (!root) continue;
		[root, ...root.querySelectorAll("*")].forEach((el, i) => {
			const cs = getComputedStyle(el), r = el.getBoundingClientRect();
			const key = sel + " " + i + " " + el.tagName.toLowerCase() + (el.name ? "[" + el.name + "]" : "") +
				(el.dataset.cpAction ? "[" + el.dataset.cpAction + "]" : "");
			out[key] = props.map(p => p + ":" + cs.getPropertyValue(p)).join("; ") +
				"; rect:" + [r.x, r.y, r.width, r.height].map(Math.round).join(",") +
				(el.type === "checkbox" ? "; checked:" + el.checked : "");
		});
	}
	return out;
})()`

// TestHostileStylesheet loads the banner under a site stylesheet that
// targets everything a banner is made of (testdata/hostile.css) and checks
// that no computed style, size or checkbox state changes, in the banner,
// in the modal, with a switch on and with the pointer over a button; and
// that the banner leaves the site's own elements alone.
func TestHostileStylesheet(t *testing.T) {
	e := newEnv(t, options{})
	plain := readTestdata(t, "site.css")
	siteStyle := `(() => { const cs = getComputedStyle(document.getElementById("site-settings")), h = getComputedStyle(document.querySelector("main h2"));
		return [cs.font, cs.color, cs.backgroundColor, cs.padding, cs.border, h.font, h.margin, h.color].join(" | "); })()`

	// The site's own elements, without the banner and with it.
	noTag := e.pageWith(nil)
	noTag.Tag = false
	e.Open(noTag)
	without := eval[string](e, siteStyle)

	look := func(css []byte) (bn, md, sw map[string]string, hv string) {
		e.site.SetCSS(css)
		e.openBanner(e.pageWith(nil))
		if got := eval[string](e, siteStyle); len(css) == len(plain) && got != without {
			t.Errorf("the banner changed the site's own styles:\n\twithout %s\n\twith    %s", without, got)
		}
		bn = eval[map[string]string](e, styleProbe)
		e.Do("hover accept", chromedp.MouseEvent("mouseMoved", 0, 0)) // away first
		r := eval[[]float64](e, `(() => { const r = __cpTest.q('`+accept+`').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`)
		e.Do("hover accept", chromedp.MouseEvent("mouseMoved", r[0], r[1]))
		hv = eval[string](e, `(() => { const cs = getComputedStyle(__cpTest.q('`+accept+`')); return [cs.transform, cs.backgroundColor, cs.borderTopStyle, cs.padding].join(" "); })()`)
		e.Click(preferences)
		e.WaitVisible(modal)
		md = eval[map[string]string](e, styleProbe)
		e.Click(analytics)
		e.waitJS("analytics switched on", `__cpTest.q('`+analytics+`').checked`)
		sw = eval[map[string]string](e, styleProbe)
		return
	}
	b0, m0, s0, h0 := look(plain)
	hostile := readTestdata(t, "hostile.css")
	b1, m1, s1, h1 := look(append(append([]byte(nil), plain...), hostile...))
	if got := eval[string](e, `getComputedStyle(document.querySelector("main h2")).textTransform`); got != "uppercase" {
		t.Fatalf("the hostile stylesheet did not apply to the site (h2 text-transform %q): the comparison proves nothing", got)
	}
	for _, c := range []struct {
		what string
		a, b map[string]string
	}{{"banner", b0, b1}, {"modal", m0, m1}, {"modal with analytics on", s0, s1}} {
		if len(c.a) < 8 {
			t.Fatalf("%s: only %d elements probed", c.what, len(c.a))
		}
		diff := 0
		for k, v := range c.a {
			if c.b[k] != v {
				diff++
				t.Errorf("%s: %s changed under the hostile stylesheet:\n\twas %s\n\tnow %s", c.what, k, v, c.b[k])
			}
		}
		if len(c.a) != len(c.b) {
			t.Errorf("%s: %d elements, %d under the hostile stylesheet", c.what, len(c.a), len(c.b))
		}
		t.Logf("%s: %d elements, 29 computed styles, the rect and the checked state each, %d changed", c.what, len(c.a), diff)
	}
	if h0 != h1 {
		t.Errorf("hovered accept changed: %q, under the hostile stylesheet %q", h0, h1)
	}
	// A switch that is on must not look like one that is off.
	on, off := switchLook(s1, "analytics"), switchLook(s1, "marketing")
	if on == "" || on == off {
		t.Errorf("switch on looks like switch off: %q", on)
	}
	e.Screenshot("modal-hostile")
}

// switchLook is the probed style of the modal's switch of a category.
func switchLook(probe map[string]string, name string) string {
	for k, v := range probe {
		if strings.HasSuffix(k, "input["+name+"]") {
			v, _, _ = strings.Cut(v, "; checked:")
			return v
		}
	}
	return ""
}

// reach is what TestReflow checks of one open dialog: the box that
// scrolls, whether it fits the viewport, and every control or text inside
// that is out of reach (outside the viewport once scrolled to, or wider
// than its card).
type reach struct {
	Box        []float64 `json:"box"`
	Scrolls    bool      `json:"scrolls"`
	Unreached  []string  `json:"unreached"`
	Overflow   []string  `json:"overflow"`
	FontSize   float64   `json:"fontSize"`
	Checked    int       `json:"checked"`
	ViewWidth  float64   `json:"vw"`
	ViewHeight float64   `json:"vh"`
}

// reachJS scrolls each part of the dialog sel into view inside its own
// scroll box and reports the parts that still are not wholly on screen.
func reachJS(sel, box string) string {
	return fmt.Sprintf(`(() => {
	const d = __cpTest.q(%q), box = __cpTest.q(%q), vw = innerWidth, vh = innerHeight;
	// Collapsed details are reached by opening them, as a visitor does.
	d.querySelectorAll("details:not([open]) > summary").forEach(s => s.click());
	const b = box.getBoundingClientRect(), out = {box: [b.left, b.top, b.right, b.bottom], vw, vh,
		scrolls: ["auto", "scroll"].includes(getComputedStyle(box).overflowY), unreached: [], overflow: [], checked: 0,
		fontSize: parseFloat(getComputedStyle(d.querySelector("p")).fontSize)};
	const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.dataset.cpAction ? "[" + el.dataset.cpAction + "]" : "") + (el.name ? "[" + el.name + "]" : "");
	for (const el of d.querySelectorAll("h2, p, button, a, input, summary")) {
		out.checked++;
		const r0 = el.getBoundingClientRect();
		if (r0.right > b.right + 0.5 || r0.left < b.left - 0.5) out.overflow.push(name(el) + " " + Math.round(r0.left) + ".." + Math.round(r0.right) + " in " + Math.round(b.left) + ".." + Math.round(b.right));
		// Within the scroll box (which the test holds within the viewport);
		// text taller than the box is reachable when its top and its
		// bottom are, in turn.
		for (const block of r0.height > b.height ? ["start", "end"] : ["nearest"]) {
			el.scrollIntoView({block, inline: "nearest"});
			const r = el.getBoundingClientRect(), edge = block === "start" ? r.top : block === "end" ? r.bottom : null;
			const ok = edge === null ? r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5 && r.left >= b.left - 0.5 && r.right <= b.right + 0.5
				: edge >= b.top - 0.5 && edge <= b.bottom + 0.5;
			if (!ok) out.unreached.push(name(el) + " " + block + " " + [r.left, r.top, r.right, r.bottom].map(Math.round).join(","));
		}
	}
	box.scrollTop = 0;
	return out;
})()`, sel, box)
}

// TestReflow: at 320×256 CSS pixels (WCAG 1.4.10's 1280 px at 400 %%
// zoom), at 200 %% zoom, and with the browser's default text size at 24 px,
// every text and control of the banner and of the modal can be scrolled
// to within the viewport, nothing is wider than its card, and the text
// follows the browser's size.
func TestReflow(t *testing.T) {
	for _, tt := range []struct {
		name          string
		width, height int64
		font          int64 // the browser's default font size, px
	}{
		{"320x256", 320, 256, 16},
		{"640x400", 640, 400, 16},
		{"font 24px", 1280, 800, 24},
		{"320x256 font 24px", 320, 256, 24},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, options{})
			e.Do("viewport", chromedp.EmulateViewport(tt.width, tt.height))
			if _, err := chromedp.Call(e.ctx, page.SetFontSizes, page.SetFontSizesParams{FontSizes: &page.FontSizes{Standard: tt.font}}); err != nil {
				t.Fatalf("set the default font size: %v", err)
			}
			e.openBanner(e.pageWith(nil))
			for _, d := range []struct{ sel, box string }{{banner, banner}, {modal, ".cp-box"}} {
				if d.sel == modal {
					e.Click(preferences)
					e.WaitVisible(modal)
				}
				r := eval[reach](e, reachJS(d.sel, d.box))
				b, _ := json.Marshal(r.Box)
				t.Logf("%s: box %s in %gx%g, scrolls %v, text %g px, %d parts checked", d.sel, b, r.ViewWidth, r.ViewHeight, r.Scrolls, r.FontSize, r.Checked)
				if r.Checked < 5 {
					t.Fatalf("%s: only %d parts found", d.sel, r.Checked)
				}
				if r.Box[0] < -0.5 || r.Box[1] < -0.5 || r.Box[2] > r.ViewWidth+0.5 || r.Box[3] > r.ViewHeight+0.5 {
					t.Errorf("%s: the box %s is not within the %gx%g viewport", d.sel, b, r.ViewWidth, r.ViewHeight)
				}
				for _, u := range r.Unreached {
					t.Errorf("%s: out of reach: %s", d.sel, u)
				}
				for _, o := range r.Overflow {
					t.Errorf("%s: wider than its card: %s", d.sel, o)
				}
				if r.FontSize != float64(tt.font) {
					t.Errorf("%s: text is %g px with the browser's default at %d px", d.sel, r.FontSize, tt.font)
				}
			}
			e.Screenshot("reflow-" + tt.name)
		})
	}
}
