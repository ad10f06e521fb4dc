package proxy

import (
	"errors"
	"net/netip"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/dims"
)

// collect takes a GA4 hit exactly as gtag sends it and answers at once with
// 204; forwarding happens later, from the queue.
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
	// Every event must name an allowlisted id: a proxy that forwards any id
	// is an open relay into someone else's property.
	for i := 0; i < h.NumEvents(); i++ {
		tid, _ := h.Get(i, "tid")
		if !p.ids[b2s(tid)] {
			return p.refuse(now, consentproxy.Errorf(consentproxy.EFORBIDDEN, "Measurement id not served here."))
		}
	}

	hdr := &req.Header
	ua := b2s(hdr.UserAgent())
	agent := p.cfg.Agents.Parse(ua)
	lang := hdr.Peek(fiber.HeaderAcceptLanguage)
	ip := p.clientIP(c)
	sig := consent.Signals{
		OptOut: len(hdr.Cookie(consent.OptOutCookie)) > 0,
		GPC:    string(hdr.Peek("Sec-GPC")) == "1",
		DNT:    string(hdr.Peek("DNT")) == "1",
		Bot:    agent.Bot || len(lang) == 0 || isPrefetch(c),
		Consent: p.cfg.Codec.StateOf(b2s(hdr.Cookie(consent.ConsentCookie)),
			consent.Scope(p.cfg.CookieDomain, b2s(hdr.Host())), p.cfg.Revision),
	}
	country := ""
	if p.cfg.CountryHeader != "" && p.cfg.Trust.PeerTrusted(c) {
		country = dims.Country(b2s(hdr.Peek(p.cfg.CountryHeader)))
	}

	var j *job
	for i := 0; i < h.NumEvents(); i++ {
		gcs, _ := h.Get(i, "gcs")
		sig.GCS = consent.ParseGCS(b2s(gcs))
		reason := consent.Decide(sig, p.cfg.Policy)
		p.record(p.observe(h, i, reason, now, ua, agent, ip, lang, country))
		if reason != consentproxy.ReasonForwarded {
			continue
		}
		if j == nil {
			j = p.cfg.Forwarder.get()
			j.post = c.Method() == fiber.MethodPost
			j.uri = append(j.uri, "/g/collect?"...)
			j.uri = p.cfg.Minimizer.AppendShared(j.uri, h.Shared(), ip)
			j.ua = append(j.ua, hdr.UserAgent()...)
			j.lang = append(j.lang, lang...)
		}
		if len(body) > 0 {
			if len(j.body) > 0 {
				j.body = append(j.body, '\n')
			}
			j.body = p.cfg.Minimizer.AppendEvent(j.body, h.Event(i))
		}
	}
	if j != nil {
		p.cfg.Forwarder.enqueue(j)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// observe describes event i for the aggregator. The strings alias the Hit's
// buffer and the request; the Recorder copies what it keeps.
func (p *Proxy) observe(h *Hit, i int, reason consentproxy.Reason, now time.Time, ua string,
	agent consentproxy.Agent, ip netip.Addr, lang []byte, country string) *consentproxy.Observation {
	o := &h.obs
	*o = consentproxy.Observation{
		Time:      now,
		Reason:    reason,
		UserAgent: ua,
		IP:        ip,
		Agent:     agent,
		Country:   country,
	}
	tid, _ := h.Get(i, "tid")
	o.Site = b2s(tid)
	if reason.Suppressed() {
		// An opted-out visitor's hit tells the aggregator its site and
		// reason, and nothing else.
		o.UserAgent, o.IP, o.Agent, o.Country = "", netip.Addr{}, consentproxy.Agent{}, ""
		return o
	}
	en, _ := h.Get(i, "en")
	dl, _ := h.Get(i, "dl")
	dr, _ := h.Get(i, "dr")
	o.Event, o.Location, o.Referrer = b2s(en), b2s(dl), b2s(dr)
	if ul, ok := h.Get(i, "ul"); ok {
		o.Language = b2s(ul)
	} else {
		o.Language = firstLanguage(lang)
	}
	if et, ok := h.Get(i, "_et"); ok {
		if n, err := strconv.ParseInt(b2s(et), 10, 64); err == nil && n > 0 {
			o.EngagementMS = n
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
