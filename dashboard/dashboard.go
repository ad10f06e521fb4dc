// Package dashboard is the marketing dashboard: one page, embedded in the
// binary, that signs in with an API token and reads the query API.
//
// The session cookie holds the token's grant (its name and sites) and an
// expiry, signed with the proxy's secret, never the token: a leaked cookie
// expires, and a leaked log of cookies holds nothing that opens the API
// directly. API fetches from the page carry a CSRF value derived from the
// session, because SameSite=Strict alone still admits requests from sibling
// subdomains (same site) and old browsers.
package dashboard

import (
	"errors"
	"math"
	"strconv"
	"sync"
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
	// LoginFailuresPerMinute bounds wrong tokens across all clients. Default
	// 10, bursts of 5: guessing a 24-character token stays hopeless while a
	// person who mistyped can try again at once.
	LoginFailuresPerMinute int
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
	fails  failBucket
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
	burst := math.Max(1, float64(cfg.LoginFailuresPerMinute)/2)
	d := &Dashboard{cfg: cfg, assets: a}
	d.fails = failBucket{perSec: float64(cfg.LoginFailuresPerMinute) / 60, burst: burst, tokens: burst}
	return d, nil
}

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
	if wait := d.fails.wait(d.cfg.Now()); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return d.render(c, fiber.StatusTooManyRequests, view{Error: "Too many failed sign-ins. Wait a minute and try again."})
	}
	g, ok := d.cfg.Tokens.Check(c.FormValue("token"))
	if !ok {
		d.fails.take(d.cfg.Now())
		return d.render(c, fiber.StatusUnauthorized, view{Error: "That token is not valid."})
	}
	id, err := newSessionID()
	if err != nil {
		return err
	}
	exp := d.cfg.Now().Add(d.cfg.SessionTTL)
	v, err := d.encode(session{ID: id, Grant: g, Expires: exp.Unix()})
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

func (d *Dashboard) logout(c *fiber.Ctx) error {
	pageHeaders(c)
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

// failBucket is a token bucket spent by wrong tokens only.
type failBucket struct {
	mu     sync.Mutex
	perSec float64
	burst  float64
	tokens float64
	last   time.Time
}

func (b *failBucket) refill(now time.Time) {
	if !b.last.IsZero() {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.perSec)
	}
	b.last = now
}

// wait says how long until a failure may be spent; 0 when one is available.
func (b *failBucket) wait(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.perSec * float64(time.Second))
}

func (b *failBucket) take(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.tokens = math.Max(0, b.tokens-1)
}
