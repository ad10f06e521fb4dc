package proxy

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	consentproxy "github.com/consentproxy/consentproxy"
)

// TestRewriteScript: every way a build names its tag host becomes the
// expression, and the expression yields the host and mount path the script
// was loaded from, evaluated by a real JavaScript engine.
func TestRewriteScript(t *testing.T) {
	in := `var data={"blob":{"21":"www.googletagmanager.com","3":"www.googletagmanager.com"}};` +
		`var a="https://"+data.blob["21"]+"/a?",b="https://www.googletagmanager.com/a?id="+1,` +
		`c=/^(www\.)?googletagmanager\.com$/,d="https://www.googletagmanager.com",` +
		`al={"https://www.google.com":"/g"},e="https://stats.g.doubleclick.net/g/collect",f="https://www.%/ads/ga-audiences?v=1&".replace("%","google.de"),` +
		`h="https://{ga4CollectionSubdomain.}analytics.google.com/g/s/collect".replace("{ga4CollectionSubdomain.}","region1."),` +
		`k="https://"+"www.google.com"+"/measurement/conversion";`
	out := string(rewriteScript([]byte(in)))
	if strings.Contains(out, `"www.googletagmanager.com"`) || strings.Contains(out, `"https://www.googletagmanager.com`) {
		t.Fatalf("a host literal survived:\n%s", out)
	}
	if !strings.Contains(out, `c=/^(www\.)?googletagmanager\.com$/`) || !strings.Contains(out, `al={"https://www.google.com":"/g"}`) {
		t.Errorf("a regular expression or an object key was rewritten:\n%s", out)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node is not installed")
	}
	for src, want := range map[string]string{
		"https://cp.example.com/gtag/js?id=G-1":      "cp.example.com",
		"https://example.com/cp/gtag/js?id=G-1":      "example.com/cp",
		"https://cp.example.com:8443/gtag/js?id=G-1": "cp.example.com:8443",
		"": "invalid.invalid",
	} {
		prog := `var document={currentScript:` + map[bool]string{true: `{src:"` + src + `"}`, false: `null`}[src != ""] +
			`,querySelector:function(){return null}};` + out + `console.log([data.blob["21"],data.blob["3"],a,b,d,e,f,h,k].join(" "))`
		got, err := exec.Command(node, "-e", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, got)
		}
		wantLine := strings.Join([]string{want, want, "https://" + want + "/a?", "https://" + want + "/a?id=1", "https://" + want,
			"https://" + want + "/_/drop/stats.g.doubleclick.net/g/collect", "https://" + want + "/_/drop/www./ads/ga-audiences?v=1&",
			"https://" + want + "/_/drop/ga4CollectionSubdomain.analytics.google.com/g/s/collect",
			"https://" + want + "/_/drop/www.google.com/measurement/conversion"}, " ")
		if strings.TrimSpace(string(got)) != wantLine {
			t.Errorf("loaded from %q: %s\nwant %s", src, got, wantLine)
		}
	}
}

// TestDiagnostics: gtag's own pings are decided like hits and reach Google's
// tag host minimized; without consent nothing goes.
func TestDiagnostics(t *testing.T) {
	h := newHarness(t)
	uri := "/a?id=G-TEST123&v=3&t=t&pid=309945610&cv=1&rv=58l0&dl=shop.example%2Fusers%2Falice%40example.com&x=1&e=gtm.init"
	if st, body, _ := h.do("GET", uri, h.browser(map[string]string{"Cookie": ""}), ""); st != 204 {
		t.Fatalf("without consent: %d %q", st, body)
	}
	if got := h.forwarded(); got != "(none)\n" {
		t.Fatalf("a ping without consent was forwarded:\n%s", got)
	}
	if st, _, _ := h.do("GET", uri, h.browser(nil), ""); st != 204 {
		t.Fatalf("with consent: %d", st)
	}
	if st, _, _ := h.do("POST", strings.Replace(uri, "/a?", "/td?", 1), h.browser(nil), ""); st != 204 {
		t.Fatalf("td: %d", st)
	}
	got := h.forwarded()
	for _, want := range []string{"GET /a?id=G-TEST123&v=3&t=t&pid=309945610&cv=1&rv=58l0&e=gtm.init\n", "GET /td?id=G-TEST123&v=3&t=t&pid=309945610&cv=1&rv=58l0&e=gtm.init\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("forwarded\n%s\nwant %q", got, want)
		}
	}
	if strings.Contains(got, "Cookie") || strings.Contains(got, "alice") || strings.Contains(got, "_uip") {
		t.Errorf("forwarded more than the allowlist:\n%s", got)
	}
	if st, _, _ := h.do("GET", "/a?id=G-NOTOURS1&v=3", h.browser(nil), ""); st != 403 {
		t.Errorf("foreign id: %d, want 403", st)
	}
	if d := h.p.Diagnostics(); d[consentproxy.ReasonNoConsent] != 1 || d[consentproxy.ReasonForwarded] != 2 || d[consentproxy.ReasonInvalid] != 1 {
		t.Errorf("diagnostics outcomes %v, want 1 no_consent, 2 forwarded, 1 invalid", d)
	}
}

// TestServiceWorkerFrame: the frame gtag opens under a server_container_url
// is an empty page, not a 404, and runs nothing.
func TestServiceWorkerFrame(t *testing.T) {
	h := newHarness(t)
	st, body, hdr := h.do("GET", "/_/service_worker/5840/sw_iframe.html?origin=https%3A%2F%2Fsite.example", nil, "")
	if st != 200 || strings.Contains(body, "<script") || !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("%d %q %v", st, body, hdr)
	}
}

// TestGtagPerRegion: gtag.js is fetched per visitor region, which travels
// as Google's tag gateway sends it, and never as an address.
func TestGtagPerRegion(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *ForwarderConfig) { c.RegionHeader = "CF-Region-Code" })
	for _, hdr := range []map[string]string{
		{"CF-IPCountry": "US", "CF-Region-Code": "CA"},
		{"CF-IPCountry": "US", "CF-Region-Code": "CA"}, // cached
		{"CF-IPCountry": "DE"},
		{"CF-IPCountry": "US", "CF-Region-Code": "US-NY"},
		{},
	} {
		st, _, resp := h.do("GET", "/gtag/js?id=G-TEST123", h.browser(hdr), "")
		if st != 200 {
			t.Fatalf("%v: %d", hdr, st)
		}
		if cc := resp.Get("Cache-Control"); (len(hdr) > 0) != strings.HasPrefix(cc, "private") {
			t.Errorf("%v: Cache-Control %q", hdr, cc)
		}
	}
	h.up.mu.Lock()
	geo := strings.Join(h.up.geo, ",")
	h.up.mu.Unlock()
	if geo != "US-CA,DE,US-NY," {
		t.Errorf("upstream fetches carried %q, want US-CA,DE,US-NY, and one without", geo)
	}
	if st := h.p.cfg.Scripts.Stats(); st.Entries != 4 || st.Copies != 1 {
		t.Errorf("cache %+v: want 4 entries sharing 1 copy (the stub serves one script)", st)
	}
}

// missing skips a test whose tool is absent, or fails it in CI.
func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}
