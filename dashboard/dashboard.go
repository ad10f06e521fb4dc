// Package dashboard is the marketing dashboard: one page, embedded in the
// binary, that signs in with an API token and reads the query API.
//
// The session cookie holds the token's grant (its name and sites) and an
// expiry, signed with the proxy's secret, never the token: a leaked cookie
// expires, and a leaked log of cookies holds nothing that opens the API
// directly. A session also holds its token's Revision and ends as soon as a
// reload of the tokens file removes, rotates or narrows that token. API
// fetches from the page and the sign-out carry a CSRF value derived from the
// session, because SameSite=Strict alone still admits requests from sibling
// subdomains (same site) and old browsers; sign-in and sign-out are refused
// from other origins. Wrong tokens are limited per client address, so one
// address's guessing never keeps anyone else out.
package dashboard

import (
	"errors"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy/apitoken"
)

// Config configures the dashboard.
type Config struct {
	// Tokens are the API tokens that may sign in. Required.
	Tokens *apitoken.Set
	// Secret signs sessions and derives CSRF values. Required, at least 16
	// bytes; no default (the proxy's --secret).
	Secret []byte
	// SessionTTL is how long a sign-in lasts. Default 12 h: a working day,
	// short enough that a forgotten browser signs itself out.
	SessionTTL time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// LoginFailuresPerMinute bounds wrong tokens per client address (IPv6
	// per /64; the address is Tokens.ClientIP, see apitoken.Options). Default
	// 10, bursts of 5: guessing a 24-character token stays hopeless while a
	// person who mistyped can try again at once. Per address, not across all
	// clients: one global budget let a wrong token every 6 s keep every
	// valid one out. An address past its budget is refused before its token
	// is looked at, even a valid one, or the limit would not hold guessing.
	LoginFailuresPerMinute int
	// Sites are the measurement ids the proxy serves: a grant for every
	// site starts on the first and offers the others. Default none: the
	// site is typed in.
	Sites []string
	// OneTime names a token of Tokens that signs in once, before
	// OneTimeUntil: the sign-in link the proxy logs when it has no tokens
	// file. Default "" (none). Its session lasts SessionTTL like any other.
	OneTime      string
	OneTimeUntil time.Time
}

// Routes the dashboard mounts.
const (
	PagePath   = "/dashboard"
	LoginPath  = "/dashboard/login"
	LogoutPath = "/dashboard/logout"
	AssetsPath = "/dashboard/assets"
)

// Dashboard serves the page, its assets and the sign-in.
type Dashboard struct {
	cfg    Config
	assets *assets
	fails  *apitoken.FailureLimiter
	revKey []byte      // keys the tokens' revisions that sessions hold
	used   atomic.Bool // the OneTime token has signed in
}

