package consent

import (
	"encoding/json"
	"maps"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"golang.org/x/net/publicsuffix"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/static"
	"github.com/consentproxy/consentproxy/static/i18n"
	"github.com/consentproxy/consentproxy/web"
)

// Outcomes of a banner decision, counted per revision (never per visitor).
const (
	OutcomeAcceptAll = "accept_all"
	OutcomeRejectAll = "reject_all"
	OutcomeCustom    = "custom"
	OutcomeWithdraw  = "withdraw"
)

// Defaults of the POST /consent limit on Handlers: a visitor answers the
// banner once, and a household or office behind one address a few times.
const (
	DefaultPostsPerMinute = 10
	DefaultPostBurst      = 20
)

// OptOutMaxAge is the opt-out cookie's lifetime: 400 days, the longest
// lifetime current browsers keep a cookie for.
const OptOutMaxAge = 400 * 24 * time.Hour

// Handlers serves the visitor's own consent and opt-out endpoints.
type Handlers struct {
	Codec *Codec
	// Revision is the current policy revision. Default "1".
	Revision string
	// CookieDomain scopes both cookies; "" means host-only cookies. Default "".
	CookieDomain string
	// Origins are the site's pages that may call /consent* and /optout from
	// another origin: they get CORS answers with credentials and may post
	// choices. Default none.
	Origins *web.Origins
	// Sites are the measurement ids a choice may be attributed to.
	Sites map[string]bool
	// Choice, if set, counts a decision (site, revision, outcome) and the
	// group of the jurisdiction it was made in ("eea", "unknown", …).
	Choice func(site, revision, outcome, jurisdiction string)

	// Regions is the consent model by place. Default nil: opt-in for
	// everyone, as if every place were unknown.
	Regions *Regions
	// Region finds the visitor's region as the proxy spells it ("US-CA",
	// "DE", or "" when unknown): pass the proxy's (trusted CDN headers,
	// then GeoIP), so that the banner and the hits are decided by the
	// same place. Default nil: every visitor is unknown, and the banner
	// is one copy, cached publicly.
	Region func(*fiber.Ctx) string

	// Policy is how the proxy treats privacy signals. The banner (through
	// config.json) and the opt-out page follow it, so pass the same policy
	// the proxy decides with. Default nil: honour both GPC and DNT, as the
	// --honor-gpc and --honor-dnt flags do by default.
	Policy *Policy
	// AllowOptInOverSignals lets a visitor's explicit opt-in in the banner's
	// preferences modal win over GPC/DNT in the browser. Default false: the
	// signal wins and the modal's categories are locked. The proxy's Decide
	// must agree for hits to be forwarded (see Policy.ConsentOverridesSignals and docs/banner.md).
	AllowOptInOverSignals bool
	// Texts override the built-in banner and opt-out page texts; they are
	// merged over i18n.Builtin() with i18n.Merge, so any subset of languages
	// and keys will do ("*" for every language). Default none.
	Texts i18n.Texts
	// Mode is the banner's mode, ModeBasic or ModeAdvanced; a page's
	// data-mode attribute wins. Default ModeBasic.
	Mode string
	// PrivacyURL is the privacy policy the banner links to: an http(s) URL,
	// or a path on the site's own origin. Default DefaultPrivacyURL ("/privacy").
	PrivacyURL string

	// StaffExclusion serves GET/POST /exclude, the page where the site's
	// staff exclude their own browser (StaffCookie). The proxy must honour
	// the cookie too (proxy.Exclusions.Staff). Default false.
	StaffExclusion bool

	// ClientIP finds the client address POST /consent is limited by: pass
	// web.Trust.ClientIP, so that behind a reverse proxy each visitor
	// counts, not the proxy. Default: the direct peer's address.
	ClientIP func(*fiber.Ctx) netip.Addr
	// PostsPerMinute bounds POST /consent per client address (IPv6 per
	// /64), in bursts of PostBurst, so that one address cannot inflate the
	// consent rate; past it the answer is 429. Default
	// DefaultPostsPerMinute (10); negative: no limit. The clock is the
	// Codec's.
	PostsPerMinute int
	// PostBurst is the burst of PostsPerMinute. Default DefaultPostBurst (20).
	PostBurst int

	// Filled by Register from the settings above.
	policy         Policy
	mode           string
	privacyURL     string
	texts          i18n.Texts
	configs        map[string]*static.Asset // config.json per language
	configHandlers map[string]fiber.Handler
	configVersion  string
	page           *optOutPage
	staff          *staffPage
	limiter        *web.IPLimiter // nil: no limit
	retryAfter     string
	refused        *postCounters // a pointer: Handlers is a settings value tests copy
}

