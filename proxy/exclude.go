package proxy

import (
	"net/netip"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
)

// Exclusions are the site owner's rules for leaving hits out of both GA4 and
// the aggregates: GA4's "internal traffic" and "unwanted referrals", decided
// on the server so they hold whatever the tag does. An excluded hit counts
// once in outcomes (excluded) and once in filtered under its rule, nothing
// else, and nothing about it is stored per visitor.
type Exclusions struct {
	// IPs are client addresses (after --trusted-proxies' X-Forwarded-For)
	// whose hits are internal traffic. An IPv4-mapped address matches its
	// IPv4 prefix. Default none.
	IPs []netip.Prefix
	// ReferrerSpam, if set, reports whether a hit's referrer (dr) is a known
	// spam referrer (cmd passes dims.IsReferrerSpam). Default nil: none is.
	ReferrerSpam func(referrer string) bool
	// Staff honours consent.StaffCookie, which GET /exclude sets. Default
	// false.
	Staff bool
}

// hitExclusion is the rule that excludes every event of a request, checked
// once per request: the address, then the staff cookie. "" when none does.
func (x *Exclusions) hitExclusion(c *fiber.Ctx, ip netip.Addr) string {
	if len(x.IPs) > 0 && ip.IsValid() {
		ip = ip.Unmap()
		for _, p := range x.IPs {
			if p.Contains(ip) {
				return consentproxy.ExcludedInternalIP
			}
		}
	}
	if x.Staff && consent.StaffExcluded(&c.Request().Header) {
		return consentproxy.ExcludedStaff
	}
	return ""
}

// eventExclusion adds the per-event rule, the referrer, to the request's.
func (x *Exclusions) eventExclusion(hit string, referrer []byte) string {
	if hit != "" {
		return hit
	}
	if x.ReferrerSpam != nil && len(referrer) > 0 && x.ReferrerSpam(b2s(referrer)) {
		return consentproxy.ExcludedReferrerSpam
	}
	return ""
}

// botClass is the class a bot hit is counted under: the parser's, or
// "other" for what only the headers gave away (no Accept-Language, a
// prefetch).
func botClass(agent consentproxy.Agent) string {
	if agent.Bot && agent.BotClass != "" {
		return agent.BotClass
	}
	return consentproxy.BotOther
}
