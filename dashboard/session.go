package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/apitoken"
)

// CookieName is the dashboard session cookie.
const CookieName = "cp_dash"

// CSRFHeader carries the page's anti-forgery value on every API fetch.
const CSRFHeader = "X-Consentproxy-CSRF"

// Domain separation: the same secret signs consent cookies elsewhere, so
// every use here is prefixed and cannot be replayed as another.
const (
	sessionContext  = "consentproxy/dashboard/session/v1|"
	csrfContext     = "consentproxy/dashboard/csrf/v1|"
	revisionContext = "consentproxy/dashboard/revision/v1|"
)

// maxCookie bounds what is parsed: a grant with many sites is still small.
const maxCookie = 3500

// session is what the cookie holds: what the token may do and until when,
// never the token itself, so a stolen cookie dies with its expiry.
type session struct {
	ID    string         `json:"id"` // random, binds the CSRF value
	Grant apitoken.Grant `json:"grant"`
	// Rev is the token's apitoken.Revision at sign-in (keyed, so it tells
	// nothing about the token): the session holds only while the token's
	// revision is unchanged, so removing, rotating or narrowing a token in
	// the file ends its sessions at the reload, not up to SessionTTL later.
	Rev     string `json:"rev"`
	Expires int64  `json:"exp"` // unix seconds
}

// revBytes of a revision are kept: plenty against forgery, which the
// session's MAC prevents anyway.
const revBytes = 16

func encodeRev(rev []byte) string { return base64.RawURLEncoding.EncodeToString(rev[:revBytes]) }

func (d *Dashboard) mac(context string, msg []byte) []byte {
	m := hmac.New(sha256.New, d.cfg.Secret)
	m.Write([]byte(context))
	m.Write(msg)
	return m.Sum(nil)
}

// encode signs s as base64url(JSON) "." base64url(HMAC).
func (d *Dashboard) encode(s session) (string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	p := base64.RawURLEncoding.EncodeToString(b)
	return p + "." + base64.RawURLEncoding.EncodeToString(d.mac(sessionContext, []byte(p))), nil
}

var errSession = errors.New("invalid session")

// decode verifies and parses a cookie value; any flaw is the same error, so
// the answer says nothing about what was wrong.
func (d *Dashboard) decode(v string) (session, error) {
	var s session
	if len(v) == 0 || len(v) > maxCookie {
		return s, errSession
	}
	p, sig, ok := strings.Cut(v, ".")
	if !ok {
		return s, errSession
	}
	// Strict: the lenient decoder ignores the unused low bits of the last
	// character, which would give every session several valid spellings.
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(got, d.mac(sessionContext, []byte(p))) {
		return s, errSession
	}
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil || json.Unmarshal(b, &s) != nil || s.ID == "" || s.Grant.Name == "" {
		return session{}, errSession
	}
	if time.Unix(s.Expires, 0).Before(d.cfg.Now()) {
		return session{}, errSession
	}
	return s, nil
}

// csrf is the value the page must echo in CSRFHeader: derived from the
// session, so a page of another origin cannot know it, and useless with any
// other session.
func (d *Dashboard) csrf(s session) string {
	return base64.RawURLEncoding.EncodeToString(d.mac(csrfContext, []byte(s.ID))[:18])
}

func newSessionID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// current is the request's valid session, if any: signed, unexpired, and
// made with the token as the tokens file has it now.
func (d *Dashboard) current(c *fiber.Ctx) (session, bool) {
	s, err := d.decode(c.Cookies(CookieName))
	if err != nil {
		return session{}, false
	}
	rev, ok := d.cfg.Tokens.Revision(s.Grant.Name, d.revKey)
	if !ok || !hmac.Equal([]byte(s.Rev), []byte(encodeRev(rev))) {
		return session{}, false
	}
	return s, true
}

// HasSession reports whether the request carries a valid, unexpired
// dashboard session (CSRF not checked).
func (d *Dashboard) HasSession(c *fiber.Ctx) bool {
	_, ok := d.current(c)
	return ok
}

// Authorize admits an API request made by the dashboard page for site. It
// returns EUNAUTH without a valid session (the caller may then try a bearer
// token), EFORBIDDEN when the CSRF header is missing or wrong or the grant
// does not cover site, and ERATELIMIT past the token's rate, which sessions
// share with their token.
func (d *Dashboard) Authorize(c *fiber.Ctx, site string) error {
	s, ok := d.current(c)
	if !ok {
		return consentproxy.Errorf(consentproxy.EUNAUTH, "Sign in to the dashboard, or send a bearer token.")
	}
	want := d.csrf(s)
	got := c.Get(CSRFHeader)
	if len(got) != len(want) || !hmac.Equal([]byte(got), []byte(want)) {
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "The dashboard's request check failed; reload the page.")
	}
	if !s.Grant.Allows(site) {
		return consentproxy.Errorf(consentproxy.EFORBIDDEN, "This sign-in may not read that site.")
	}
	if wait := d.cfg.Tokens.Allow(s.Grant.Name); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return consentproxy.Errorf(consentproxy.ERATELIMIT, "Too many requests for this sign-in; retry later.")
	}
	return nil
}
