package proxy

import (
	"testing"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/web"
)

// TestJurisdiction: each hit is decided by its visitor's place, as the
// trusted CDN headers say (headerLocation ignores an untrusted peer's:
// TestHeaderLocation), and a visitor of no known place by the strictest
// model.
func TestJurisdiction(t *testing.T) {
	regions, err := consent.NewRegions(consent.RegionsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *Config, _ *ForwarderConfig) {
		c.RegionHeader = "CF-Region-Code"
		c.Regions = regions
		c.Policy = consent.Policy{HonorDNT: true} // --honor-gpc=false
	})
	if !h.p.Locates() {
		t.Fatal("the proxy does not locate hits with a table of several models and a country header")
	}
	const hit = "/g/collect?v=2&tid=G-TEST123&en=page_view&_p=1&dl=https%3A%2F%2Fsite.example%2F"
	for _, tt := range []struct {
		name   string
		hdr    map[string]string
		reason consentproxy.Reason
	}{
		{"california, no cookie", map[string]string{"CF-IPCountry": "US", "CF-Region-Code": "CA", "Cookie": ""}, consentproxy.ReasonForwarded},
		{"california, refusal", map[string]string{"CF-IPCountry": "US", "CF-Region-Code": "CA", "Cookie": h.cookie(false)}, consentproxy.ReasonDenied},
		{"california, gpc whatever the flag", map[string]string{"CF-IPCountry": "US", "CF-Region-Code": "CA", "Cookie": "", "Sec-GPC": "1"}, consentproxy.ReasonGPC},
		{"florida, no cookie", map[string]string{"CF-IPCountry": "US", "CF-Region-Code": "FL", "Cookie": ""}, consentproxy.ReasonNoConsent},
		{"germany, no cookie", map[string]string{"CF-IPCountry": "DE", "Cookie": ""}, consentproxy.ReasonNoConsent},
		{"germany, gpc not honoured, consent", map[string]string{"CF-IPCountry": "DE", "Sec-GPC": "1"}, consentproxy.ReasonForwarded},
		{"unknown, no cookie", map[string]string{"Cookie": ""}, consentproxy.ReasonNoConsent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := h.p.outcomes[tt.reason].Load()
			if code, body, _ := h.do("GET", hit, h.browser(tt.hdr), ""); code != 204 {
				t.Fatalf("status %d: %s", code, body)
			}
			if got := h.p.outcomes[tt.reason].Load() - before; got != 1 {
				t.Errorf("decided %v %d times, want once", tt.reason, got)
			}
		})
	}
}

// TestJurisdictionUntrusted: a peer that is not a trusted proxy cannot
// claim a place: its visitor is unknown, and opt-in.
func TestJurisdictionUntrusted(t *testing.T) {
	regions, err := consent.NewRegions(consent.RegionsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *Config, _ *ForwarderConfig) {
		c.RegionHeader = "CF-Region-Code"
		c.Regions = regions
		c.Trust = web.NewTrust(nil)
	})
	before := h.p.outcomes[consentproxy.ReasonNoConsent].Load()
	hdr := h.browser(map[string]string{"CF-IPCountry": "US", "CF-Region-Code": "CA", "Cookie": ""})
	if code, body, _ := h.do("GET", "/g/collect?v=2&tid=G-TEST123&en=page_view&_p=1", hdr, ""); code != 204 {
		t.Fatalf("status %d: %s", code, body)
	}
	if got := h.p.outcomes[consentproxy.ReasonNoConsent].Load() - before; got != 1 {
		t.Errorf("an untrusted peer's California visitor was not decided as no_consent (%d)", got)
	}
}
