package proxy

import (
	"strings"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
)

// gtag.js's diagnostics pings (see rewriteScript) arrive at /a and /td,
// rewritten from www.googletagmanager.com. They are decided like a hit,
// without a Consent Mode state of their own: dropped without a valid
// analytics consent or under any privacy signal, otherwise forwarded to
// Google's tag host with only the parameters below, no page URL (dl) and no
// address. They are no visitor's events, so nothing is counted but their
// outcome.

// diagParams are the parameters of a diagnostics ping that are forwarded:
// the container, build, experiment and timing fields the 2022–2025 builds
// send. Everything else is dropped.
var diagParams = []string{
	"id", "v", "t", "pid", "seq", "cv", "rv", "tc", "es", "e", "exp", "tag_exp", "ptag_exp",
	"tdp", "frm", "rtg", "slo", "hlo", "lst", "bt", "ct", "z", "sr", "cb", "bc", "eb", "gtm", "is_td", "u", "ut", "h",
}

// diagStats counts diagnostics pings by outcome, and requests meant for
// Google's advertising endpoints that were dropped.
type diagStats struct {
	byReason [consentproxy.NumReasons]atomic.Uint64
	dropped  atomic.Uint64
}

// AdRequestsDropped is how many requests gtag.js meant for Google's
// advertising and signals endpoints arrived at DropPath, and went no
// further.
func (p *Proxy) AdRequestsDropped() uint64 { return p.diag.dropped.Load() }

// drop answers what rewriteScript sent to DropPath: nothing goes on.
func (p *Proxy) drop(c *fiber.Ctx) error {
	p.diag.dropped.Add(1)
	p.cors(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStatus(fiber.StatusNoContent)
}

// Diagnostics returns how many diagnostics pings ended with each reason.
func (p *Proxy) Diagnostics() map[consentproxy.Reason]uint64 {
	m := map[consentproxy.Reason]uint64{}
	for _, r := range consentproxy.Reasons() {
		m[r] = p.diag.byReason[r].Load()
	}
	return m
}

func (p *Proxy) diagnostics(c *fiber.Ctx) error {
	if !p.cfg.Origins.SameSite(c) {
		p.diag.byReason[consentproxy.ReasonInvalid].Add(1)
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "Origin not allowed.")
	}
	p.cors(c)
	args := c.Request().URI().QueryArgs()
	// Most pings name the container; a few (t=l, latency) name none. One
	// that names an id must name a served one.
	if id := args.Peek("id"); id != nil && !p.ids[string(id)] {
		p.diag.byReason[consentproxy.ReasonInvalid].Add(1)
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "Measurement id not served here.")
	}
	hdr := &c.Request().Header
	agent := p.cfg.Agents.Parse(b2s(hdr.UserAgent()))
	sig := consent.Signals{
		OptOut: consent.OptedOut(hdr),
		GPC:    string(hdr.Peek("Sec-GPC")) == "1",
		DNT:    string(hdr.Peek("DNT")) == "1",
		Bot:    agent.Bot || len(hdr.Peek(fiber.HeaderAcceptLanguage)) == 0 || isPrefetch(c),
		Consent: p.cfg.Codec.StateOfHeader(hdr,
			consent.Scope(p.cfg.CookieDomain, b2s(hdr.Host())), p.cfg.Revision),
		Excluded: p.cfg.Exclude.hitExclusion(c, p.clientIP(c)) != "",
		Model:    p.jurisdiction(c, p.clientIP(c)).Model,
	}
	reason := consent.Decide(sig, p.cfg.Policy)
	p.diag.byReason[reason].Add(1)
	if reason == consentproxy.ReasonForwarded {
		j := p.cfg.Forwarder.get()
		j.tag = true
		j.uri = append(j.uri, c.Path()...) // "/a" or "/td": the route, never client text
		sep := byte('?')
		for _, k := range diagParams {
			if v := args.Peek(k); v != nil || args.Has(k) {
				j.uri = append(j.uri, sep)
				j.uri = append(j.uri, k...)
				j.uri = append(j.uri, '=')
				j.uri = appendEscaped(j.uri, v)
				sep = '&'
			}
		}
		j.ua = append(j.ua, hdr.UserAgent()...)
		p.cfg.Forwarder.enqueue(j)
	}
	if strings.HasSuffix(c.Path(), "/gtag/js") {
		// Loaded as a script: an empty one, so the page sees no error.
		c.Set(fiber.HeaderContentType, "application/javascript; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendString("")
	}
	return c.SendStatus(fiber.StatusNoContent)
}
