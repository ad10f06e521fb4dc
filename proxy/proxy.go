// Package proxy serves the GA-facing endpoints: gtag.js from a cache and
// /g/collect, where every hit is parsed, decided (consent.Decide), counted
// (a consentproxy.Recorder) and, when allowed, minimized and forwarded to
// Google through a bounded asynchronous queue.
package proxy

import (
	"context"
	"net/netip"
	"regexp"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/web"
)

// Config wires the proxy. Only cmd/consentproxy builds one.
type Config struct {
	// MeasurementIDs are the GA4 ids served and forwarded. Required.
	MeasurementIDs []string
	// Origins may send hits cross-origin; CORS headers name only them.
	Origins *web.Origins
	// Trust decides when X-Forwarded-For and the country header are believed.
	Trust *web.Trust
	// CountryHeader, if set, is a CDN header with the visitor's ISO country
	// (e.g. CF-IPCountry), read only from trusted peers. Default "".
	CountryHeader string
	// RegionHeader, if set, is a CDN header with the visitor's ISO 3166-2
	// subdivision, alone (CF-Region-Code: CA) or with the country
	// (X-Forwarded-CountryRegion: US-CA), read only from trusted peers.
	// Default "".
	RegionHeader string
	// Locator finds country and subdivision when no header says them.
	// Default: none.
	Locator Locator
	// Policy is the decision's configuration (GPC, DNT).
	Policy consent.Policy
	// Regions is the consent model by place: each hit is decided by its
	// visitor's jurisdiction. Pass the table the consent handlers (and so
	// the banner) use. Default nil: opt-in everywhere.
	Regions *consent.Regions
	// Codec verifies consent cookies; Revision is the current policy revision
	// and CookieDomain the cookies' scope ("" = host-only).
	Codec        *consent.Codec
	Revision     string
	CookieDomain string
	// Minimizer shapes what Google receives.
	Minimizer Minimizer
	// Limits bound one hit.
	Limits Limits
	// Agents parses user agents (bounded cache). Required.
	Agents consentproxy.AgentParser
	// Recorder counts every event's observation. Default: none.
	Recorder consentproxy.Recorder
	// DataLayers are the dataLayer names gtag.js may be loaded with
	// (?l=name). Each name is a script of its own that Google builds and
	// the cache holds, so an open set would let anyone make the proxy
	// fetch and compress a fresh copy per request; another name is
	// refused (400). Default: "dataLayer" alone, which gtag.js means when
	// l is absent.
	DataLayers []string
	// Exclude are the site owner's exclusion rules. Default none.
	Exclude Exclusions
	// Forwarder and Scripts talk to Google. Required.
	Forwarder *Forwarder
	Scripts   *Scripts
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Proxy holds the GA-facing handlers.
type Proxy struct {
	cfg        Config
	ids        map[string]bool
	dataLayers map[string]bool
	hits       sync.Pool
	// located: hits need their visitor's place to be decided; unknown is
	// the jurisdiction of everyone otherwise.
	located bool
	unknown consent.Jurisdiction

	outcomes [consentproxy.NumReasons]atomic.Uint64 // per consentproxy.Reason
	drops    [numDropReasons]atomic.Uint64          // parameters kept from Google, per DropReason
	removed  consentproxy.RemovedRecorder           // the Recorder, when it counts them per site too

	diag                    diagStats
	loads                   *pageLoads // page view pings waiting for consent, page views sent
	held, released, repeats atomic.Uint64
}

// New validates cfg.
func New(cfg Config) *Proxy {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Recorder == nil {
		cfg.Recorder = consentproxy.RecorderFunc(func(*consentproxy.Observation) {})
	}
	if cfg.Origins == nil {
		cfg.Origins = web.NewOrigins(nil)
	}
	if cfg.Trust == nil {
		cfg.Trust = web.NewTrust(nil)
	}
	p := &Proxy{cfg: cfg, ids: map[string]bool{}, dataLayers: map[string]bool{"dataLayer": true}}
	p.removed, _ = cfg.Recorder.(consentproxy.RemovedRecorder)
	for _, l := range cfg.DataLayers {
		p.dataLayers[l] = true
	}
	for _, id := range cfg.MeasurementIDs {
		p.ids[id] = true
	}
	// A table that gives everyone the same model needs no place per hit.
	p.located = !cfg.Regions.Uniform() && (cfg.CountryHeader != "" || cfg.RegionHeader != "" || cfg.Locator != nil)
	p.unknown = cfg.Regions.Lookup("")
	p.hits.New = func() any { return new(Hit) }
	p.loads = newPageLoads(cfg.Forwarder.put)
	return p
}

// Register mounts the routes.
func (p *Proxy) Register(r fiber.Router) {
	// Add, not Get: Get would route HEAD here too, and a HEAD is never a hit.
	r.Add(fiber.MethodGet, "/g/collect", p.collect)
	r.Post("/g/collect", p.collect)
	r.Get("/gtag/js", p.gtag)
	r.Get("/_/service_worker/:version/sw_iframe.html", serviceWorkerPage)
	r.Add(fiber.MethodGet, DropPath+"/*", p.drop)
	r.Post(DropPath+"/*", p.drop)
	for _, path := range []string{"/a", "/td"} {
		r.Add(fiber.MethodGet, path, p.diagnostics)
		r.Post(path, p.diagnostics)
	}
}

// Outcomes returns how many events ended with each reason.
func (p *Proxy) Outcomes() map[consentproxy.Reason]uint64 {
	m := map[consentproxy.Reason]uint64{}
	for _, r := range consentproxy.Reasons() {
		m[r] = p.outcomes[r].Load()
	}
	return m
}

// PageViewStats counts what pageLoads did: pings held for want of consent,
// held pings released once the visitor consented on the same page, and
// repeated page views neither forwarded nor counted.
type PageViewStats struct {
	Held, Released, Repeats uint64
	PageLoads               int // remembered now
}

// PageViews returns the page-load counters.
func (p *Proxy) PageViews() PageViewStats {
	return PageViewStats{Held: p.held.Load(), Released: p.released.Load(), Repeats: p.repeats.Load(), PageLoads: p.loads.len()}
}

// DroppedParams returns how many parameters of forwarded hits did not reach
// Google, by reason.
func (p *Proxy) DroppedParams() map[DropReason]uint64 {
	m := map[DropReason]uint64{}
	for _, r := range DropReasons() {
		m[r] = p.drops[r].Load()
	}
	return m
}

// countDrops counts the parameters one request's forwarded hits kept from
// Google: in the process's counters, and per site in the Recorder when it
// is a RemovedRecorder (the removed_params table, the compliance report's
// evidence).
func (p *Proxy) countDrops(site []byte, d *drops) {
	for r, n := range d {
		if n > 0 {
			p.drops[r].Add(uint64(n))
			if p.removed != nil && len(site) > 0 {
				p.removed.RecordRemoved(b2s(site), DropReason(r).String(), int64(n))
			}
		}
	}
}

// measurementID matches GA4 ids (G-XXXXXXX) and the older forms gtag also
// loads (AW-, DC-, GT-); only allowlisted ones are ever served.
var measurementID = regexp.MustCompile(`^(G|GT|AW|DC)-[A-Z0-9]{4,16}$`)

// ValidMeasurementID reports whether id has the shape of a tag id.
func ValidMeasurementID(id string) bool { return measurementID.MatchString(id) }

// b2s views request-owned bytes as a string without copying. Safe only while
// the bytes are alive and unchanged: the Recorder contract says it copies
// what it keeps, and nothing else holds these past the handler.
func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func (p *Proxy) record(o *consentproxy.Observation) {
	p.outcomes[o.Reason].Add(1)
	p.cfg.Recorder.Record(o)
}

// refuse counts an invalid hit and answers with its error.
func (p *Proxy) refuse(now time.Time, err error) error {
	p.record(&consentproxy.Observation{Time: now, Reason: consentproxy.ReasonInvalid})
	return err
}

// cors adds CORS headers for allowed origins only, so a hit from a foreign
// page gets no readable answer.
func (p *Proxy) cors(c *fiber.Ctx) {
	origin := c.Request().Header.Peek(fiber.HeaderOrigin)
	if p.cfg.Origins.Allowed(origin) {
		c.Response().Header.SetBytesV(fiber.HeaderAccessControlAllowOrigin, origin)
		c.Set(fiber.HeaderAccessControlAllowCredentials, "true")
		c.Set(fiber.HeaderVary, fiber.HeaderOrigin)
	}
}

func isPrefetch(c *fiber.Ctx) bool {
	h := &c.Request().Header
	return string(h.Peek("Sec-Purpose")) == "prefetch" || string(h.Peek("Purpose")) == "prefetch" ||
		string(h.Peek("X-Moz")) == "prefetch"
}

// clientIP is the visitor's address; unknown when the peer is not an IP.
func (p *Proxy) clientIP(c *fiber.Ctx) netip.Addr { return p.cfg.Trust.ClientIP(c) }

// gtag serves gtag.js for allowlisted ids from the cache.
func (p *Proxy) gtag(c *fiber.Ctx) error {
	if c.Request().URI().QueryArgs().Has("is_td") {
		// Newer builds send a diagnostics ping as a script load of
		// /gtag/js?…&is_td=1: a ping, not a request for the tag.
		return p.diagnostics(c)
	}
	q, err := p.scriptQuery(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	region := p.region(c, p.clientIP(c))
	sc, err := p.cfg.Scripts.get(ctx, q, region)
	if err != nil {
		return consentproxy.Errorf(consentproxy.EUNAVAIL, "gtag.js is temporarily unavailable.")
	}
	c.Set(fiber.HeaderETag, sc.etag)
	if region != "" {
		// Built for this visitor's region: a shared cache must not hand it
		// to a visitor from elsewhere.
		c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && web.ETagMatch(match, sc.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "application/javascript; charset=utf-8")
	if sc.gz != nil && acceptsGzip(c) {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(sc.gz)
	}
	return c.Send(sc.body)
}

// DataLayerName is what a dataLayer name must look like: a JavaScript
// identifier of at most 64 characters.
var DataLayerName = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]{0,63}$`)

// scriptQuery builds the canonical upstream query: id and l (the dataLayer
// name), both allowlisted, only. Every other parameter is dropped, so the cache
// cannot be flooded with variants and nothing else reaches Google.
func (p *Proxy) scriptQuery(c *fiber.Ctx) (string, error) {
	args := c.Request().URI().QueryArgs()
	id := string(args.Peek("id"))
	if id == "" {
		return "", consentproxy.Errorf(consentproxy.EINVALID, "Missing id.")
	}
	if !p.ids[id] {
		return "", consentproxy.Errorf(consentproxy.EFORBIDDEN, "This id is not served here.")
	}
	q := "id=" + id
	if l := string(args.Peek("l")); l != "" {
		if !p.dataLayers[l] {
			return "", consentproxy.Errorf(consentproxy.EINVALID, "This dataLayer name is not served here (see --datalayer-names).")
		}
		if l != "dataLayer" {
			q += "&l=" + l
		}
	}
	return q, nil
}

func acceptsGzip(c *fiber.Ctx) bool {
	return c.Request().Header.HasAcceptEncoding("gzip")
}
