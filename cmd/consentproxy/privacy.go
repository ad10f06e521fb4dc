package main

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/aggregate"
	"github.com/consentproxy/consentproxy/consent"
	"github.com/consentproxy/consentproxy/dashboard"
	"github.com/consentproxy/consentproxy/privacy"
	"github.com/consentproxy/consentproxy/proxy"
	"github.com/consentproxy/consentproxy/static"
	"github.com/consentproxy/consentproxy/static/i18n"
	"github.com/consentproxy/consentproxy/web"
)

// Routes of the privacy notice. static.NoticePath is the one the banner
// links to.
const (
	privacyPath     = static.NoticePath
	privacyJSONPath = static.NoticePath + ".json"
)

// Google's cookies as Google documents them for gtag.js: _ga (the client
// id) and _ga_<container-id> (session state), both for 2 years. The proxy
// does not set them; consent.Handlers expires every _ga and _ga_* cookie it
// sees on withdrawal, which TestPrivacyNoticeCookies holds to these names.
const (
	googleClientCookie  = "_ga"
	googleSessionPrefix = "_ga_"
	googleCookieMaxAge  = 2 * 365 * 24 * time.Hour
)

// dashboardSessionTTL is dashboard.Config.SessionTTL's default, which Main
// keeps; TestPrivacyNoticeCookies compares it with the Max-Age of a real
// sign-in.
const dashboardSessionTTL = 12 * time.Hour

// forwardedHeaders are the only request headers the forwarder passes on
// (proxy/forward.go); TestPrivacyNoticeForwarding holds it to them.
var forwardedHeaders = []string{"User-Agent", "Accept-Language"}

// privacyFacts states what a proxy running with cfg does, from cfg and from
// the constants of the packages that set the cookies and shape the hits.
func privacyFacts(cfg Config) privacy.Facts {
	scope, domain := privacy.ScopeProxyHost, ""
	if cfg.CookieDomain != "" {
		scope, domain = privacy.ScopeDomain, consent.Scope(cfg.CookieDomain, "")
	}
	day := 24 * time.Hour
	f := privacy.Facts{
		Revision:       cfg.Revision,
		ConsentMaxAge:  cfg.ConsentMaxAge,
		BannerMode:     cfg.BannerMode,
		MeasurementIDs: cfg.MeasurementIDs,
		Cookies: []privacy.Cookie{
			{Name: consent.ConsentCookie, Purpose: privacy.PurposeConsent, Category: privacy.CategoryNecessary,
				MaxAge: cfg.ConsentMaxAge, Scope: scope, Domain: domain, SetBy: privacy.SetByProxy},
			{Name: consent.OptOutCookie, Purpose: privacy.PurposeOptOut, Category: privacy.CategoryNecessary,
				MaxAge: consent.OptOutMaxAge, Scope: scope, Domain: domain, SetBy: privacy.SetByProxy},
			// The banner keeps it as long as the choice: config.json's
			// expiry_days, the consent lifetime rounded up to whole days.
			{Name: static.RevisionCookie, Purpose: privacy.PurposeRevision, Category: privacy.CategoryNecessary,
				MaxAge: (cfg.ConsentMaxAge + day - 1) / day * day, Scope: privacy.ScopeSiteHost, SetBy: privacy.SetByBanner},
		},
		GoogleCookies: []privacy.Cookie{{Name: googleClientCookie, Purpose: privacy.PurposeGAClient,
			Category: privacy.CategoryAnalytics, MaxAge: googleCookieMaxAge, Scope: privacy.ScopeSiteDomain, SetBy: privacy.SetByGoogle}},
		Storage: []privacy.StorageEntry{
			{Name: static.NoticeKey, Kind: privacy.StorageLocal, Purpose: privacy.PurposeNoticeDismissed},
		},
		Signals: privacy.Signals{OptOutCookie: consent.OptOutCookie, GPC: cfg.HonorGPC, DNT: cfg.HonorDNT,
			OptInOverridesSignals: cfg.AllowOptInOverSignals},
		Google: googleFacts(cfg),
		Stored: privacy.Stored{
			Enabled:             cfg.Store != "none",
			Tables:              consentproxy.Tables(),
			CountWithoutConsent: cfg.CountWithoutConsent,
			Retention:           cfg.Retention,
			MinCount:            cfg.MinCount,
			CountryHeader:       cfg.CountryHeader != "",
			GeoIP:               cfg.GeoIPDB != "",
			SessionTimeout:      aggregate.DefaultSessionTimeout,
		},
		Rights: []privacy.Endpoint{
			{Right: privacy.RightView, Method: fiber.MethodGet, Path: "/consent"},
			{Right: privacy.RightWithdraw, Method: fiber.MethodDelete, Path: "/consent"},
			{Right: privacy.RightOptOut, Method: fiber.MethodGet, Path: "/optout"},
			{Right: privacy.RightNotice, Method: fiber.MethodGet, Path: privacyJSONPath},
		},
	}
	if f.Stored.MinCount == 0 {
		f.Stored.MinCount = 5 // stats.Config's default for an unset MinCount
	}
	for _, r := range consentproxy.Reasons() {
		f.Stored.Outcomes = append(f.Stored.Outcomes, r.String())
	}
	if cfg.Store != "none" { // with a tokens file or the sign-in link
		f.Cookies = append(f.Cookies, privacy.Cookie{Name: dashboard.CookieName, Purpose: privacy.PurposeDashboard,
			Category: privacy.CategoryNecessary, MaxAge: dashboardSessionTTL, Scope: privacy.ScopeProxyHost,
			SetBy: privacy.SetByProxy, HTTPOnly: true})
	}
	if cfg.StaffExclusion {
		f.Cookies = append(f.Cookies, privacy.Cookie{Name: consent.StaffCookie, Purpose: privacy.PurposeStaff,
			Category: privacy.CategoryNecessary, MaxAge: consent.StaffMaxAge, Scope: scope, Domain: domain,
			SetBy: privacy.SetByProxy})
	}
	f.Jurisdictions, f.LocationSource = jurisdictionFacts(cfg)
	for _, id := range cfg.MeasurementIDs {
		f.GoogleCookies = append(f.GoogleCookies, privacy.Cookie{Name: googleSessionPrefix + strings.TrimPrefix(id, "G-"),
			Purpose: privacy.PurposeGASession, Category: privacy.CategoryAnalytics, MaxAge: googleCookieMaxAge,
			Scope: privacy.ScopeSiteDomain, SetBy: privacy.SetByGoogle, Site: id})
	}
	return f
}

