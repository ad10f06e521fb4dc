package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// privacyLink is the preferences modal's link to the proxy's notice.
func (e *env) privacyLink() string {
	return fmt.Sprintf(`#cp-modal a[href=%q]`, e.proxyOrigin+"/privacy")
}

// TestPrivacyPage follows the preferences modal's link to the generated
// notice, audits it with axe-core in light and dark, on a desktop and a
// phone, and reads it again with JavaScript switched off.
func TestPrivacyPage(t *testing.T) {
	axe := axeSource(t)
	e := newEnv(t, options{})
	for lang, text := range map[string]string{"de": "So funktioniert die Messung hier", "en": "How measurement works here"} {
		e.openBanner(e.pageWith(map[string]string{"data-lang": lang}))
		e.Click(preferences)
		e.WaitVisible(modal)
		if got := eval[string](e, fmt.Sprintf(`(__cpTest.q(%q) || {}).textContent || ""`, e.privacyLink())); got != text {
			t.Errorf("%s: the modal's link to the notice reads %q, want %q", lang, got, text)
		}
	}
	e.settled(modal)
	e.Screenshot("modal-privacy-links")
	e.Click(e.privacyLink())
	e.Do("open the notice", chromedp.WaitVisible(chromedp.CSS("section#cookies")))
	if u := eval[string](e, `location.href`); u != e.proxyOrigin+"/privacy" {
		t.Errorf("the link led to %s", u)
	}
	if h1 := eval[string](e, `__cpTest.q("h1").textContent`); h1 != "Measurement, cookies and your choices" {
		t.Errorf("h1 %q (Chromium asks for en-US)", h1)
	}
	sections := eval[[]string](e, `[...document.querySelectorAll("main section")].map(s => s.id)`)
	if strings.Join(sections, ",") != "cookies,signals,jurisdictions,google,stored,rights,revision" {
		t.Errorf("sections %v", sections)
	}
	shots := []string{e.fullScreenshot("privacy-light")}
	e.audit(axe, "body", "privacy light")
	e.colorScheme(true)
	shots = append(shots, e.fullScreenshot("privacy-dark"))
	e.audit(axe, "body", "privacy dark")
	e.Do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	if w := eval[int](e, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a 390 px phone the notice is %d px wide (scrolls sideways)", w)
	}
	shots = append(shots, e.Screenshot("privacy-phone-dark"))
	e.audit(axe, "body", "privacy phone dark")
	e.colorScheme(false)
	e.Do("desktop width", chromedp.EmulateViewport(1280, 800))
	t.Logf("screenshots: %s", strings.Join(shots, " "))

	// JavaScript off: the page is whole, in German when asked, and loads
	// nothing but itself.
	if _, err := chromedp.Call(e.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	mark := e.net.Mark()
	e.Do("open the notice without JavaScript", chromedp.Navigate(e.proxyOrigin+"/privacy?lang=de"))
	doc, err := chromedp.Call(e.ctx, dom.GetDocument, dom.GetDocumentParams{})
	if err != nil {
		t.Fatal(err)
	}
	html, err := chromedp.Call(e.ctx, dom.GetOuterHTML, dom.GetOuterHTMLParams{BackendNodeID: doc.Root.BackendNodeID})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="de">`, "<h1>Messung, Cookies und Ihre Wahl</h1>", "<code>cp_consent</code>", `<a href="optout">`} {
		if !strings.Contains(html.OuterHTML, want) {
			t.Errorf("without JavaScript the page lacks %q", want)
		}
	}
	reqs := slices.DeleteFunc(e.net.Since(mark, ""), func(r netEntry) bool { return strings.HasSuffix(r.URL, "/favicon.ico") })
	if len(reqs) != 1 {
		t.Errorf("the notice made %d requests, want only itself: %q", len(reqs), urls(reqs))
	}
	if _, err := chromedp.Call(e.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
}

// cookieWatch records every cookie name a response sets or expires, from
// the raw headers Chromium received (HttpOnly cookies included).
type cookieWatch struct {
	mu    sync.Mutex
	names map[string]bool
}

func (w *cookieWatch) listen(ev any) {
	extra, ok := ev.(*network.EventResponseReceivedExtraInfo)
	if !ok {
		return
	}
	for k, v := range extra.Headers {
		if !strings.EqualFold(k, "set-cookie") {
			continue
		}
		for _, line := range strings.Split(fmt.Sprint(v), "\n") {
			if name, _, ok := strings.Cut(strings.TrimSpace(line), "="); ok && name != "" {
				w.mu.Lock()
				w.names[name] = true
				w.mu.Unlock()
			}
		}
	}
}

// TestPrivacyNoticeCookies: the cookies the notice of the running binary
// lists are exactly those a real browser sees set or expired while a
// visitor accepts (on a site with its own revision), withdraws, rejects,
// opts out and back in, and staff exclude the browser and count it again,
// and sign in to the dashboard and out.
//
// Google's cookies come from the stub gtag.js (demo/assets/gtag.js),
// which sets _ga and _ga_<container> as Google documents them: their
// presence shows the notice's names follow that pattern, not that Google
// sets nothing else. The notice lists them apart, as set by Google's script.
func TestPrivacyNoticeCookies(t *testing.T) {
	chdbLib(t)
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: e2e\n    token: "+dashToken+"\n    sites: ["+fakeID+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, options{proxyArgs: []string{"--store", "chdb://" + filepath.Join(t.TempDir(), "clickhouse"), "--api-tokens", "@" + tokens}})
	w := &cookieWatch{names: map[string]bool{}}
	chromedp.Listen(e.ctx, w.listen)
	jar := map[string]bool{} // every name the browser held at some point
	look := func() {
		for n := range e.Cookies() {
			jar[n] = true
		}
	}

	// Accept on a site with its own revision: the consent cookie, the
	// banner's revision cookie, and gtag's cookies.
	e.openBanner(e.pageWith(map[string]string{"data-revision": "site-7"}))
	e.Click(accept)
	e.WaitHidden(banner)
	e.forwarded(1)
	e.waitJS("gtag's cookies", `document.cookie.includes("_ga_")`)
	look()
	// Withdraw (the proxy and the banner clear gtag's cookies), then reject
	// on a fresh banner.
	eval[chromedp.Void](e, `window.consentproxy.reject()`)
	e.waitRecord("analytics withdrawn", func(r consentRecord) bool { return r.Consent != nil && !r.Consent.Analytics })
	look()
	if _, err := chromedp.Call(e.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	e.openBanner(e.pageWith(nil))
	e.Click(reject)
	e.WaitHidden(banner)
	e.waitRecord("rejected", func(r consentRecord) bool { return r.Consent != nil })
	look()
	// Opt out and back in on the no-JavaScript page.
	e.Do("opt out", chromedp.Navigate(e.proxyOrigin+"/optout"), chromedp.Click(chromedp.CSS(`form button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#state[data-state="opted_out"]`)))
	look()
	e.Do("opt back in", chromedp.Click(chromedp.CSS(`form button`), chromedp.NodeVisible),
		chromedp.WaitNotPresent(chromedp.CSS(`#state[data-state="opted_out"]`)))
	// Staff exclude this browser from the numbers, and count it again.
	e.Do("exclude this browser", chromedp.Navigate(e.proxyOrigin+"/exclude"), chromedp.Click(chromedp.CSS(`form button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#state[data-state="excluded"]`)))
	look()
	e.Do("count it again", chromedp.Click(chromedp.CSS(`form button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#state[data-state="counted"]`)))
	// Staff sign in to the dashboard and out.
	e.Do("sign in", chromedp.Navigate(e.proxyOrigin+"/dashboard"), chromedp.SendKeys("#token", dashToken),
		chromedp.Submit("#token"), chromedp.WaitVisible(chromedp.CSS("#dash")))
	look()
	e.Do("sign out", chromedp.Click(chromedp.CSS(`.logout button`), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS("#token")))

	w.mu.Lock()
	for n := range w.names {
		jar[n] = true
	}
	w.mu.Unlock()
	var seen []string
	for n := range jar {
		seen = append(seen, n)
	}
	sort.Strings(seen)

	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	resp, body, err := e.proxyDo(ctx, http.MethodGet, "/privacy.json", nil, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /privacy.json: %v %v", resp, err)
	}
	type cookie struct {
		Name string `json:"name"`
	}
	var notice struct {
		Cookies       []cookie `json:"cookies"`
		GoogleCookies []cookie `json:"google_cookies"`
	}
	if err := json.Unmarshal(body, &notice); err != nil {
		t.Fatal(err)
	}
	e.Do("open the notice", chromedp.Navigate(e.proxyOrigin+"/privacy"))
	t.Logf("screenshot %s", e.fullScreenshot("privacy-with-store"))
	var listed []string
	for _, c := range append(notice.Cookies, notice.GoogleCookies...) {
		listed = append(listed, c.Name)
	}
	sort.Strings(listed)
	t.Logf("the browser saw %v; the notice lists %v", seen, listed)
	for _, n := range seen {
		if !slices.Contains(listed, n) {
			t.Errorf("the browser saw cookie %s, which the notice does not list", n)
		}
	}
	for _, n := range listed {
		if !slices.Contains(seen, n) {
			t.Errorf("the notice lists cookie %s, which the browser never saw", n)
		}
	}
}
