// Package privacy writes the part of a site's privacy policy that describes
// consentproxy: its cookies, the privacy signals it honours, what reaches
// Google, what it stores and for how long, and how visitors exercise their
// rights.
//
// Hand-written policies drift away from what the software does. Here the
// text is rendered from Facts, which cmd/consentproxy fills from the running
// configuration and from the constants of the packages that set cookies and
// forward hits, and tests there compare the listed cookies with the ones real
// requests and a real browser observe. The package itself is pure: no HTTP,
// no Fiber, only the domain core's table definitions, so the same Facts give
// the same HTML, Markdown and JSON everywhere (served, or printed by
// `consentproxy privacy-notice`).
package privacy

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Facts is everything the notice states. Every field is a fact about the
// deployment; the wording lives in the texts, per language.
type Facts struct {
	// Revision is the policy revision the banner asks consent for
	// (--policy-revision).
	Revision string
	// ConsentMaxAge is how long a choice, accept or reject, stays valid
	// (--consent-max-age).
	ConsentMaxAge time.Duration
	// BannerMode is "basic" (Google's script loads only after consent) or
	// "advanced" (it loads with every consent signal denied).
	BannerMode string
	// MeasurementIDs are the GA4 ids hits may be forwarded to.
	MeasurementIDs []string

	// Cookies are every cookie the proxy or its banner sets or expires.
	Cookies []Cookie
	// GoogleCookies are the cookies Google's script sets once analytics is
	// granted. They are listed apart because this software does not set
	// them; it can only expire them (see Rights).
	GoogleCookies []Cookie
	// Storage are the banner's entries in sessionStorage and localStorage.
	Storage []StorageEntry

	Signals Signals
	// Jurisdictions are the consent rules by place (the --regions table): the
	// rules in order, then "elsewhere" (a known place no rule names) and
	// "unknown" (no place known: the strictest model). Empty: one model,
	// opt-in, for everyone (older callers).
	Jurisdictions []Jurisdiction
	// LocationSource says where the place comes from: "header" (a trusted CDN header), "geoip", both ("header,geoip") or "" (none: everyone is "unknown").
	LocationSource string
	Google         Google
	Stored         Stored
	// Rights are the endpoints through which visitors exercise their rights.
	Rights []Endpoint
}

// Cookie is one row of the cookie table.
type Cookie struct {
	Name string
	// Purpose is a text key: one of the Purpose* constants.
	Purpose string
	// Category is CategoryNecessary or CategoryAnalytics.
	Category string
	// MaxAge is the cookie's lifetime as set (Max-Age).
	MaxAge time.Duration
	// Scope says which hosts receive the cookie: one of the Scope* constants.
	Scope string
	// Domain is the Domain attribute when Scope is ScopeDomain.
	Domain string
	// SetBy is SetByProxy, SetByBanner or SetByGoogle.
	SetBy string
	// HTTPOnly cookies are invisible to scripts.
	HTTPOnly bool
	// Site is the measurement id a per-property Google cookie belongs to.
	Site string
}

// Cookie purposes, categories, scopes and setters.
const (
	PurposeConsent   = "consent"    // the signed consent receipt
	PurposeOptOut    = "optout"     // the opt-out of all measurement
	PurposeRevision  = "revision"   // the site's own revision a choice answered
	PurposeDashboard = "dashboard"  // the dashboard session
	PurposeStaff     = "staff"      // the site's staff excluded their own browser
	PurposeGAClient  = "ga"         // Google's client id
	PurposeGASession = "ga_session" // Google's per-property session state

	CategoryNecessary = "necessary"
	CategoryAnalytics = "analytics"

	ScopeProxyHost  = "proxy_host"  // host-only, on the host serving the proxy
	ScopeSiteHost   = "site_host"   // host-only, on the page's host
	ScopeDomain     = "domain"      // Domain attribute: Cookie.Domain
	ScopeSiteDomain = "site_domain" // the widest domain a script may set (gtag's "auto")

	SetByProxy  = "proxy"
	SetByBanner = "banner"
	SetByGoogle = "google"
)

// StorageEntry is one key the banner keeps in Web Storage.
type StorageEntry struct {
	Name string
	// Kind is StorageSession or StorageLocal.
	Kind string
	// Purpose is a text key: PurposeVerified or PurposeNoticeDismissed.
	Purpose string
}

// Storage kinds and purposes.
const (
	StorageSession = "session"
	StorageLocal   = "local"

	PurposeVerified        = "verified"         // the consent cookie was checked this session
	PurposeNoticeDismissed = "notice_dismissed" // the privacy-signal notice was dismissed
)

// Signals are the privacy signals the proxy honours.
type Signals struct {
	// OptOutCookie is always honoured.
	OptOutCookie string
	// GPC and DNT: whether Sec-GPC: 1 and DNT: 1 count as an opt-out.
	GPC, DNT bool
	// OptInOverridesSignals lets an explicit opt-in in the banner outweigh
	// GPC and DNT (--allow-opt-in-over-signals).
	OptInOverridesSignals bool
}

// IP modes, as --ip-mode spells them.
const (
	IPTruncate = "truncate"
	IPRedact   = "redact"
)