// googleFacts asks the minimizer's own functions what they keep, rather
// than restating it: the prefix lengths come from truncating an address
// whose host bits are all ones.
func googleFacts(cfg Config) privacy.Google {
	g := privacy.Google{IPMode: cfg.IPMode.String(), Headers: forwardedHeaders, KeptUserParams: cfg.KeepUserParams,
		KeptURLParams: cfg.KeepURLParams, ForwardedParams: proxy.ForwardedParams(), SearchTerms: cfg.KeepSearchTerms}
	if g.KeptURLParams == nil {
		// What the Minimizer does with nil; an empty list (--keep-url-params
		// none) keeps nothing, and the notice says so.
		g.KeptURLParams = proxy.DefaultKeepURLParams
	}
	for _, p := range []string{"uid", "up.*", "upn.*"} {
		kept := false
		for _, k := range cfg.KeepUserParams {
			kept = kept || k == p
		}
		if !kept {
			g.DroppedParams = append(g.DroppedParams, p)
		}
	}
	if cfg.IPMode == proxy.IPRedact {
		g.IPExample[1] = netip.IPv6Unspecified() // what _uip carries instead
		return g
	}
	g.IPv4Prefix = keptBits(netip.MustParseAddr("1.255.255.255"))
	g.IPv6Prefix = keptBits(netip.MustParseAddr("2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
	g.IPExample[0] = netip.MustParseAddr("203.0.113.77")
	g.IPExample[1] = proxy.TruncateIP(g.IPExample[0])
	return g
}

// keptBits is how many leading bits proxy.TruncateIP keeps of a.
func keptBits(a netip.Addr) int {
	t := proxy.TruncateIP(a)
	if !t.IsValid() {
		return 0
	}
	for bits := 0; bits <= a.BitLen(); bits++ {
		if p, _ := a.Prefix(bits); p.Addr() == t {
			return bits
		}
	}
	return 0
}

// noticePage is one rendered notice, with its ETag.
type noticePage struct {
	body []byte
	etag string
}

// registerPrivacy serves GET /privacy (HTML in the visitor's language, no
// script) and GET /privacy.json. The configuration does not change while
// the process runs, so every language is rendered once, here.
func (m *Main) registerPrivacy() error {
	f := privacyFacts(m.Config)
	langs := i18n.Texts{}
	pages := map[string]map[string]noticePage{privacy.FormatHTML: {}, privacy.FormatJSON: {}}
	for _, lang := range privacy.Languages() {
		langs[lang] = nil // Pick only needs the tags
		for format := range pages {
			b, err := privacy.Render(f, format, lang, privacy.Options{})
			if err != nil {
				return fmt.Errorf("privacy notice: %w", err)
			}
			sum := sha256.Sum256(b)
			pages[format][lang] = noticePage{body: b, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		}
	}
	csp := privacy.CSP()
	serve := func(format string) fiber.Handler {
		return func(c *fiber.Ctx) error {
			// ?lang= first (a link can pick a language), then Accept-Language.
			lang, fromQuery := c.Query("lang"), true
			if lang == "" {
				lang, fromQuery = string(c.Request().Header.Peek(fiber.HeaderAcceptLanguage)), false
			}
			lang = langs.Pick(lang)
			p := pages[format][lang]
			h := &c.Response().Header
			if !fromQuery {
				c.Vary(fiber.HeaderAcceptLanguage)
			}
			h.Set(fiber.HeaderCacheControl, "no-cache")
			h.Set(fiber.HeaderETag, p.etag)
			h.Set(fiber.HeaderContentLanguage, lang)
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if format == privacy.FormatHTML {
				h.Set(fiber.HeaderContentSecurityPolicy, csp)
				h.Set("Cross-Origin-Resource-Policy", "same-origin")
				h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
				h.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			} else {
				// Public facts, no credentials: any site may read them to
				// build its own policy page.
				h.Set(fiber.HeaderAccessControlAllowOrigin, "*")
				h.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
			}
			if inm := string(c.Request().Header.Peek(fiber.HeaderIfNoneMatch)); inm != "" && web.ETagMatch(inm, p.etag) {
				return c.SendStatus(fiber.StatusNotModified)
			}
			return c.Send(p.body)
		}
	}
	m.App.Get(privacyPath, serve(privacy.FormatHTML))
	m.App.Get(privacyJSONPath, serve(privacy.FormatJSON))
	return nil
}

// runPrivacyNotice is `consentproxy privacy-notice`: the notice for a
// configuration (every proxy flag, the environment and --config apply as
// for the proxy itself), printed for pasting into a site's policy.
func runPrivacyNotice(args []string, stdout, stderr io.Writer) int {
	r := newRawConfig()
	r.fs.SetOutput(stderr)
	format := r.fs.String("format", privacy.FormatMarkdown, "privacy-notice: "+strings.Join(privacy.Formats(), ", "))
	lang := r.fs.String("lang", privacy.DefaultLanguage, "privacy-notice: language, one of "+strings.Join(privacy.Languages(), ", "))
	base := r.fs.String("base-url", "", "privacy-notice: the proxy's public URL, e.g. https://proxy.example.com, to link its endpoints")
	if err := r.parse(args, os.LookupEnv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "consentproxy privacy-notice:", err)
		return 2
	}
	cfg, errs := r.validate()
	if u, err := url.Parse(*base); *base != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "") {
		errs = append(errs, fmt.Sprintf("--base-url: %q is not a URL such as https://proxy.example.com or https://example.com/cp", *base))
	}
	if len(errs) > 0 {
		fmt.Fprintln(stderr, "consentproxy privacy-notice: invalid configuration:")
		for _, e := range errs {
			fmt.Fprintln(stderr, "  "+e)
		}
		return 1
	}
	b, err := privacy.Render(privacyFacts(cfg), *format, *lang, privacy.Options{BaseURL: *base})
	if err != nil {
		fmt.Fprintln(stderr, "consentproxy privacy-notice:", err)
		return 1
	}
	if _, err := stdout.Write(b); err != nil {
		fmt.Fprintln(stderr, "consentproxy privacy-notice:", err)
		return 1
	}
	return 0
}

// jurisdictionFacts are the regions table as the notice states it. Without
// a location source the proxy knows nobody's place, so only the unknown
// row applies and only it is stated.
func jurisdictionFacts(cfg Config) ([]privacy.Jurisdiction, string) {
	var src []string
	if cfg.CountryHeader != "" || cfg.RegionHeader != "" {
		src = append(src, privacy.LocationHeader)
	}
	if cfg.GeoIPDB != "" {
		src = append(src, privacy.LocationGeoIP)
	}
	all := cfg.Regions.All()
	if len(src) == 0 || cfg.Regions.Uniform() {
		all = all[len(all)-1:]
	}
	out := make([]privacy.Jurisdiction, len(all))
	for i, j := range all {
		out[i] = privacy.Jurisdiction{Group: j.Group, Model: j.Model.String(), Where: j.Where, Marketing: j.Marketing, Reask: j.Reask}
	}
	return out, strings.Join(src, ",")
}

// reportNotes are the settings the compliance report prints as in force:
// what the numbers of its decisions mean for this deployment.
func reportNotes(cfg Config) []string {
	yes := func(b bool, on, off string) string {
		if b {
			return on
		}
		return off
	}
	notes := []string{
		yes(cfg.HonorGPC, "Global Privacy Control (Sec-GPC: 1) is honoured on the server: such hits are never sent to Google.",
			"Global Privacy Control is not honoured as such (--honor-gpc=false), except in opt-out jurisdictions, where the law makes it an opt-out."),
		yes(cfg.HonorDNT, "Do Not Track (DNT: 1) is honoured on the server: such hits are never sent to Google.",
			"Do Not Track is not honoured (--honor-dnt=false)."),
		"The visitor's address reaches Google " + map[string]string{"truncate": "truncated (IPv4 /24, IPv6 /48)", "redact": "not at all (redacted)"}[cfg.IPMode.String()] + ".",
		yes(cfg.CountWithoutConsent, "Hits without analytics consent are counted in the aggregates (never sent to Google).",
			"Hits without analytics consent are not counted beyond their decision."),
	}
	for _, j := range cfg.Regions.All() {
		where := strings.Join(j.Where, ", ")
		if where == "" {
			where = map[string]string{"elsewhere": "every other known place", "unknown": "where the place is not known"}[j.Group]
		}
		notes = append(notes, fmt.Sprintf("Jurisdiction %s (%s): %s; a refusal is respected for %d days.", j.Group, where, j.Model, int(j.Reask.Hours()/24)))
	}
	return notes
}
