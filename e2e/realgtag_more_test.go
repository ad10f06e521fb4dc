package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRealGtagAdvancedAccept: in advanced Consent Mode gtag.js sends its
// page view before the visitor chooses, as a ping the proxy does not
// forward. After Accept exactly one granted page view of that page load
// reaches Google, and the proxy's own numbers for the visit are basic
// mode's.
func TestRealGtagAdvancedAccept(t *testing.T) {
	chdbLib(t)
	for _, g := range realGtags(t) {
		t.Run(g.id, func(t *testing.T) {
			totals := map[string][]float64{}
			for _, mode := range []string{"basic", "advanced"} {
				t.Run(mode, func(t *testing.T) { totals[mode] = acceptIn(t, g, mode) })
			}
			if b, a := fmt.Sprint(totals["basic"]), fmt.Sprint(totals["advanced"]); b != a {
				t.Errorf("visitors, page views, visits, bounce rate: basic mode counts %s, advanced mode %s", b, a)
			}
		})
	}
}

// acceptIn opens one page in mode, accepts and leaves; it returns the
// API's visitors, page views, visits and bounce rate for the day.
func acceptIn(t *testing.T, g *gtagCopy, mode string) []float64 {
	e := newEnv(t, options{gtag: g, proxyArgs: append([]string{"--banner-mode", mode}, apiArgs(t, g.id)...)})
	e.openBanner(e.pageWith(nil))
	if mode == "advanced" {
		// The ping: gtag's page view with analytics denied, before any choice.
		e.web.Wait("the page view ping", 0, 1, 10*time.Second, func(r webRequest) bool {
			return strings.HasSuffix(r.Path, "/g/collect") && r.Status == http.StatusNoContent &&
				slices.ContainsFunc(splitEvents(r.Query, r.Body), func(ev url.Values) bool {
					return ev.Get("en") == "page_view" && strings.HasPrefix(ev.Get("gcs"), "G1") && strings.HasSuffix(ev.Get("gcs"), "0")
				})
		})
		if got := e.quiesce(); len(got) != 0 {
			t.Fatalf("before any choice Google got %d requests: %v", len(got), got)
		}
	}
	load := ""
	for _, r := range e.web.Requests(0, func(r webRequest) bool { return strings.HasSuffix(r.Path, "/g/collect") }) {
		load = r.Query.Get("_p")
		break
	}
	e.Click(accept)
	e.WaitHidden(banner)
	e.forwardedEvent("page_view", 10*time.Second)
	// The visitor reads on and leaves, so that whatever gtag sends after
	// the choice (its engagement, repeated page views) has been sent.
	e.Click("h1")
	eval[chromedp.Void](e, `window.__readFrom = performance.now()`)
	e.waitJS("the visitor read on", `performance.now() - window.__readFrom > 1500`)
	e.Do("leave", chromedp.Navigate("about:blank"))
	sent := e.quiesce()

	var views []string
	for _, r := range sent {
		for _, ev := range events(r) {
			if ev.Get("en") == "page_view" && (load == "" || ev.Get("_p") == load) {
				views = append(views, "gcs="+ev.Get("gcs")+" cid="+ev.Get("cid")+" _ss="+ev.Get("_ss")+ev.Get("_fv"))
			}
		}
	}
	if len(views) != 1 || !strings.HasPrefix(views[0], "gcs=G1") || strings.HasPrefix(views[0], "gcs=G100") || strings.HasPrefix(views[0], "gcs=G110") {
		t.Errorf("%s mode: Google got the page's page views %v, want exactly one, granted", mode, views)
	} else if !strings.HasSuffix(views[0], "_ss=1") && !strings.Contains(views[0], "_ss=11") {
		t.Logf("%s mode: the page view reached Google as %s", mode, views[0])
	}

	// Everything is decided and counted in order; once the store holds the
	// sentinel (quiesce's last hit), it holds everything before it.
	e.waitStored("sentinel")
	a := e.apiQuery(`{"site":%q,"metrics":["visitors","pageviews","visits","bounce_rate"],"date_range":"today","timezone":"UTC"}`, e.id)
	if len(a.Results) != 1 {
		t.Fatalf("totals: %+v", a)
	}
	var out []float64
	for _, m := range a.Results[0].Metrics {
		out = append(out, num(m))
	}
	t.Logf("%s mode: Google got %v; the API counts visitors, page views, visits, bounce rate = %v", mode, views, out)
	return out
}