// Google is what a forwarded hit carries, and what it loses.
type Google struct {
	// IPMode is IPTruncate or IPRedact.
	IPMode string
	// IPv4Prefix and IPv6Prefix are the bits of an address kept with
	// IPTruncate.
	IPv4Prefix, IPv6Prefix int
	// IPExample is an address and what Google receives for it.
	IPExample [2]netip.Addr
	// Headers are the only request headers passed on.
	Headers []string
	// DroppedParams are the identifier parameters removed ("uid", "up.*").
	DroppedParams []string
	// KeptUserParams are identifiers forwarded anyway (--keep-user-params).
	KeptUserParams []string
	// KeptURLParams are the query parameters page and referrer URLs keep.
	KeptURLParams []string
	// ForwardedParams is the allowlist: the only parameters a hit may carry
	// to Google (proxy.ForwardedParams).
	ForwardedParams []string
	// SearchTerms says whether site-search terms are forwarded
	// (--keep-search-terms).
	SearchTerms bool
}

// Stored is what the proxy keeps on its server.
type Stored struct {
	// Enabled is false with --store none: nothing is written anywhere.
	Enabled bool
	// Tables are the aggregate tables (consentproxy.Tables()).
	Tables []consentproxy.Table
	// Outcomes are the reasons a hit is counted under.
	Outcomes []string
	// CountWithoutConsent: unconsented hits add to the breakdown tables.
	CountWithoutConsent bool
	// Retention is how long aggregates are kept (--retention).
	Retention time.Duration
	// MinCount is the reports' suppression threshold (--min-count).
	MinCount int
	// CountryHeader and GeoIP say where a country comes from, if anywhere.
	CountryHeader bool
	GeoIP         bool
	// SessionTimeout ends a visit after this much inactivity (in memory).
	SessionTimeout time.Duration
}

// Endpoint is a route through which a visitor exercises a right.
type Endpoint struct {
	// Right is one of the Right* constants.
	Right  string
	Method string
	Path   string
}

// The rights and the endpoints behind them.
const (
	RightView     = "view"     // GET /consent
	RightWithdraw = "withdraw" // DELETE /consent
	RightOptOut   = "optout"   // GET /optout
	RightNotice   = "notice"   // GET /privacy.json
)

// Validate reports facts the texts cannot state: unknown keys or values,
// which would otherwise render as blanks.
func (f *Facts) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if f.Revision == "" {
		bad("privacy facts: no policy revision")
	}
	if f.ConsentMaxAge <= 0 {
		bad("privacy facts: consent max age must be positive")
	}
	if f.BannerMode != "basic" && f.BannerMode != "advanced" {
		bad("privacy facts: banner mode %q", f.BannerMode)
	}
	for _, c := range append(append([]Cookie(nil), f.Cookies...), f.GoogleCookies...) {
		if c.Name == "" || !known(c.Purpose, PurposeConsent, PurposeOptOut, PurposeRevision, PurposeDashboard, PurposeStaff, PurposeGAClient, PurposeGASession) ||
			!known(c.Category, CategoryNecessary, CategoryAnalytics) ||
			!known(c.Scope, ScopeProxyHost, ScopeSiteHost, ScopeDomain, ScopeSiteDomain) ||
			!known(c.SetBy, SetByProxy, SetByBanner, SetByGoogle) || c.MaxAge <= 0 ||
			(c.Scope == ScopeDomain) != (c.Domain != "") {
			bad("privacy facts: cookie %+v", c)
		}
	}
	for _, s := range f.Storage {
		if s.Name == "" || !known(s.Kind, StorageSession, StorageLocal) || !known(s.Purpose, PurposeVerified, PurposeNoticeDismissed) {
			bad("privacy facts: storage entry %+v", s)
		}
	}
	if f.Signals.OptOutCookie == "" {
		bad("privacy facts: no opt-out cookie")
	}
	switch f.Google.IPMode {
	case IPTruncate:
		if f.Google.IPv4Prefix <= 0 || f.Google.IPv4Prefix > 32 || f.Google.IPv6Prefix <= 0 || f.Google.IPv6Prefix > 128 ||
			!f.Google.IPExample[0].IsValid() || !f.Google.IPExample[1].IsValid() {
			bad("privacy facts: truncation needs prefixes and an example")
		}
	case IPRedact:
		if !f.Google.IPExample[1].IsValid() {
			bad("privacy facts: redaction needs the address sent instead")
		}
	default:
		bad("privacy facts: ip mode %q", f.Google.IPMode)
	}
	if f.Stored.Enabled && (f.Stored.Retention <= 0 || f.Stored.MinCount <= 0 || len(f.Stored.Tables) == 0) {
		bad("privacy facts: a store needs retention, a minimum count and tables")
	}
	errs = append(errs, validateJurisdictions(f)...)
	for _, r := range f.Rights {
		if !known(r.Right, RightView, RightWithdraw, RightOptOut, RightNotice) || r.Method == "" || len(r.Path) < 2 || r.Path[0] != '/' {
			bad("privacy facts: endpoint %+v", r)
		}
	}
	return errors.Join(errs...)
}

func known(v string, values ...string) bool {
	for _, k := range values {
		if v == k {
			return true
		}
	}
	return false
}

// endpoint finds the endpoint of a right.
func (f *Facts) endpoint(right string) (Endpoint, bool) {
	for _, e := range f.Rights {
		if e.Right == right {
			return e, true
		}
	}
	return Endpoint{}, false
}

// CookieNames lists the names of Cookies, then of GoogleCookies.
func (f *Facts) CookieNames() (own, google []string) {
	for _, c := range f.Cookies {
		own = append(own, c.Name)
	}
	for _, c := range f.GoogleCookies {
		google = append(google, c.Name)
	}
	return own, google
}
