package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// proxyRequestsBefore lists the requests the page made to the proxy that
// started before at (ms since navigation start, the page's clock), by path.
func (e *env) proxyRequestsBefore(at float64) []string {
	e.t.Helper()
	return eval[[]string](e, fmt.Sprintf(`performance.getEntriesByType("resource")
		.filter(r => r.name.startsWith(%[1]q) && r.startTime < %[2]f)
		.map(r => r.name.slice(%[1]q.length).split("?")[0])`, e.proxyOrigin, at))
}

// TestOneRoundTrip holds the banner to issue 17's budget of requests, in
// both topologies: the first layer paints with nothing fetched after the
// script where the page can read the proxy's cookies, and after one
// request (GET /consent, for the visitor's stored choice) where it cannot;
// a page in another language than the browser's costs one request more
// (its texts), never a second round. A returning visitor's gtag.js is
// requested before the banner has heard back from the proxy about the
// stored choice: nothing waits for a revalidation.
func TestOneRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name       string
		subdomains bool
		lang       string
		want       string // proxy requests before the banner painted
	}{
		{"same origin", false, "", "/consent.js"},
		{"same origin, page in German", false, "de", "/consent.js /consent/config.json"},
		{"proxy on its own host", true, "", "/consent.js /consent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, options{subdomains: tt.subdomains})
			p := e.pageWith(nil)
			p.Lang = tt.lang
			e.openBanner(p)
			e.waitJS("banner visibility recorded", `window.__cpTest.bannerVisible !== null`)
			at := eval[float64](e, `window.__cpTest.bannerVisible`)
			got := strings.Join(e.proxyRequestsBefore(at), " ")
			t.Logf("before the banner painted at %.0f ms: %s", at, got)
			if got != tt.want {
				t.Errorf("requests to the proxy before the banner painted: %q, want %q", got, tt.want)
			}
			if tt.lang == "de" {
				if title := eval[string](e, `__cpTest.q("#cp-bt").textContent`); !strings.Contains(title, "Datenschutz") {
					t.Errorf("German page, banner title %q", title)
				}
			}

			// The returning visitor, in a new session (the tab's
			// sessionStorage, where the banner notes a verified cookie, is
			// cleared): gtag.js starts before the proxy's answer about the
			// stored choice arrives.
			e.Click(accept)
			e.forwarded(1)
			eval[bool](e, `(sessionStorage.clear(), true)`)
			mark := e.net.Mark()
			e.Open(p)
			e.waitJS("gtag.js requested and the stored choice checked", `(() => { const r = performance.getEntriesByType("resource");
				return r.some(x => x.name.includes("/gtag/js")) && r.some(x => /\/consent$/.test(x.name) && x.responseEnd > 0); })()`)
			var gtag, check *netEntry
			for _, r := range e.net.Since(mark, e.proxyOrigin) {
				r := r
				path := strings.SplitN(strings.TrimPrefix(r.URL, e.proxyOrigin), "?", 2)[0]
				switch {
				case path == "/gtag/js" && gtag == nil:
					gtag = &r
				case path == "/consent" && r.Method == "GET" && check == nil:
					check = &r
				}
			}
			if gtag == nil || check == nil {
				t.Fatalf("repeat visit: gtag.js %v, GET /consent %v; requests:\n%s", gtag, check, e.timeline())
			}
			t.Logf("repeat visit: gtag.js requested %.0f ms before GET /consent was answered", (check.End-gtag.Sent)*1000)
			if tt.subdomains {
				// The page cannot read the proxy's host-only cookie: only
				// the proxy's answer can tell it the stored choice.
				if gtag.Sent < check.Sent {
					t.Errorf("gtag.js requested before the proxy said what the visitor chose\n%s", e.timeline())
				}
			} else if gtag.Sent > check.End {
				t.Errorf("gtag.js waited for the revalidation: requested at %.3f s, GET /consent answered at %.3f s\n%s", gtag.Sent, check.End, e.timeline())
			}
			e.noBanner("for a stored choice")
		})
	}
}