type postCounters struct{ malformed, limited atomic.Uint64 }

// PostStats counts refused POST /consent requests.
type PostStats struct {
	Malformed uint64 // 400 or 413: a body that is not a choice
	Limited   uint64 // 429: over the address's limit
}

// PostStats returns the counts so far, for metrics; zero before Register.
func (h *Handlers) PostStats() PostStats {
	if h.refused == nil {
		return PostStats{}
	}
	return PostStats{Malformed: h.refused.malformed.Load(), Limited: h.refused.limited.Load()}
}

// Register mounts the routes. It fills in defaults for missing settings and
// replaces invalid ones by their defaults; call Validate first to refuse
// them instead. The settings must not change afterwards.
//
// Every /consent* and /optout route answers CORS for allowed origins,
// preflights included.
func (h *Handlers) Register(r fiber.Router) {
	h.prepare()
	for _, p := range []string{"/consent", "/consent/config.json", "/optout"} {
		r.Options(p, h.preflight)
	}
	r.Get("/consent", h.withCORS(h.get))
	r.Post("/consent", h.withCORS(h.post))
	r.Delete("/consent", h.withCORS(h.delete))
	r.Get("/consent/config.json", h.withCORS(h.config))
	r.Get("/optout", h.optOutPage)
	r.Post("/optout", h.withCORS(h.optOutPost))
	r.Delete("/optout", h.withCORS(h.optIn))
	if h.StaffExclusion {
		r.Get("/exclude", h.staffGet)
		r.Post("/exclude", h.staffPost)
	}
}

// Scope is what a consent cookie is bound to: the cookie domain, or the host
// when cookies are host-only.
func (h *Handlers) Scope(c *fiber.Ctx) string {
	return Scope(h.CookieDomain, string(c.Request().Header.Host()))
}

// Scope is what a consent cookie is bound to: the cookie domain, or the Host
// header when cookies are host-only. The proxy and the handlers must agree on
// it, so both read the Host header itself: behind a reverse proxy that
// rewrites Host, set --cookie-domain.
func Scope(cookieDomain, host string) string {
	if cookieDomain != "" {
		return strings.TrimPrefix(strings.ToLower(cookieDomain), ".")
	}
	// Cookies ignore ports, so the scope does too.
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	return strings.ToLower(host)
}

type choice struct {
	Analytics *bool  `json:"analytics"`
	Marketing *bool  `json:"marketing"`
	Site      string `json:"site"`
}

func (h *Handlers) post(c *fiber.Ctx) error {
	if h.limiter != nil && !h.limiter.Allow(h.limitKey(c), h.now()) {
		h.refused.limited.Add(1)
		c.Set(fiber.HeaderRetryAfter, h.retryAfter)
		return consentproxy.Errorf(consentproxy.ERATELIMIT, "Too many consent choices from this address; retry later.")
	}
	if !h.Origins.SameSite(c) {
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "Cross-site consent changes are not accepted.")
	}
	ch, err := parseChoice(c)
	if err != nil {
		h.refused.malformed.Add(1)
		return err
	}
	rec, err := h.Codec.NewRecord(h.Revision, Categories{Analytics: *ch.Analytics, Marketing: *ch.Marketing})
	if err != nil {
		return err // no randomness: a real internal error
	}
	outcome := outcomeOf(rec.Categories)
	j := h.Jurisdiction(c)
	if h.withdraws(c, rec.Categories) {
		// Taking back something granted is a withdrawal: counted once, as
		// such, and Google's cookies go with it.
		outcome = OutcomeWithdraw
		h.expireGA(c)
	}
	c.Cookie(h.cookie(c, ConsentCookie, h.Codec.Encode(rec, h.Scope(c)), h.lifetime(rec.Categories, j)))
	h.count(ch.Site, outcome, j)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusOK).JSON(rec)
}

// withdraws reports whether choosing cats takes back a grant of any valid
// consent cookie the request carries: with several (see OptedOut), one
// that granted more is enough to expire Google's cookies.
func (h *Handlers) withdraws(c *fiber.Ctx, cats Categories) bool {
	scope := h.Scope(c)
	for v := range h.Codec.values(&c.Request().Header) {
		if prev, err := h.Codec.Decode(v, scope); err == nil &&
			(prev.Analytics && !cats.Analytics || prev.Marketing && !cats.Marketing) {
			return true
		}
	}
	return false
}

// limitKey is what POST /consent is limited by: the client address (the
// limiter counts an IPv6 one by its /64, see web.IPLimiter).
func (h *Handlers) limitKey(c *fiber.Ctx) netip.Addr {
	if h.ClientIP != nil {
		return h.ClientIP(c)
	}
	a, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	return a
}