// New checks cfg, fills in defaults and builds the assets.
func New(cfg Config) (*Dashboard, error) {
	if cfg.Tokens == nil {
		return nil, errors.New("dashboard: Config.Tokens is required")
	}
	if len(cfg.Secret) < 16 {
		return nil, errors.New("dashboard: Config.Secret must be at least 16 bytes")
	}
	if cfg.SessionTTL < 0 {
		return nil, errors.New("dashboard: Config.SessionTTL must not be negative")
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LoginFailuresPerMinute < 0 {
		return nil, errors.New("dashboard: Config.LoginFailuresPerMinute must not be negative")
	}
	if cfg.LoginFailuresPerMinute == 0 {
		cfg.LoginFailuresPerMinute = 10
	}
	a, err := buildAssets()
	if err != nil {
		return nil, err
	}
	d := &Dashboard{cfg: cfg, assets: a}
	d.fails = apitoken.NewFailureLimiter(cfg.LoginFailuresPerMinute, max(1, cfg.LoginFailuresPerMinute/2))
	d.revKey = d.mac(revisionContext, nil)
	return d, nil
}

// LoginsRefused counts sign-ins refused because their address had sent too
// many wrong tokens, for metrics.
func (d *Dashboard) LoginsRefused() uint64 { return d.fails.Refused() }

// Register mounts GET /dashboard, GET /dashboard/assets/*, POST
// /dashboard/login and POST /dashboard/logout.
func (d *Dashboard) Register(r fiber.Router) {
	r.Get(PagePath, d.page)
	r.Get(AssetsPath+"/:name", d.asset)
	r.Post(LoginPath, d.login)
	r.Post(LogoutPath, d.logout)
}

// pageCSP lets the page load its own script and styles and talk to its own
// API, and nothing else: no inline code, no frames, forms only to itself.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func pageHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
	h.Set(fiber.HeaderCacheControl, "no-store")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	// same-origin, not no-referrer: with no-referrer, browsers send
	// "Origin: null" on the page's own form posts.
	h.Set(fiber.HeaderReferrerPolicy, "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
}

// pageFromBelow is PagePath relative to a URL one level below it (the login
// and logout forms post to PagePath/…): a relative redirect keeps any path
// prefix the proxy is mounted under.
const pageFromBelow = "../dashboard"

func (d *Dashboard) page(c *fiber.Ctx) error {
	pageHeaders(c)
	s, ok := d.current(c)
	if !ok {
		return d.render(c, fiber.StatusOK, view{})
	}
	return d.render(c, fiber.StatusOK, view{Session: &s, CSRF: d.csrf(s)})
}

func (d *Dashboard) login(c *fiber.Ctx) error {
	pageHeaders(c)
	if !sameOrigin(c) {
		return d.render(c, fiber.StatusForbidden, view{Error: "This sign-in came from another site and was refused."})
	}
	addr := d.cfg.Tokens.ClientIP(c)
	if wait := d.fails.Wait(addr, d.cfg.Now()); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, retryAfter(wait))
		return d.render(c, fiber.StatusTooManyRequests, view{Error: "Too many failed sign-ins. Wait a minute and try again."})
	}
	g, rev, ok := d.cfg.Tokens.CheckRevision(c.FormValue("token"), d.revKey)
	if !ok {
		d.fails.Fail(addr, d.cfg.Now())
		return d.render(c, fiber.StatusUnauthorized, view{Error: "That token is not valid."})
	}
	if d.cfg.OneTime != "" && g.Name == d.cfg.OneTime && (d.cfg.Now().After(d.cfg.OneTimeUntil) || d.used.Swap(true)) {
		return d.render(c, fiber.StatusUnauthorized, view{Error: "This sign-in link was used already or has expired. " +
			"Create a token with: consentproxy token create --file tokens.yaml --site G-… --name you"})
	}
	id, err := newSessionID()
	if err != nil {
		return err
	}
	exp := d.cfg.Now().Add(d.cfg.SessionTTL)
	v, err := d.encode(session{ID: id, Grant: g, Rev: encodeRev(rev), Expires: exp.Unix()})
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: CookieName, Value: v, Path: "/", Expires: exp, MaxAge: int(d.cfg.SessionTTL / time.Second),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https",
	})
	c.Set(fiber.HeaderContentType, "")
	return c.Redirect(pageFromBelow, fiber.StatusSeeOther)
}

// logout ends the session. Like the sign-in it is refused from another
// origin: a cross-site form could otherwise sign a visitor out (its
// Set-Cookie applies even though the Strict cookie was not sent with it).
// With a session, the page's CSRF value is required too, which a sibling
// subdomain (same site, so the cookie is sent) cannot know.
func (d *Dashboard) logout(c *fiber.Ctx) error {
	pageHeaders(c)
	if !sameOrigin(c) {
		return d.render(c, fiber.StatusForbidden, view{Error: "This sign-out came from another site and was refused."})
	}
	if s, ok := d.current(c); ok && c.FormValue("csrf") != d.csrf(s) {
		return d.render(c, fiber.StatusForbidden, view{Error: "The sign-out check failed; reload the page."})
	}
	c.Cookie(&fiber.Cookie{
		Name: CookieName, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https",
	})
	return c.Redirect(pageFromBelow, fiber.StatusSeeOther)
}

// sameOrigin refuses a cross-origin form post (login CSRF: signing a victim
// in as the attacker). Browsers say where a request comes from in
// Sec-Fetch-Site, and older ones in Origin; a request with neither comes
// from a tool, not a page.
func sameOrigin(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true
	case "cross-site", "same-site":
		return false
	}
	o := c.Get(fiber.HeaderOrigin)
	return o == "" || o == c.Protocol()+"://"+c.Hostname()
}

// retryAfter renders a wait as Retry-After seconds, rounded up.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int(math.Ceil(wait.Seconds())))
}
