// Package apitoken guards the read-only marketing API with bearer tokens from
// a file, each scoped to sites and rate-limited on its own.
//
// Tokens file (YAML), given as --api-tokens @path:
//
//	tokens:
//	  - name: marketing          # shown in logs and metrics; the token never is
//	    sha256: 9f86d0…          # hex SHA-256 of the token (preferred), or
//	    # token: s3cr3t…         # the token itself (at least 24 characters)
//	    sites: [G-ABC123]        # or ["*"] for every site
//	    rate_per_minute: 1200    # default 600; bursts of up to half that
//
// Wrong tokens are limited per client address (see FailureLimiter), so no
// one can guess quickly and nobody's failures keep a valid token out. The
// file can be reloaded (Reload): a token removed or changed there stops
// working at once, dashboard sessions made with it included (Revision).
//
// Storing hashes means a leaked file does not leak working tokens. Every
// request hashes the presented token once and compares it with every entry
// in constant time, without stopping at the first match, so timing says
// nothing about which tokens exist.
package apitoken

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"

	consentproxy "github.com/consentproxy/consentproxy"
)

// DefaultRatePerMinute applies to tokens that set none. One view of the
// dashboard costs about 28 requests (its queries and the realtime count), so
// 60, the old default, answered the second click within 15 s with 429s;
// 600 in bursts of 300 lets a person click through periods and sites,
// and still stops a runaway script at 10 queries a second.
const DefaultRatePerMinute = 600

// minTokenLen keeps plain tokens long enough not to be guessed.
const minTokenLen = 24

// DefaultFailuresPerMinute bounds wrong bearer tokens per client address
// (IPv6 per /64), in bursts of as many: a script with a stale token learns
// so at once, and guessing a token of 24 characters stays hopeless.
const DefaultFailuresPerMinute = 10

type entry struct {
	name   string
	hash   [sha256.Size]byte
	sites  map[string]bool
	all    bool
	rate   int
	share  bool    // a share link's token: the dashboard only, not the API
	bucket *bucket // shared with the same token's entry after a reload
}

// Set is a loaded tokens file. Its tokens can be replaced while it serves
// (Reload); everything holding the *Set sees the new ones at once.
type Set struct {
	entries  atomic.Pointer[[]*entry]
	reload   sync.Mutex // serializes Replace
	now      func() time.Time
	clientIP func(*fiber.Ctx) netip.Addr
	fails    *FailureLimiter
}

// Options are the set's request-side settings, which the tokens file does
// not hold.
type Options struct {
	// ClientIP finds the client address that wrong tokens are counted
	// against: web.Trust.ClientIP, so that behind a reverse proxy each
	// client counts, not the proxy. Default: the direct peer's address,
	// right only when nothing is in front.
	ClientIP func(*fiber.Ctx) netip.Addr
	// FailuresPerMinute bounds wrong bearer tokens per client address, in
	// bursts of as many. Default DefaultFailuresPerMinute.
	FailuresPerMinute int
}

// Configure applies o. Call it before the set serves requests.
func (s *Set) Configure(o Options) {
	if o.ClientIP != nil {
		s.clientIP = o.ClientIP
	}
	if o.FailuresPerMinute > 0 {
		s.fails = NewFailureLimiter(o.FailuresPerMinute, o.FailuresPerMinute)
	}
}

// ClientIP is the address the set counts c's failures against (see
// Options.ClientIP); the dashboard's sign-in counts by it too.
func (s *Set) ClientIP(c *fiber.Ctx) netip.Addr {
	if s.clientIP != nil {
		return s.clientIP(c)
	}
	a, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	return a.Unmap()
}

// FailuresRefused counts bearer requests refused because their address had
// failed too often.
func (s *Set) FailuresRefused() uint64 { return s.fails.Refused() }

func (s *Set) list() []*entry { return *s.entries.Load() }

type fileFormat struct {
	Tokens []struct {
		Name          string   `yaml:"name"`
		SHA256        string   `yaml:"sha256"`
		Token         string   `yaml:"token"`
		Sites         []string `yaml:"sites"`
		RatePerMinute int      `yaml:"rate_per_minute"`
		// Share makes the token a share link's: it opens the dashboard
		// read-only for its sites (/dashboard#signin=TOKEN), and the API
		// refuses it as a bearer token. Default false.
		Share bool `yaml:"share"`
	} `yaml:"tokens"`
}

// Load reads a tokens file.
func Load(path string) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read api tokens: %w", err)
	}
	return Parse(b)
}