func (h *Handlers) now() time.Time {
	if h.Codec != nil {
		return h.Codec.now()
	}
	return time.Now()
}

// expireGA expires Google's cookies in every scope gtag.js may have set
// them in and a response of the proxy's host can reach. gtag sets _ga and
// _ga_<container> with cookie_domain "auto": on the widest domain the
// browser accepts, the registrable domain (example.com for
// cp.example.com), so a host-only expiry alone leaves them in place. Each
// name is expired host-only, on every parent domain of the host down to the
// registrable domain (the public suffix list decides where that is), and on
// --cookie-domain. Names: those the request carries, plus _ga and the
// _ga_<id> of every served measurement id, which a browser may hold where
// this request does not show them.
func (h *Handlers) expireGA(c *fiber.Ctx) {
	names := map[string]bool{"_ga": true}
	for id := range h.Sites {
		names["_ga_"+strings.TrimPrefix(id, "G-")] = true
	}
	for k := range c.Request().Header.Cookies() {
		if name := string(k); name == "_ga" || strings.HasPrefix(name, "_ga_") || strings.HasPrefix(name, "_gcl_") {
			names[name] = true
		}
	}
	domains := gaDomains(c.Hostname(), h.CookieDomain)
	secure := c.Protocol() == "https"
	ck := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(ck)
	for _, name := range slices.Sorted(maps.Keys(names)) {
		for _, d := range domains {
			ck.Reset()
			ck.SetKey(name)
			ck.SetPath("/")
			ck.SetDomain(d)
			ck.SetExpire(fasthttp.CookieExpireDelete)
			ck.SetMaxAge(-1)
			ck.SetSecure(secure)
			ck.SetSameSite(fasthttp.CookieSameSiteLaxMode)
			// Add, not SetCookie: that keeps one cookie per name, and every
			// scope needs its own Set-Cookie.
			c.Response().Header.Add(fiber.HeaderSetCookie, string(ck.Cookie()))
		}
	}
}

// gaDomains lists the scopes to expire Google's cookies in: "" (host-only),
// each parent domain of host down to its registrable domain, and extra.
// An address or a name without a registrable domain (localhost) has only
// the host-only scope, and extra.
func gaDomains(host, extra string) []string {
	out := []string{""}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if _, err := netip.ParseAddr(host); err != nil && host != "" {
		if reg, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
			for d := host; ; {
				out = append(out, d)
				if d == reg {
					break
				}
				_, d, _ = strings.Cut(d, ".")
			}
		}
	}
	if extra = strings.TrimPrefix(strings.ToLower(extra), "."); extra != "" && !slices.Contains(out, extra) {
		out = append(out, extra)
	}
	return out
}

// parseChoice reads a choice strictly: JSON {"analytics":bool,
// "marketing":bool,"site":string}, or a form (urlencoded, as the banner
// sends it, or multipart) whose analytics and marketing fields are
// checkboxes or explicit values. Anything else is EINVALID, never a
// choice: a body that does not parse (bad percent-encoding, a broken
// multipart body), another content type, a field given twice, a value that
// is no boolean, or a file. Before, a form that failed to parse read as
// two empty fields, which is a refusal, and such posts were counted as
// reject-all. Other form fields are ignored (a named submit button), and
// so is the query string.
func parseChoice(c *fiber.Ctx) (choice, error) {
	var ch choice
	if len(c.Body()) > 1024 {
		return ch, consentproxy.Errorf(consentproxy.ETOOLARGE, "A consent choice is at most 1 KiB.")
	}
	var form map[string][]string
	switch mediaType(c) {
	case fiber.MIMEApplicationJSON:
		if err := json.Unmarshal(c.Body(), &ch); err != nil {
			return ch, consentproxy.Errorf(consentproxy.EINVALID, "Invalid JSON: expected {\"analytics\":bool,\"marketing\":bool}.")
		}
		if ch.Analytics == nil || ch.Marketing == nil {
			return ch, consentproxy.Errorf(consentproxy.EINVALID, "Both \"analytics\" and \"marketing\" are required.")
		}
		return ch, nil
	case fiber.MIMEApplicationForm:
		v, err := url.ParseQuery(string(c.Body()))
		if err != nil {
			return ch, consentproxy.Errorf(consentproxy.EINVALID, "The form is not valid URL encoding.")
		}
		form = v
	case fiber.MIMEMultipartForm:
		mf, err := c.MultipartForm()
		if err != nil {
			return ch, consentproxy.Errorf(consentproxy.EINVALID, "The multipart form does not parse.")
		}
		if len(mf.File) > 0 {
			return ch, consentproxy.Errorf(consentproxy.EINVALID, "A consent choice carries no files.")
		}
		form = mf.Value
	default:
		return ch, consentproxy.Errorf(consentproxy.EINVALID, "Send JSON or a form post.")
	}
	for _, f := range []struct {
		name string
		dst  **bool
	}{{"analytics", &ch.Analytics}, {"marketing", &ch.Marketing}} {
		vs := form[f.name]
		if len(vs) > 1 {
			return ch, consentproxy.Errorf(consentproxy.EINVALID, "Field %q is given more than once.", f.name)
		}
		v, ok := formBool(strings.Join(vs, ""))
		if !ok {
			return ch, consentproxy.Errorf(consentproxy.EINVALID, "Field %q must be true/false, on/off or 1/0.", f.name)
		}
		*f.dst = &v
	}
	if len(form["site"]) > 1 {
		return ch, consentproxy.Errorf(consentproxy.EINVALID, "Field \"site\" is given more than once.")
	}
	ch.Site = strings.Join(form["site"], "")
	return ch, nil
}

