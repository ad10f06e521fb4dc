package e2e

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/consentproxy/consentproxy/proxy"
)

// The real-gtag suite: Google's own gtag.js (see realGtags) in Chromium,
// through the proxy, with every request recorded on both sides of it: what
// the browser sent (the test's web) and what reached the stub Google.

// journeyPage is a shop page with what enhanced measurement reacts to: an
// outbound link, a download whose URL carries a token and a name, a form,
// and enough text to scroll; its title holds an e-mail address.
const journeyPage = `<p><a id="out" href="https://elsewhere.example/partner?ref=shop" target="_blank" rel="noopener">Our partner</a>
<a id="pdf" href="/files/catalog.pdf?download_token=tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0&amp;user=alice" target="_blank">Catalog (PDF)</a></p>
<form id="contact" name="contact" action="/thanks" method="get" target="_blank">
<label>Your e-mail <input id="email" name="email" type="email" autocomplete="off"></label>
<button id="send" type="submit">Send</button></form>
<div class="tall">Lots of pottery.</div>`

// personal is what must never reach Google in any form: the e-mail address
// (also percent-encoded), the download token and name, the phone number,
// the search term.
var personal = []string{
	"alice@example.com", "alice%40example.com", "alice%2540example.com", "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
	"user=alice", "download_token", "30 1234567", "30%201234567", "red mugs", "red+mugs", "red%20mugs",
}

var emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+-]+(@|%40|%2540)[a-z0-9.-]+\.[a-z]{2,}`)

// emFeatures are enhanced measurement's parts, by the tag in a container
// that turns each on.
var emFeatures = map[string]string{
	"scroll": "__ccd_em_scroll", "outbound": "__ccd_em_outbound_click", "download": "__ccd_em_download",
	"form": "__ccd_em_form", "search": "__ccd_em_site_search", "history": "__ccd_em_page_view",
}

// hasEM reports whether a copy's container has the enhanced measurement
// feature f: then gtag's own listeners send its events (scroll, clicks,
// downloads, forms, site search, history page views). Without it, the page
// sends the same events through gtag('event', …) with the parameters
// enhanced measurement uses.
func hasEM(g *gtagCopy, f string) bool {
	if f == "history" {
		return bytes.Contains(g.js, []byte(`"__ccd_em_page_view","priority":`)) && bytes.Contains(g.js, []byte(`"vtp_historyEvents":true`)) ||
			bytes.Contains(g.js, []byte(`__ccd_em_page_view`)) && bytes.Contains(g.js, []byte(`vtp_historyEvents: true`))
	}
	return bytes.Contains(g.js, []byte(emFeatures[f]))
}

// TestRealGtagJourney: a visitor accepts, reads, scrolls, clicks out and
// downloads, fills in a form, searches, navigates a single-page app and
// leaves, with a real gtag.js. Nothing personal, no parameter off the
// allowlist and no identifier gtag adds for itself reaches Google; no
// request is refused; nothing talks to Google but through the proxy.
func TestRealGtagJourney(t *testing.T) {
	for _, g := range realGtags(t) {
		t.Run(g.id, func(t *testing.T) {
			for _, sub := range []bool{false, true} {
				name := map[bool]string{false: "mounted", true: "subdomains"}[sub]
				t.Run(name, func(t *testing.T) { journey(t, g, sub) })
			}
		})
	}
}

func journey(t *testing.T, g *gtagCopy, subdomains bool) {
	e := newEnv(t, options{gtag: g, subdomains: subdomains, proxyArgs: apiArgs(t, g.id)})
	em := map[string]bool{}
	for f := range emFeatures {
		em[f] = hasEM(g, f)
	}
	t.Logf("%s: enhanced measurement in its container: %v", g.id, em)
	p := e.pageWith(nil)
	p.Title = "Orders of alice@example.com — Example shop"
	p.Main = template.HTML(journeyPage)
	e.site.Set(p)
	// ?gtm_latency= makes gtag.js send its diagnostics pings on this load
	// (otherwise it samples 0.5 % of loads).
	e.Do("open the shop", chromedp.Navigate(e.siteOrigin+"/?gtm_latency=1"))
	e.WaitVisible(banner)
	e.Click(accept)
	e.WaitHidden(banner)
	e.forwardedEvent("page_view", 10*time.Second)

	// Read and scroll to the end.
	eval[chromedp.Void](e, `window.scrollTo(0, document.body.scrollHeight)`)
	// Out, download, form.
	e.Click("#out")
	e.Click("#pdf")
	e.Do("fill in the form", chromedp.SendKeys("#email", "alice@example.com"), chromedp.Click("#send"))
	manual := map[string]string{
		"scroll":   `gtag('event', 'scroll', {percent_scrolled: 90})`,
		"outbound": `gtag('event', 'click', {link_url: 'https://elsewhere.example/partner?ref=shop', link_domain: 'elsewhere.example', outbound: true, link_id: 'out'})`,
		"download": `gtag('event', 'file_download', {link_url: location.origin + '/files/catalog.pdf?download_token=tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0&user=alice',
			file_name: '/files/catalog.pdf', file_extension: 'pdf', link_text: 'Catalog (PDF)'})`,
		"form": `gtag('event', 'form_start', {form_id: 'contact', form_name: 'contact', form_destination: location.origin + '/thanks'});
			gtag('event', 'form_submit', {form_id: 'contact', form_name: 'contact', form_destination: location.origin + '/thanks', form_submit_text: 'Send'})`,
	}
	for f, js := range manual {
		if !em[f] {
			eval[chromedp.Void](e, js)
		}
	}
	// Custom events, fired at once (gtag batches them into one POST), with
	// personal data, a URL with a token, a number, control characters.
	eval[chromedp.Void](e, `(() => {
		gtag('event', 'contact_click', {note: 'call +49 30 1234567', contact: 'alice@example.com', value: 12.5});
		gtag('event', 'share', {link_url: location.origin + '/p?token=tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0&utm_source=newsletter', method: 'copy'});
		gtag('event', 'note', {label: "line one\nline two\ttabbed"});
	})()`)
	// A single-page app: a new URL with an address in its path and a long
	// query, then back.
	eval[chromedp.Void](e, `(() => {
		document.title = 'Account of alice@example.com';
		history.pushState({}, '', '/users/alice@example.com/orders?session=' + 'x'.repeat(9000));
		if (!`+fmt.Sprint(em["history"])+`) gtag('event', 'page_view', {page_location: location.href, page_title: document.title});
	})()`)
	e.forwardedMatch("a page view of the app's new URL", func(ev url.Values) bool {
		return ev.Get("en") == "page_view" && strings.Contains(ev.Get("dl"), "/users/")
	})
	eval[chromedp.Void](e, `history.back()`)
	// A site search: a new page load. Leaving the shop's page sends its
	// unload hit, a keepalive POST (query-only in some builds).
	// The visitor comes back to the shop's tab (the link, the download and
	// the form opened others) and reads on for a second and a half:
	// engagement time that no event has reported yet, which gtag sends when
	// the page goes.
	if _, err := chromedp.Call(e.ctx, page.BringToFront, cdp.Empty{}); err != nil {
		t.Fatalf("back to the shop's tab: %v", err)
	}
	e.Click("h1")
	eval[chromedp.Void](e, `window.__readFrom = performance.now()`)
	e.waitJS("the visitor read on", `performance.now() - window.__readFrom > 1500`)
	shopLoad := ""
	for _, r := range e.web.Requests(0, func(r webRequest) bool { return strings.HasSuffix(r.Path, "/g/collect") }) {
		shopLoad = r.Query.Get("_p") // gtag's id of this page load
		break
	}
	// An event fired as the visitor leaves is still in gtag's batch: it
	// goes out as the page is hidden, by keepalive or beacon.
	eval[chromedp.Void](e, `gtag('event', 'leave_shop', {reason: 'search'})`)
	mark := e.web.Mark()
	e.Do("search", chromedp.Navigate(e.siteOrigin+"/?q=red+mugs+alice%40example.com"))
	e.web.Wait("unload hit of the shop's page", mark, 1, 10*time.Second, func(r webRequest) bool {
		return strings.HasSuffix(r.Path, "/g/collect") && r.Method == http.MethodPost && r.Query.Get("_p") == shopLoad
	})
	e.waitJS("the banner configured gtag", `(window.dataLayer || []).some(c => c && c[0] === "config")`)
	if !em["search"] {
		eval[chromedp.Void](e, `gtag('event', 'view_search_results', {search_term: 'red mugs alice@example.com'})`)
	}
	e.forwardedEvent("view_search_results", 10*time.Second)
	e.forwardedMatch("an event with engagement time (_et)", func(ev url.Values) bool { return ev.Get("_et") != "" })
	sent := e.quiesce()

	// What the browser sent to the proxy: all of it answered, some of it
	// batched, the unload hit empty-bodied.
	toProxy := e.web.Requests(0, func(r webRequest) bool { return r.Routed && e.isProxy(r) })
	var batched, empty, diag int
	for _, r := range toProxy {
		if r.Status >= 400 {
			t.Errorf("the proxy answered %s %s?%.200s with %d", r.Method, r.Path, r.RawQuery, r.Status)
		}
		if strings.HasSuffix(r.Path, "/g/collect") {
			if strings.Count(strings.TrimRight(r.Body, "\n"), "\n") >= 1 {
				batched++
			}
			if r.Method == http.MethodPost && r.Body == "" {
				empty++ // a keepalive POST whose one event is its query
			}
		}
		if strings.HasSuffix(r.Path, "/a") || strings.HasSuffix(r.Path, "/td") {
			diag++
		}
	}
	if batched == 0 {
		t.Error("the browser sent no batched POST (several events on body lines)")
	}
	if empty == 0 {
		t.Error("the browser sent no POST with an empty body")
	}
	if diag == 0 {
		t.Error("gtag.js sent no diagnostics ping through the proxy (with ?gtm_latency=1)")
	}
	e.noGoogleTraffic()

	// What reached Google.
	var names []string
	var lines int
	for _, r := range sent {
		if r.Method == http.MethodPost && strings.Count(strings.TrimRight(r.Body, "\n"), "\n") >= 1 {
			lines++
		}
		if c := r.Header.Get("Cookie"); c != "" {
			t.Errorf("Google got a Cookie header: %q", c)
		}
		if uip := r.Query.Get("_uip"); uip != visitorNet {
			t.Errorf("Google got _uip=%q, want %s", uip, visitorNet)
		}
		for _, ev := range events(r) {
			names = append(names, ev.Get("en"))
			checkAllowlisted(t, ev)
		}
	}
	if lines == 0 {
		t.Error("no batched POST reached Google: the batch shape was not kept")
	}
	// The engagement time gtag measured is what the API reports: every
	// event of the journey is forwarded and counted, so the _et Google got
	// sums to the stored engagement (the sentinel has none).
	var engaged float64
	for _, r := range sent {
		for _, ev := range events(r) {
			if ms, err := strconv.ParseFloat(ev.Get("_et"), 64); err == nil {
				engaged += ms
			}
		}
	}
	e.waitStored("sentinel")
	a := e.apiQuery(`{"site":%q,"metrics":["visitors","engagement_time"],"date_range":"today","timezone":"UTC"}`, e.id)
	if len(a.Results) != 1 || engaged == 0 {
		t.Errorf("engagement: Google got %v ms of _et; the API answered %+v", engaged, a)
	} else if v := num(a.Results[0].Metrics[0]); num(a.Results[0].Metrics[1]) != math.Round(engaged/1000/v*10)/10 {
		t.Errorf("engagement: Google got %v ms of _et over %v visitors; the API says %v s each", engaged, v, a.Results[0].Metrics[1])
	} else {
		t.Logf("engagement: gtag sent %v ms of _et; the API reports %v s per visitor", engaged, a.Results[0].Metrics[1])
	}
	for _, want := range []string{"page_view", "scroll", "click", "file_download", "form_start", "form_submit",
		"view_search_results", "contact_click", "share", "note", "leave_shop"} {
		if !slices.Contains(names, want) {
			t.Errorf("Google got no %s; it got %v", want, names)
		}
	}
	for _, r := range sent {
		for _, ev := range events(r) {
			if ev.Get("en") == "note" && ev.Get("ep.label") != "line one line two tabbed" {
				t.Errorf("the note's label reached Google as %q, want its control characters as spaces", ev.Get("ep.label"))
			}
			if ev.Get("en") == "page_view" && strings.Contains(ev.Get("dl"), "/users/") && !strings.Contains(ev.Get("dl"), "/users/(redacted)/orders") {
				t.Errorf("the app's page view reached Google with dl=%q", ev.Get("dl"))
			}
		}
	}
	gtm := e.gtm.Requests("/a")
	if len(gtm) == 0 {
		t.Error("no consented diagnostics ping reached Google's tag host")
	}
	for _, r := range append(gtm, e.gtm.Requests("/td")...) {
		if r.Query.Has("dl") || r.Header.Get("Cookie") != "" {
			t.Errorf("a diagnostics ping reached Google with its page or a cookie: %v %v", r.Query, r.Header)
		}
	}
	t.Logf("the browser sent %d requests to the proxy (%d batched, %d empty-bodied, %d diagnostics); Google got %d requests with events %v",
		len(toProxy), batched, empty, diag, len(sent), names)
}

// checkAllowlisted fails on any parameter Google must not get: off the
// allowlist, an identifier gtag adds for itself, or personal data.
func checkAllowlisted(t *testing.T, ev url.Values) {
	t.Helper()
	fixed := map[string]bool{}
	for _, p := range proxy.ForwardedParams() {
		fixed[p] = true
	}
	for k, vs := range ev {
		switch {
		case fixed[k], k == "_uip":
		case strings.HasPrefix(k, "ep.") || strings.HasPrefix(k, "epn."):
			if k == "ep.search_term" || k == "ep.ga_temp_client_id" {
				t.Errorf("Google got %s=%q", k, vs)
			}
		case regexp.MustCompile(`^pr[1-9][0-9]{0,2}$`).MatchString(k):
		default:
			t.Errorf("Google got %s=%q, which is not on the allowlist", k, vs)
		}
		for _, v := range vs {
			if emailRe.MatchString(v) {
				t.Errorf("Google got an e-mail address in %s=%q", k, v)
			}
			for _, p := range personal {
				if strings.Contains(v, p) {
					t.Errorf("Google got %q in %s=%q", p, k, v)
				}
			}
			if len(v) > proxy.DefaultMaxValue {
				t.Errorf("Google got %d bytes in %s, more than --max-value", len(v), k)
			}
		}
	}
}

// isProxy reports whether r went to the proxy (its host, or its mount).
func (e *env) isProxy(r webRequest) bool {
	u, _ := url.Parse(e.proxyOrigin)
	return r.Host == u.Hostname() && strings.HasPrefix(r.Path, u.Path)
}

// googleHost matches Google's hosts.
var googleHost = regexp.MustCompile(`(^|\.)(google|googleapis|googletagmanager|google-analytics|googlesyndication|googleadservices|doubleclick|gstatic)\.[a-z.]+$|(^|\.)(cct|fps)\.google$`)

// noGoogleTraffic fails if the page made any request to a Google host,
// seen by Chromium (every request of the tab, blocked ones too) or by the
// test's web from the site's pages. Chromium's own background requests
// (update checks, the network time) come from no page and are not the
// site's.
func (e *env) noGoogleTraffic() {
	e.t.Helper()
	for _, en := range e.net.Since(0, "") {
		if u, err := url.Parse(en.URL); err == nil && googleHost.MatchString(u.Hostname()) {
			e.t.Errorf("the page requested %s %s", en.Method, en.URL)
		}
	}
	for _, r := range e.web.Requests(0, func(r webRequest) bool { return googleHost.MatchString(r.Host) }) {
		if ref := r.Header.Get("Referer") + r.Header.Get("Origin"); strings.Contains(ref, "example.test") {
			e.t.Errorf("a page of the site sent %s %s to Google", r.Method, r.URL())
		}
	}
}

// forwardedEvent waits until an event named en reached the stub Google.
func (e *env) forwardedEvent(en string, d time.Duration) {
	e.t.Helper()
	e.forwardedMatchWithin(en, d, func(ev url.Values) bool { return ev.Get("en") == en })
}

func (e *env) forwardedMatch(what string, ok func(url.Values) bool) {
	e.t.Helper()
	e.forwardedMatchWithin(what, 10*time.Second, ok)
}

func (e *env) forwardedMatchWithin(what string, d time.Duration, ok func(url.Values) bool) {
	e.t.Helper()
	deadline := time.Now().Add(d)
	for {
		for _, r := range e.ga.Requests("/g/collect") {
			if slices.ContainsFunc(events(r), ok) {
				return
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for _, r := range e.ga.Requests("/g/collect") {
				for _, ev := range events(r) {
					got = append(got, ev.Get("en"))
				}
			}
			e.t.Fatalf("Google got no %s within %s; it got %v; the browser sent:\n%s%s", what, d, got, e.web.Dump(0), e.diagnostics())
		}
		select {
		case <-e.ga.notify:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// quiesce returns what reached Google once everything the browser sent
// has been: it sends a sentinel hit from Go through the proxy, with a
// consent the proxy issued, and waits for it. Tests that rely on it run the
// proxy with one forward worker (sentinelArgs), so the queue is FIFO and
// the sentinel's arrival proves nothing sent before it is still coming.
func (e *env) quiesce() []seen {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	c := e.consentCookie(ctx, true)
	cookie := c.Name + "=" + c.Value
	q := url.Values{"v": {"2"}, "tid": {e.id}, "en": {"sentinel"}, "cid": {"1.1"}, "gcs": {"G111"}}
	resp, body, err := e.proxyDo(ctx, http.MethodGet, "/g/collect?"+q.Encode(), http.Header{
		"Cookie": {cookie}, "User-Agent": {desktopUA}, "Accept-Language": {"en-US"},
	}, nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		e.t.Fatalf("sentinel: %v %v %s", resp, err, body)
	}
	for {
		got := e.ga.Requests("/g/collect")
		for i, r := range got {
			if r.Query.Get("en") == "sentinel" {
				return append(got[:i:i], got[i+1:]...)
			}
		}
		select {
		case <-e.ga.notify:
		case <-ctx.Done():
			e.t.Fatalf("the sentinel hit never reached Google%s", e.diagnostics())
		}
	}
}

// sentinelArgs makes the proxy forward in order (see quiesce).
var sentinelArgs = []string{"--forward-workers", "1"}

// apiArgs are sentinelArgs plus what asking the query API needs: hits
// stored in a chDB of the test's own, flushed every 200ms, and the API open
// to dashToken for site, small counts shown.
func apiArgs(t *testing.T, site string) []string {
	t.Helper()
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: e2e\n    token: "+dashToken+"\n    sites: ["+site+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return append([]string{"--store", "chdb://" + filepath.Join(t.TempDir(), "clickhouse"), "--flush-interval", "200ms",
		"--api-tokens", "@" + tokens, "--min-count", "1"}, sentinelArgs...)
}

// allCookies returns every cookie the browser holds, with its domain.
func (e *env) allCookies() []*network.Cookie {
	e.t.Helper()
	res, err := chromedp.Call(e.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{e.siteOrigin + "/", e.proxyOrigin + "/"}})
	if err != nil {
		e.t.Fatalf("get cookies: %v", err)
	}
	return res.Cookies
}
