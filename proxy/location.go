package proxy

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/dims"
)

// Locator finds the country (ISO 3166-1 alpha-2) and subdivision (the
// part of an ISO 3166-2 code after the country, "CA" for US-CA) of an
// address, or "" for what it does not know. cmd wires the GeoIP database;
// it sees the address only truncated.
type Locator interface {
	Locate(ip netip.Addr) (country, subdivision string)
}

// headerLocation reads the visitor's country and subdivision from the
// trusted CDN headers, and nothing else: an untrusted peer's headers are
// ignored. The region header may hold the subdivision alone (CF-Region-Code:
// "CA") or with its country (X-Forwarded-CountryRegion: "US-CA").
func (p *Proxy) headerLocation(c *fiber.Ctx) (country, subdivision string) {
	if p.cfg.CountryHeader == "" && p.cfg.RegionHeader == "" || !p.cfg.Trust.PeerTrusted(c) {
		return "", ""
	}
	hdr := &c.Request().Header
	if p.cfg.CountryHeader != "" {
		country = dims.Country(b2s(hdr.Peek(p.cfg.CountryHeader)))
	}
	if p.cfg.RegionHeader != "" {
		v := strings.TrimSpace(b2s(hdr.Peek(p.cfg.RegionHeader)))
		if cc, sub, ok := strings.Cut(v, "-"); ok {
			if cc := dims.Country(cc); cc != "" && (country == "" || cc == country) {
				country, v = cc, sub
			} else {
				v = ""
			}
		}
		if country != "" {
			subdivision = Subdivision(v)
		}
	}
	return country, subdivision
}

// region is the visitor's region as GA4 and Google's tag server spell it:
// "US-CA", or "DE" when only the country is known, or "". It asks the
// trusted headers first, then the Locator.
func (p *Proxy) region(c *fiber.Ctx, ip netip.Addr) string {
	country, sub := p.headerLocation(c)
	if country == "" && p.cfg.Locator != nil && ip.IsValid() {
		country, sub = p.cfg.Locator.Locate(ip)
		country, sub = dims.Country(country), Subdivision(sub)
		if country == "" {
			sub = ""
		}
	}
	return Region(country, sub)
}

// Region joins a country and a subdivision code.
func Region(country, subdivision string) string {
	if country == "" || subdivision == "" {
		return country
	}
	return country + "-" + subdivision
}

// Subdivision accepts an ISO 3166-2 subdivision code (after the country):
// one to three letters or digits, upper-cased; anything else is "".
func Subdivision(s string) string { return consent.Subdivision(s) }

// Region is the visitor's region as the proxy knows it ("US-CA", "DE" or
// ""): the trusted CDN headers, then the Locator on the truncated address.
// The consent handlers take it (consent.Handlers.Region), so the banner
// follows the jurisdiction the proxy decides the visitor's hits by.
func (p *Proxy) Region(c *fiber.Ctx) string {
	if !p.located {
		return ""
	}
	return p.region(c, p.clientIP(c))
}

// Locates reports whether hits are decided by their visitor's place: the
// regions table does not give everyone the same rule, and a trusted header
// or a Locator can say where a visitor is.
func (p *Proxy) Locates() bool { return p.located }

// jurisdiction is the rule a hit from ip is decided by.
func (p *Proxy) jurisdiction(c *fiber.Ctx, ip netip.Addr) consent.Jurisdiction {
	if !p.located {
		return p.unknown
	}
	return p.cfg.Regions.Lookup(p.region(c, ip))
}