// waitStored polls the query API until the event named en is stored.
func (e *env) waitStored(en string) {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		a := e.apiQuery(`{"site":%q,"metrics":["events"],"dimensions":["event"],"date_range":"today","timezone":"UTC"}`, e.id)
		for _, r := range a.Results {
			if len(r.Dimensions) == 1 && r.Dimensions[0] == en {
				return
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the store never held event %s: %+v%s", en, a, e.diagnostics())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestRealGtagWithdraw: gtag.js sets its cookies on the registrable domain
// (example.test), where the page's host-only expiry cannot reach; the
// proxy's DELETE /consent alone, without the banner's own clean-up, clears
// them with default settings, whether the proxy has its own host or is
// mounted under the site's.
func TestRealGtagWithdraw(t *testing.T) {
	for _, g := range realGtags(t) {
		for _, sub := range []bool{false, true} {
			t.Run(g.id+"/"+map[bool]string{false: "mounted", true: "subdomains"}[sub], func(t *testing.T) {
				e := newEnv(t, options{gtag: g, subdomains: sub})
				e.openBanner(e.pageWith(nil))
				e.Click(accept)
				e.WaitHidden(banner)
				e.forwardedEvent("page_view", 10*time.Second)
				ga := func() []string {
					var out []string
					for _, c := range e.allCookies() {
						if c.Name == "_ga" || strings.HasPrefix(c.Name, "_ga_") {
							out = append(out, c.Name+"@"+c.Domain)
						}
					}
					return out
				}
				e.waitJS("gtag set its cookies", `document.cookie.includes("_ga=") && document.cookie.includes("_ga_")`)
				before := ga()
				t.Logf("gtag's cookies: %v", before)
				if !slices.ContainsFunc(before, func(s string) bool { return strings.HasSuffix(s, "@.example.test") }) {
					t.Errorf("gtag set %v, none on .example.test: the test proves nothing", before)
				}
				eval[chromedp.Void](e, fmt.Sprintf(`fetch(%q, {method: "DELETE", credentials: "include"}).then(r => { if (r.status !== 204) throw new Error("status " + r.status) })`,
					e.proxyOrigin+"/consent?site="+e.id))
				if left := ga(); len(left) > 0 {
					t.Errorf("after DELETE /consent the browser still holds %v", left)
				}
			})
		}
	}
}

// TestRealGtagPortAndRegion: a proxy on another port than 443 still gets
// every hit (the banner sets transport_url, which keeps the port; gtag
// drops it from a server_container_url), and gtag.js is fetched as Google
// builds it for the visitor's region, which the CDN's headers name (New
// York: a region the built-in table leaves opt-in, so the banner shows).
func TestRealGtagPortAndRegion(t *testing.T) {
	for _, g := range realGtags(t) {
		t.Run(g.id, func(t *testing.T) {
			e := newEnv(t, options{gtag: g, subdomains: true, proxyPort: ":8443",
				frontHeaders: map[string]string{"CF-IPCountry": "US", "CF-Region-Code": "NY"},
				proxyArgs:    []string{"--country-header", "CF-IPCountry", "--region-header", "CF-Region-Code"}})
			e.openBanner(e.pageWith(nil))
			e.Click(accept)
			e.WaitHidden(banner)
			e.forwardedEvent("page_view", 10*time.Second)
			for _, r := range e.web.Requests(0, func(r webRequest) bool { return strings.HasSuffix(r.Path, "/g/collect") }) {
				if r.Port != "8443" {
					t.Errorf("gtag sent a hit to %s", r.URL())
				}
			}
			fetches := e.gtm.Requests("/gtag/js")
			if len(fetches) == 0 || fetches[0].Header.Get("X-Forwarded-CountryRegion") != "US-NY" {
				t.Errorf("the proxy fetched gtag.js with %v, want X-Forwarded-CountryRegion: US-NY", fetches)
			}
			for _, f := range fetches {
				for k, v := range f.Header {
					if strings.Contains(strings.Join(v, ","), visitorIP) {
						t.Errorf("the gtag.js fetch carried the visitor's address in %s", k)
					}
				}
			}
			ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
			defer cancel()
			resp, _, err := e.proxyDo(ctx, http.MethodGet, "/gtag/js?id="+e.id, nil, nil)
			if err != nil || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "private") {
				t.Errorf("a region's gtag.js: %v %v, want Cache-Control: private", resp, err)
			}
		})
	}
}
