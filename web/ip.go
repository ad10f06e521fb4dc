package web

import (
	"bytes"
	"net"
	"net/netip"
	"strings"
	"unsafe"

	"github.com/gofiber/fiber/v2"
)

// Trust decides which peers may speak for the client through X-Forwarded-For.
type Trust struct {
	prefixes []netip.Prefix
}

// NewTrust returns a Trust for the given proxy networks.
func NewTrust(prefixes []netip.Prefix) *Trust { return &Trust{prefixes: prefixes} }

// Trusted reports whether a is one of the trusted proxies' addresses.
func (t *Trust) Trusted(a netip.Addr) bool { return t.trusted(a.Unmap()) }

func (t *Trust) trusted(a netip.Addr) bool {
	for _, p := range t.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP returns the visitor's address. X-Forwarded-For is read only when the
// direct peer is trusted, and then from right to left, skipping trusted hops:
// the left-most entry is whatever the client chose to send, so taking it (as
// many proxies do) would let anyone pick the IP that gets geolocated. The
// result is unmapped (IPv4-in-IPv6 becomes IPv4); it is invalid if unknown.
//
// Several X-Forwarded-For lines are one list, joined in order (RFC 9110
// §5.3): a proxy such as HAProxy appends its own line after any the client
// sent, so the last line holds the hop we can vouch for and the first is the
// client's invention. Reading only the first line, as fasthttp's Peek does,
// let a client choose its address by sending one line of its own.
func (t *Trust) ClientIP(c *fiber.Ctx) netip.Addr {
	peer := unmap(addrOf(c))
	if !peer.IsValid() || !t.trusted(peer) {
		return peer
	}
	// PeekAll reuses the header's own buffer: no allocation per request.
	lines := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)
	client := peer
	for l := len(lines) - 1; l >= 0; l-- {
		xff := lines[l]
		for len(xff) > 0 {
			i := bytes.LastIndexByte(xff, ',')
			part := bytes.TrimSpace(xff[i+1:])
			if i < 0 {
				xff = nil
			} else {
				xff = xff[:i]
			}
			// The string view is safe: ParseAddr keeps no reference to it.
			a, err := netip.ParseAddr(unsafe.String(unsafe.SliceData(part), len(part)))
			if err != nil {
				// A garbled hop: stop, and keep the last address we could vouch for.
				return client
			}
			client = unmap(a)
			if !t.trusted(client) {
				return client
			}
		}
	}
	return client
}

func addrOf(c *fiber.Ctx) netip.Addr {
	switch a := c.Context().RemoteAddr().(type) {
	case *net.TCPAddr:
		ip, _ := netip.AddrFromSlice(a.IP)
		return ip
	case nil:
		return netip.Addr{}
	default:
		ap, err := netip.ParseAddrPort(a.String())
		if err != nil {
			return netip.Addr{}
		}
		return ap.Addr()
	}
}

func unmap(a netip.Addr) netip.Addr {
	if a.Is4In6() {
		return a.Unmap()
	}
	return a
}

// Origins is an allowlist of site origins ("https://example.com").
type Origins struct {
	list []string
}

// NewOrigins normalizes the configured origins (lower case, no trailing slash).
func NewOrigins(origins []string) *Origins {
	o := &Origins{}
	for _, s := range origins {
		s = strings.TrimRight(strings.ToLower(strings.TrimSpace(s)), "/")
		if s != "" {
			o.list = append(o.list, s)
		}
	}
	return o
}

// Allowed reports whether origin is on the list. Comparison is exact and
// case-insensitive; "null" and empty origins are never allowed.
func (o *Origins) Allowed(origin []byte) bool {
	if len(origin) == 0 {
		return false
	}
	for _, s := range o.list {
		if len(s) == len(origin) && strings.EqualFold(s, string(origin)) {
			return true
		}
	}
	return false
}

// SameSite reports whether a state-changing request may act: the browser
// vouches that the proxy's own page sent it (Sec-Fetch-Site: same-origin,
// which scripts cannot set; it also covers "Origin: null" from pages with
// Referrer-Policy: no-referrer and TLS terminated in front of the proxy), it
// has no Origin (curl, a no-JS form on an old browser), or its Origin is the
// proxy's own or on the list. Cross-site pages must not be able to grant
// consent or lift an opt-out on a visitor's behalf.
func (o *Origins) SameSite(c *fiber.Ctx) bool {
	if string(c.Request().Header.Peek("Sec-Fetch-Site")) == "same-origin" {
		return true
	}
	origin := c.Request().Header.Peek(fiber.HeaderOrigin)
	if len(origin) == 0 {
		return string(c.Request().Header.Peek("Sec-Fetch-Site")) != "cross-site"
	}
	if o.Allowed(origin) {
		return true
	}
	own := c.Protocol() + "://" + c.Hostname()
	return strings.EqualFold(own, string(origin))
}

// PeerTrusted reports whether the direct peer is a trusted proxy, whose
// headers (X-Forwarded-For, a CDN country header) may be believed.
func (t *Trust) PeerTrusted(c *fiber.Ctx) bool {
	return t.trusted(unmap(addrOf(c)))
}