// mediaType is the request's content type without parameters, lower case.
func mediaType(c *fiber.Ctx) string {
	ct, _, _ := strings.Cut(string(c.Request().Header.ContentType()), ";")
	return strings.ToLower(strings.TrimSpace(ct))
}

// formBool reads an HTML checkbox or an explicit value. An unchecked checkbox
// is absent, so "" means false.
func formBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "", "0", "false", "off", "no":
		return false, true
	case "1", "true", "on", "yes":
		return true, true
	}
	return false, false
}

func outcomeOf(c Categories) string {
	switch {
	case c.Analytics && c.Marketing:
		return OutcomeAcceptAll
	case !c.Analytics && !c.Marketing:
		return OutcomeRejectAll
	}
	return OutcomeCustom
}

func (h *Handlers) count(site, outcome string, j Jurisdiction) {
	if h.Choice == nil {
		return
	}
	if !h.Sites[site] {
		site = "" // unknown ids are not stored as sites
	}
	h.Choice(site, h.Revision, outcome, j.Group)
}

// Jurisdiction is the rule of the visitor's place: the one their hits are
// decided by too.
func (h *Handlers) Jurisdiction(c *fiber.Ctx) Jurisdiction {
	region := ""
	if h.Region != nil {
		region = h.Region(c)
	}
	return h.Regions.Lookup(region)
}

// lifetime is how long the consent cookie of a choice lives: a grant of
// analytics the consent lifetime, a refusal the jurisdiction's re-ask
// period, after which the banner may ask again.
func (h *Handlers) lifetime(cats Categories, j Jurisdiction) time.Duration {
	if !cats.Analytics && j.Reask > 0 {
		return j.Reask
	}
	return h.Codec.MaxAge()
}

// get returns the visitor's own record: their right of access, answered from
// the receipt they hold, because the server keeps none.
func (h *Handlers) get(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	out := fiber.Map{
		"opted_out": OptedOut(&c.Request().Header),
		"gpc":       string(c.Request().Header.Peek("Sec-GPC")) == "1",
		"dnt":       string(c.Request().Header.Peek("DNT")) == "1",
		"revision":  h.Revision,
		"consent":   nil,
		// The model the proxy decides this visitor's hits by.
		"jurisdiction": h.bannerJurisdiction(h.Jurisdiction(c), false),
	}
	switch rec, err := h.Codec.DecodeHeader(&c.Request().Header, h.Scope(c)); {
	case err == nil:
		out["consent"] = rec
		out["current"] = rec.Revision == h.Revision
	case err != ErrNoCookie:
		out["consent_error"] = err.Error()
	}
	return c.JSON(out)
}

func (h *Handlers) delete(c *fiber.Ctx) error {
	c.Cookie(h.cookie(c, ConsentCookie, "", -1))
	h.expireGA(c)
	h.count(c.Query("site"), OutcomeWithdraw, h.Jurisdiction(c))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) optIn(c *fiber.Ctx) error {
	if !h.Origins.SameSite(c) {
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "Cross-site opt-out changes are not accepted.")
	}
	c.Cookie(h.cookie(c, OptOutCookie, "", -1))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"opted_out": false})
}

// cookie builds a first-party cookie; maxAge < 0 expires it.
func (h *Handlers) cookie(c *fiber.Ctx, name, value string, maxAge time.Duration) *fiber.Cookie {
	ck := &fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Domain:   h.CookieDomain,
		Secure:   c.Protocol() == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
		// Not HttpOnly: the banner reads the consent cookie to apply the choice
		// before any tag loads. Its signature, not secrecy, protects it.
	}
	if maxAge < 0 {
		ck.Expires = time.Unix(0, 0)
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(maxAge / time.Second)
	}
	return ck
}