// Parse reads a tokens file's content, reporting every problem at once.
func Parse(b []byte) (*Set, error) {
	var f fileFormat
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("parse api tokens: %w", err)
	}
	s := &Set{now: time.Now, fails: NewFailureLimiter(DefaultFailuresPerMinute, DefaultFailuresPerMinute)}
	var entries []*entry
	var errs []error
	names := map[string]bool{}
	for i, t := range f.Tokens {
		where := "token " + strconv.Itoa(i+1)
		if t.Name != "" {
			where += " (" + t.Name + ")"
		}
		e := &entry{name: t.Name, sites: map[string]bool{}, share: t.Share, bucket: &bucket{}}
		switch {
		case t.Name == "":
			errs = append(errs, fmt.Errorf("%s: a name is required", where))
		case names[t.Name]:
			errs = append(errs, fmt.Errorf("%s: the name is used twice", where))
		}
		names[t.Name] = true
		switch {
		case t.SHA256 != "" && t.Token != "":
			errs = append(errs, fmt.Errorf("%s: give sha256 or token, not both", where))
		case t.SHA256 != "":
			h, err := hex.DecodeString(t.SHA256)
			if err != nil || len(h) != sha256.Size {
				errs = append(errs, fmt.Errorf("%s: sha256 must be 64 hex digits", where))
			}
			copy(e.hash[:], h)
		case len(t.Token) >= minTokenLen:
			e.hash = sha256.Sum256([]byte(t.Token))
		default:
			errs = append(errs, fmt.Errorf("%s: a token needs at least %d characters (or give its sha256)", where, minTokenLen))
		}
		if len(t.Sites) == 0 {
			errs = append(errs, fmt.Errorf("%s: sites is required (use [\"*\"] for all)", where))
		}
		for _, site := range t.Sites {
			if site == "*" {
				e.all = true
			} else {
				e.sites[site] = true
			}
		}
		rate := t.RatePerMinute
		if rate == 0 {
			rate = DefaultRatePerMinute
		}
		if rate < 0 || rate > 100000 {
			errs = append(errs, fmt.Errorf("%s: rate_per_minute must be 1–100000", where))
		}
		e.rate = rate
		e.bucket.perSec, e.bucket.burst = float64(rate)/60, math.Max(1, float64(rate)/2)
		e.bucket.tokens = e.bucket.burst
		entries = append(entries, e)
	}
	s.entries.Store(&entries)
	if len(entries) == 0 {
		errs = append(errs, errors.New("no tokens"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("api tokens: %w", err)
	}
	return s, nil
}

// Grant is what a valid token may do. It carries no secret, so a signed
// dashboard session can hold it instead of the token.
type Grant struct {
	Name  string   `json:"name"`
	All   bool     `json:"all,omitempty"`   // every site
	Sites []string `json:"sites,omitempty"` // otherwise these
	// Share says the grant comes from a share link's token: the dashboard
	// shows it as a shared, read-only view.
	Share bool `json:"share,omitempty"`
}

// Allows reports whether the grant covers site.
func (g Grant) Allows(site string) bool {
	if g.All {
		return true
	}
	for _, s := range g.Sites {
		if s == site {
			return true
		}
	}
	return false
}

// Check looks a token up (in constant time, as Authorize does).
func (s *Set) Check(token string) (Grant, bool) {
	e := s.match(token)
	if e == nil {
		return Grant{}, false
	}
	return e.grant(), true
}

func (e *entry) grant() Grant {
	g := Grant{Name: e.name, All: e.all, Share: e.share}
	for site := range e.sites {
		g.Sites = append(g.Sites, site)
	}
	sort.Strings(g.Sites)
	return g
}

// Allow spends one request of the named token's rate, or says how long to
// wait: dashboard sessions share their token's limit.
func (s *Set) Allow(name string) time.Duration {
	for _, e := range s.list() {
		if e.name == name {
			return e.bucket.take(s.now())
		}
	}
	return time.Hour // a session for a token that no longer exists
}

// Authorize checks the request's bearer token against site. It is the one
// gate of the API: 401 without a valid token, 403 for a site outside the
// token's scope, 429 past the token's rate, and 429 without looking at the
// token for an address that has sent too many wrong ones (a request without
// any token guesses nothing and is not counted). It never logs or echoes
// tokens.
func (s *Set) Authorize(c *fiber.Ctx, site string) error {
	token := bearer(c)
	if token == "" {
		return unauthorized(c)
	}
	addr := s.ClientIP(c)
	if wait := s.fails.Wait(addr, s.now()); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, retryAfter(wait))
		return consentproxy.Errorf(consentproxy.ERATELIMIT, "Too many wrong tokens from this address; retry later.")
	}
	e := s.match(token)
	if e == nil {
		s.fails.Fail(addr, s.now())
		return unauthorized(c)
	}
	if e.share {
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "This is a share link's token: it opens the dashboard (/dashboard#signin=…), not the API.")
	}
	if !e.all && !e.sites[site] {
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "This token may not read that site.")
	}
	if wait := e.bucket.take(s.now()); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, retryAfter(wait))
		return consentproxy.Errorf(consentproxy.ERATELIMIT, "Too many requests for this token; retry later.")
	}
	c.Locals(localsName, e.name)
	return nil
}

func unauthorized(c *fiber.Ctx) error {
	c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="consentproxy"`)
	return consentproxy.Errorf(consentproxy.EUNAUTH, "A valid bearer token is required.")
}

// retryAfter renders a wait as Retry-After seconds, rounded up.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int(math.Ceil(wait.Seconds())))
}

// localsName is where Authorize leaves the token's name for logs.
const localsName = "apitoken.name"

// Name is the authorized token's name, for logs and metrics.
func Name(c *fiber.Ctx) string {
	n, _ := c.Locals(localsName).(string)
	return n
}

func bearer(c *fiber.Ctx) string {
	h := string(c.Request().Header.Peek(fiber.HeaderAuthorization))
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// match compares the token's hash with every entry, always all of them.
func (s *Set) match(token string) *entry {
	if token == "" {
		return nil
	}
	h := sha256.Sum256([]byte(token))
	var found *entry
	for _, e := range s.list() {
		if subtle.ConstantTimeCompare(h[:], e.hash[:]) == 1 && found == nil {
			found = e
		}
	}
	return found
}

// bucket is a token bucket: perSec refill, burst capacity.
type bucket struct {
	mu     sync.Mutex
	perSec float64
	burst  float64
	tokens float64
	last   time.Time
}

// take spends one request, or says how long to wait for one.
func (b *bucket) take(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.last.IsZero() {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.perSec)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / b.perSec * float64(time.Second))
}
