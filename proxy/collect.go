package proxy

import (
	"errors"
	"net/netip"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
)

// collect takes a GA4 hit exactly as gtag sends it and answers 204 once its
// events are decided and the forwarded ones queued; forwarding happens later,
// from the queue (a full queue makes it wait up to 250 ms for room).
func (p *Proxy) collect(c *fiber.Ctx) error {
	now := p.cfg.Now()
	req := c.Request()
	if !p.cfg.Origins.SameSite(c) {
		return p.refuse(now, consentproxy.Errorf(consentproxy.EFORBIDDEN, "Origin not allowed."))
	}
	p.cors(c)

	h := p.hits.Get().(*Hit)
	defer p.hits.Put(h)
	var body []byte
	if c.Method() == fiber.MethodPost {
		body = req.Body()
	}
	if err := h.Parse(req.URI().QueryString(), body, p.cfg.Limits); err != nil {
		code := consentproxy.EINVALID
		if errors.Is(err, errTooMany) {
			code = consentproxy.ETOOLARGE
		}
		return p.refuse(now, consentproxy.Errorf(code, "Malformed hit: %v.", err))
	}
	// Every event must name an allowlisted id, and so must the query when it
	// names one at all: a proxy that forwards any id is an open relay into
	// someone else's property. Get returns the value the Minimizer forwards
	// (the last of a name), so what is checked is exactly what is sent; a
	// list that names two different ids is refused whole.
	if h.IDConflict() {
		return p.refuse(now, consentproxy.Errorf(consentproxy.EFORBIDDEN, "Measurement id named twice."))
	}
	if tid, ok := h.sharedValue("tid"); ok && !p.ids[b2s(tid)] {
		return p.refuse(now, consentproxy.Errorf(consentproxy.EFORBIDDEN, "Measurement id not served here."))
	}
	for i := 0; i < h.NumEvents(); i++ {
		tid, _ := h.Get(i, "tid")
		if !p.ids[b2s(tid)] {
			return p.refuse(now, consentproxy.Errorf(consentproxy.EFORBIDDEN, "Measurement id not served here."))
		}
	}
	// Malformed lines of a batch are refused one by one; the rest go on.
	if bad, _ := h.BadLines(); bad > 0 {
		for range bad {
			p.record(&consentproxy.Observation{Time: now, Reason: consentproxy.ReasonInvalid})
		}
	}

	hdr := &req.Header
	ua := b2s(hdr.UserAgent())
	agent := p.cfg.Agents.Parse(ua)
	lang := hdr.Peek(fiber.HeaderAcceptLanguage)
	ip := p.clientIP(c)
	sig := consent.Signals{
		OptOut: consent.OptedOut(hdr),
		GPC:    string(hdr.Peek("Sec-GPC")) == "1",
		DNT:    string(hdr.Peek("DNT")) == "1",
		Bot:    agent.Bot || len(lang) == 0 || isPrefetch(c),
		Consent: p.cfg.Codec.StateOfHeader(hdr,
			consent.Scope(p.cfg.CookieDomain, b2s(hdr.Host())), p.cfg.Revision),
		Model: p.jurisdiction(c, ip).Model,
	}
	country, sub := p.headerLocation(c)
	region := ""
	if sub != "" {
		region = Region(country, sub) // the regions table's, from the trusted header only
	}
	excludeHit := p.cfg.Exclude.hitExclusion(c, ip)

	var j *job
	var d drops
	post := c.Method() == fiber.MethodPost
	tid, _ := h.Get(0, "tid")
	for i := 0; i < h.NumEvents(); i++ {
		gcs, _ := h.Get(i, "gcs")
		sig.GCS = consent.ParseGCS(b2s(gcs))
		dr, _ := h.Get(i, "dr")
		exclusion := p.cfg.Exclude.eventExclusion(excludeHit, dr)
		sig.Excluded = exclusion != ""
		reason := consent.Decide(sig, p.cfg.Policy)

		// A session-starting page view, and the page load it belongs to
		// (see pageLoads): only those are looked up.
		en, _ := h.Get(i, "en")
		pageView := string(en) == "page_view"
		starts := pageView && (h.has(i, "_ss") || h.has(i, "_fv") || h.has(i, "_nsi"))
		var k, page uint64
		if starts || reason == consentproxy.ReasonForwarded {
			pl, _ := h.Get(i, "_p")
			k = p.loads.key(tid, pl, ip.As16(), hdr.UserAgent())
			if starts {
				dl, _ := h.Get(i, "dl")
				page = p.loads.hash(dl)
			}
		}

		if reason != consentproxy.ReasonForwarded {
			o := p.observe(h, i, reason, now, ua, agent, ip, lang, country, region)
			switch reason {
			case consentproxy.ReasonBot:
				o.Class = botClass(agent)
			case consentproxy.ReasonExcluded:
				o.Class = exclusion
			}
			p.record(o)
			if k != 0 && starts && (reason == consentproxy.ReasonNoConsent || reason == consentproxy.ReasonDenied) {
				var none drops // not counted: a held ping may never be forwarded
				p.loads.hold(k, page, p.heldPing(h, i, post, ip, hdr.UserAgent(), lang, &none), now)
				p.held.Add(1)
			}
			continue
		}
		var release *job
		if k != 0 {
			var repeat, resent bool
			release, repeat, resent = p.loads.forwarded(k, page, pageView, starts, now)
			if repeat {
				p.repeats.Add(1) // the page view reached Google already, and was counted
				continue
			}
			if !resent {
				p.record(p.observe(h, i, reason, now, ua, agent, ip, lang, country, region))
			}
		} else {
			p.record(p.observe(h, i, reason, now, ua, agent, ip, lang, country, region))
		}
		if release != nil {
			p.cfg.Forwarder.enqueue(grant(release, h, i))
			p.released.Add(1)
		}
		if j == nil {
			j = p.cfg.Forwarder.get()
			j.post = post
			j.uri = append(j.uri, "/g/collect?"...)
			region := ""
			if hasKey(h.Shared(), "ur") {
				region = p.region(c, ip) // only then: the Minimizer replaces a client's ur
			}
			j.uri = p.cfg.Minimizer.AppendShared(j.uri, h.Shared(), ip, region, &d)
			j.ua = append(j.ua, hdr.UserAgent()...)
			j.lang = append(j.lang, lang...)
		}
		if len(body) > 0 {
			if len(j.body) > 0 {
				j.body = append(j.body, '\n')
			}
			j.body = p.cfg.Minimizer.AppendEvent(j.body, h.Event(i), &d)
		}
	}
	if j != nil {
		p.cfg.Forwarder.enqueue(j)
	}
	p.countDrops(tid, &d)
	return c.SendStatus(fiber.StatusNoContent)
}

