package proxy

import (
	"net/netip"
	"strings"
	"testing"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
)

// TestExclusions: every rule of the site owner's keeps its hits from Google
// and counts them as excluded under the rule; bots keep their class. The
// last hit of the run is a plain one, a sentinel: once Google has it, every
// earlier one would have arrived before it (one forwarder worker, in order).
func TestExclusions(t *testing.T) {
	h := newHarness(t, func(c *Config, _ *ForwarderConfig) {
		c.Exclude = Exclusions{
			IPs:          []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("2001:db8:1::/48")},
			ReferrerSpam: func(r string) bool { return strings.Contains(r, "spam.example") },
			Staff:        true,
		}
	})
	const spamRef = "&dr=https%3A%2F%2Fwww.spam.example%2Fx"
	cases := []struct {
		name   string
		header map[string]string
		query  string
		reason consentproxy.Reason
		class  string
	}{
		{"internal IPv4", map[string]string{"X-Forwarded-For": "198.51.100.9"}, okQuery, consentproxy.ReasonExcluded, consentproxy.ExcludedInternalIP},
		{"internal IPv6", map[string]string{"X-Forwarded-For": "2001:db8:1:2::5"}, okQuery, consentproxy.ReasonExcluded, consentproxy.ExcludedInternalIP},
		{"internal, mapped", map[string]string{"X-Forwarded-For": "::ffff:198.51.100.10"}, okQuery, consentproxy.ReasonExcluded, consentproxy.ExcludedInternalIP},
		{"staff cookie", map[string]string{"Cookie": h.cookie(true) + "; " + consent.StaffCookie + "=1"}, okQuery, consentproxy.ReasonExcluded, consentproxy.ExcludedStaff},
		{"spam referrer", nil, okQuery + spamRef, consentproxy.ReasonExcluded, consentproxy.ExcludedReferrerSpam},
		{"the address beats the referrer", map[string]string{"X-Forwarded-For": "198.51.100.9"}, okQuery + spamRef, consentproxy.ReasonExcluded, consentproxy.ExcludedInternalIP},
		{"GPC beats an exclusion", map[string]string{"Sec-GPC": "1", "X-Forwarded-For": "198.51.100.9"}, okQuery, consentproxy.ReasonGPC, ""},
		{"a bot stays a bot, by class", map[string]string{"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "X-Forwarded-For": "198.51.100.9"}, okQuery, consentproxy.ReasonBot, consentproxy.BotCrawler},
		{"no Accept-Language: a bot of class other", map[string]string{"Accept-Language": ""}, okQuery, consentproxy.ReasonBot, consentproxy.BotOther},
		{"prefetch: other", map[string]string{"Sec-Purpose": "prefetch"}, okQuery, consentproxy.ReasonBot, consentproxy.BotOther},
		{"outside the prefixes", map[string]string{"X-Forwarded-For": "198.51.101.9"}, okQuery, consentproxy.ReasonForwarded, ""},
	}
	forwarded := 0
	for _, tc := range cases {
		if code, body, _ := h.do("GET", tc.query, h.browser(tc.header), ""); code != 204 {
			t.Fatalf("%s: %d %s", tc.name, code, body)
		}
		if tc.reason == consentproxy.ReasonForwarded {
			forwarded++
		}
	}
	// The sentinel.
	h.do("GET", okQuery+"&dt=sentinel", h.browser(nil), "")
	reqs := h.up.wait(t, forwarded+1)
	if len(reqs) != forwarded+1 || !strings.Contains(reqs[len(reqs)-1].URI, "sentinel") {
		t.Errorf("Google got %d requests, want %d and the sentinel last", len(reqs), forwarded+1)
	}
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	if len(h.rec.obs) != len(cases)+1 {
		t.Fatalf("%d observations, want %d", len(h.rec.obs), len(cases)+1)
	}
	for i, tc := range cases {
		if o := h.rec.obs[i]; o.Reason != tc.reason || o.Class != tc.class {
			t.Errorf("%s: reason %s class %q, want %s %q", tc.name, o.Reason, o.Class, tc.reason, tc.class)
		}
	}
}
