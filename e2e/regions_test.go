package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The trusted CDN headers a stub front adds, and the flags that make the
// proxy read them: one proxy, configured once, with the built-in regions
// table (opt-in in the EEA, GB, CH; opt-out in 12 US states).
var (
	regionArgs = []string{"--country-header", "CF-IPCountry", "--region-header", "CF-Region-Code"}
	inGermany  = map[string]string{"CF-IPCountry": "DE"}
	inCA       = map[string]string{"CF-IPCountry": "US", "CF-Region-Code": "CA"}
)

const dnsLink = "#cp-dns"

// jurisdiction asks the proxy, from the page (through the front, like the
// banner), which jurisdiction it decides this visitor's hits by.
func (e *env) jurisdiction() (group, model string) {
	e.t.Helper()
	j := eval[struct{ Group, Model string }](e, fmt.Sprintf(
		`fetch(%q, {credentials: "include"}).then(r => r.json()).then(j => j.jurisdiction)`, e.proxyOrigin+"/consent"))
	return j.Group, j.Model
}

// TestRegionEU: a visitor in Germany gets the opt-in banner, and nothing
// of Google's loads or is sent before they accept.
func TestRegionEU(t *testing.T) {
	eachGtag(t, func(t *testing.T, g *gtagCopy) {
		e := newEnv(t, options{gtag: g, frontHeaders: inGermany, proxyArgs: regionArgs})
		e.openBanner(e.pageWith(nil))
		if g, m := e.jurisdiction(); g != "eea" || m != "opt-in" {
			t.Fatalf("jurisdiction %s/%s, want eea/opt-in", g, m)
		}
		if e.Visible(dnsLink) {
			t.Error("the opt-out link shows in an opt-in region")
		}
		e.noTagTraffic(0, 0, 0)
		e.Click(accept)
		e.WaitHidden(banner)
		e.forwardedEvent("page_view", 10*time.Second)
	})
}

// TestRegionCalifornia: a visitor in California is measured without a
// banner; the "Do not sell or share" link stops it with one click, and the
// refusal is kept for the re-ask period (12 months), not the consent
// lifetime.
func TestRegionCalifornia(t *testing.T) {
	eachGtag(t, func(t *testing.T, g *gtagCopy) {
		e := newEnv(t, options{gtag: g, frontHeaders: inCA, proxyArgs: regionArgs})
		e.Open(e.pageWith(nil))
		e.requireScript()
		// The link mounts where the banner would: once it is there, a
		// banner would be too.
		e.WaitVisible(dnsLink)
		if e.Visible(banner) {
			t.Error("a banner shows in an opt-out region")
		}
		if g, m := e.jurisdiction(); g != "us-opt-out" || m != "opt-out" {
			t.Fatalf("jurisdiction %s/%s, want us-opt-out/opt-out", g, m)
		}
		if txt := eval[string](e, `__cpTest.q("#cp-dns").textContent`); txt != "Do not sell or share my personal information" {
			t.Errorf("link text %q", txt)
		}
		e.forwardedEvent("page_view", 10*time.Second)
		// The consent default Google's tag saw: analytics granted, ads
		// denied, and the opt-in places denied by region.
		dl := eval[string](e, `JSON.stringify(window.dataLayer.filter(a => a[0] === "consent").map(a => Array.from(a)))`)
		if !strings.Contains(dl, `"default",{"ad_storage":"denied","analytics_storage":"granted"`) || !strings.Contains(dl, `"region":["AT",`) {
			t.Errorf("Consent Mode defaults %s", dl)
		}
		e.Screenshot("region-california")

		e.Click(dnsLink)
		e.WaitVisible(modal)
		if eval[bool](e, `__cpTest.q('`+analytics+`').checked`) {
			t.Error("after the opt-out the analytics switch is on")
		}
		e.wantRecord("1", false, false)
		if got := e.cookieExpiry(t, "cp_consent"); got < 364*24*time.Hour || got > 366*24*time.Hour {
			t.Errorf("the refusal's cookie lives %v, want the opt-out re-ask period, 365 days", got)
		}
		e.Screenshot("region-california-optout")

		// The next page: no banner, no tag, nothing sent.
		gtm, ga := len(e.gtm.Requests("/gtag/js")), len(e.ga.Requests("/g/collect"))
		mark := e.net.Mark()
		e.Open(e.pageWith(nil))
		e.WaitVisible(dnsLink)
		e.noBanner("after an opt-out in California")
		e.noTagTraffic(mark, gtm, ga)
	})
}