// heldPing minimizes event i, a page view ping without consent, into a job
// that pageLoads may release later: without its consent state and client
// id, which grant adds from the hit that releases it.
func (p *Proxy) heldPing(h *Hit, i int, post bool, ip netip.Addr, ua, lang []byte, d *drops) *job {
	j := p.cfg.Forwarder.get()
	j.post = post
	j.uri = append(j.uri, "/g/collect?"...)
	j.uri = p.cfg.Minimizer.appendShared(j.uri, h.Shared(), ip, "", d, true)
	if post && len(h.Event(i)) > 0 {
		j.body = p.cfg.Minimizer.appendParams(j.body, h.Event(i), d, true)
	}
	j.ua = append(j.ua, ua...)
	j.lang = append(j.lang, lang...)
	return j
}

// grant completes a held ping with the consent state and client id of
// event i, the forwarded hit of the same page load that releases it.
func grant(j *job, h *Hit, i int) *job {
	for _, k := range consentParams {
		if v, ok := h.Get(i, k); ok {
			j.uri = append(j.uri, '&')
			j.uri = append(j.uri, k...)
			j.uri = append(j.uri, '=')
			j.uri = appendEscaped(j.uri, v)
		}
	}
	return j
}

// observe describes event i for the aggregator. The strings alias the Hit's
// buffer and the request; the Recorder copies what it keeps.
func (p *Proxy) observe(h *Hit, i int, reason consentproxy.Reason, now time.Time, ua string,
	agent consentproxy.Agent, ip netip.Addr, lang []byte, country, region string) *consentproxy.Observation {
	o := &h.obs
	*o = consentproxy.Observation{
		Time:      now,
		Reason:    reason,
		UserAgent: ua,
		IP:        ip,
		Agent:     agent,
		Country:   country,
		Region:    region,
	}
	tid, _ := h.Get(i, "tid")
	o.Site = b2s(tid)
	if reason.Suppressed() {
		// An opted-out visitor's hit tells the aggregator its site and
		// reason, and nothing else.
		o.UserAgent, o.IP, o.Agent, o.Country, o.Region = "", netip.Addr{}, consentproxy.Agent{}, "", ""
		return o
	}
	en, _ := h.Get(i, "en")
	dl, _ := h.Get(i, "dl")
	dr, _ := h.Get(i, "dr")
	o.Event, o.Location, o.Referrer = b2s(en), b2s(dl), b2s(dr)
	o.Params, o.Index = h, i
	if ul, ok := h.Get(i, "ul"); ok {
		o.Language = b2s(ul)
	} else {
		o.Language = firstLanguage(lang)
	}
	if et, ok := h.Get(i, "_et"); ok {
		if n, err := strconv.ParseInt(b2s(et), 10, 64); err == nil && n > 0 {
			// The client reports _et, so one hit must not be able to
			// claim a day: no visible page accrues more than a session's
			// idle limit between two hits.
			o.EngagementMS = min(n, consentproxy.MaxEngagementMS)
		}
	}
	return o
}

// firstLanguage returns the first tag of an Accept-Language header.
func firstLanguage(v []byte) string {
	for i, c := range v {
		if c == ',' || c == ';' {
			return b2s(v[:i])
		}
	}
	return b2s(v)
}