// TestRegionCaliforniaGPC: in California GPC is the law's opt-out, so it
// stops measurement even with --honor-gpc=false, and the notice says so.
func TestRegionCaliforniaGPC(t *testing.T) {
	e := newEnv(t, options{gpc: true, frontHeaders: inCA,
		proxyArgs: append([]string{"--honor-gpc=false", "--metrics-listen", "127.0.0.1:0"}, regionArgs...)})
	e.Open(e.pageWith(nil))
	e.requireScript()
	e.WaitVisible(notice)
	e.WaitVisible(dnsLink)
	if e.Visible(banner) {
		t.Error("a banner shows in an opt-out region")
	}
	e.noTagTraffic(0, 0, 0)
	// The server agrees: a hit sent anyway is refused as GPC.
	status := eval[int](e, fmt.Sprintf(`fetch(%q, {method: "POST", credentials: "include", body: ""}).then(r => r.status)`,
		e.proxyOrigin+"/g/collect?v=2&tid="+e.id+"&en=page_view&_p=1&dl=https%3A%2F%2Fwww.example.test%2F"))
	if status != 204 {
		t.Fatalf("hit answered %d", status)
	}
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	hits, err := e.proxy.hitsByReason(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if hits["gpc"] != 1 || hits["forwarded"] != 0 {
		t.Errorf("the proxy decided %v, want the one hit sent as gpc", hits)
	}
	if n := len(e.ga.Requests("/g/collect")); n != 0 {
		t.Errorf("Google got %d hits", n)
	}
}

// TestRegionUnknown: where the proxy knows no place (no header), the
// strictest model of the table applies: opt-in, the banner, nothing before
// a choice.
func TestRegionUnknown(t *testing.T) {
	e := newEnv(t, options{proxyArgs: regionArgs})
	e.openBanner(e.pageWith(nil))
	if g, m := e.jurisdiction(); g != "unknown" || m != "opt-in" {
		t.Fatalf("jurisdiction %s/%s, want unknown/opt-in", g, m)
	}
	e.noTagTraffic(0, 0, 0)
}

// cookieExpiry is how long the browser keeps the cookie from now.
func (e *env) cookieExpiry(t *testing.T, name string) time.Duration {
	t.Helper()
	res, err := chromedp.Call(e.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{e.siteOrigin + "/", e.proxyOrigin + "/"}})
	if err != nil {
		t.Fatalf("get cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return time.Until(time.Unix(int64(c.Expires), 0))
		}
	}
	t.Fatalf("no cookie %s", name)
	return 0
}

// TestRegionNoticeOnly: where the owner's table says notice-only, the
// visitor is measured from the start and told so, with the refusal as
// easy as the OK; refusing stops it.
func TestRegionNoticeOnly(t *testing.T) {
	e := newEnv(t, options{frontHeaders: map[string]string{"CF-IPCountry": "JP"},
		proxyArgs: append([]string{"--regions", `{"rules":[{"name":"japan","where":["JP"],"model":"notice-only"}]}`}, regionArgs...)})
	e.openBanner(e.pageWith(nil))
	if g, m := e.jurisdiction(); g != "japan" || m != "notice-only" {
		t.Fatalf("jurisdiction %s/%s, want japan/notice-only", g, m)
	}
	if txt := eval[string](e, `__cpTest.q("#cp-bd").textContent`); !strings.HasPrefix(txt, "We measure visits") {
		t.Errorf("notice text %q", txt)
	}
	if !e.Visible(banner+` [data-cp-action="ok"]`) || e.Visible(accept) {
		t.Error("the notice does not offer OK in place of Accept all")
	}
	e.forwardedEvent("page_view", 10*time.Second)
	e.Screenshot("region-notice-only")
	e.Click(reject)
	e.WaitHidden(banner)
	e.wantRecord("1", false, false)
	gtm, ga := len(e.gtm.Requests("/gtag/js")), len(e.ga.Requests("/g/collect"))
	mark := e.net.Mark()
	e.Open(e.pageWith(nil))
	e.noBanner("after a refusal of the notice")
	e.noTagTraffic(mark, gtm, ga)
}
