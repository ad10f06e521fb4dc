// Package consent holds a visitor's privacy state as the server sees it: the
// signed consent cookie, the opt-out cookie, the browser's privacy signals, and
// Decide, the one pure function that settles each hit's fate.
package consent

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Cookie names. They are part of the public contract: the banner reads the
// consent cookie and the privacy notice lists both.
const (
	ConsentCookie = "cp_consent"
	OptOutCookie  = "cp_optout"
)

// Categories a visitor can grant. "Necessary" is always on and not recorded.
type Categories struct {
	Analytics bool `json:"analytics"`
	Marketing bool `json:"marketing"`
}

// Record is a visitor's consent choice: the cookie is the receipt, held by the
// visitor, and nothing else about the choice is stored per visitor.
type Record struct {
	Version  int       `json:"version"`
	ID       string    `json:"consent_id"` // random, 16 bytes, base64url; identifies the receipt, not the person
	Time     time.Time `json:"time"`
	Revision string    `json:"revision"` // the policy revision the visitor answered
	Categories
}

// Why a cookie was refused. All of them count as "no consent".
var (
	ErrMalformed = errors.New("consent cookie malformed")
	ErrSignature = errors.New("consent cookie signature does not verify")
	ErrExpired   = errors.New("consent cookie expired")
	ErrFuture    = errors.New("consent cookie dated in the future")
)

const (
	cookieVersion = "1"
	idBytes       = 16
	sigBytes      = 16
	// clockSkew tolerates proxies whose clocks disagree a little.
	clockSkew = 5 * time.Minute
	// maxRevisionLen keeps revisions short tokens, not payloads.
	maxRevisionLen = 32
)

// Codec signs and verifies consent cookies.
//
// Wire format (version 1), six fields joined by ".":
//
//	1.<id>.<unix seconds>.<revision>.<categories>.<signature>
//
// categories is "n" (none) or any of "a" (analytics) and "m" (marketing) in that
// order; revision is 1–32 of [A-Za-z0-9_-]; signature is the first 16 bytes of
// HMAC-SHA256(secret, "consentproxy/consent/v1|" + scope + "|" + the first five
// fields), base64url without padding. The scope (the cookie domain, or the host
// when cookies are host-only) is inside the MAC so a cookie replayed on another
// site served by the same deployment does not verify.
//
// A cookie is a receipt the visitor holds, not a session the server keeps:
// nothing is stored per visitor, so there is nothing to revoke. DELETE
// /consent expires the browser's copy, but a copy taken before (saved from
// the browser, or sent by a script) still verifies until it expires
// (MaxAge) or the policy revision changes, and hits carrying it count as
// consented. That is by design: only the visitor can hold
// their own receipt, and replaying it is the visitor consenting again.
// Refusing withdrawn receipts would need a server-side list of consent ids,
// the per-visitor record this design avoids. A key rotation (retiring every
// old key) or a new revision invalidates all receipts at once.
type Codec struct {
	keys   [][]byte
	macs   []sync.Pool // one pool of HMAC states per key: verifying is on every hit's path
	maxAge time.Duration
	// refusalMaxAge, if longer than maxAge, is how long a refusal of
	// analytics stays valid: the longest re-ask period (Regions), so that
	// an opt-out is honoured as long as the banner promises not to ask.
	refusalMaxAge time.Duration
	now           func() time.Time
}

// NewCodec returns a codec that signs with keys[0] and verifies with any key,
// so a rotated-out secret keeps verifying for its grace period.
func NewCodec(keys [][]byte, maxAge time.Duration, now func() time.Time) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("consent codec: no signing key")
	}
	for i, k := range keys {
		if len(k) < 16 {
			return nil, errors.New("consent codec: key " + strconv.Itoa(i) + " is shorter than 16 bytes")
		}
	}
	if maxAge <= 0 {
		return nil, errors.New("consent codec: max age must be positive")
	}
	if now == nil {
		now = time.Now
	}
	c := &Codec{keys: keys, macs: make([]sync.Pool, len(keys)), maxAge: maxAge, now: now}
	for i, k := range keys {
		c.macs[i].New = func() any { return hmac.New(sha256.New, k) }
	}
	return c, nil
}

// MaxAge is how long a choice stays valid before the banner asks again.
func (c *Codec) MaxAge() time.Duration { return c.maxAge }

// SetRefusalMaxAge lets a refusal of analytics stay valid for d when that
// is longer than MaxAge: the re-ask period of an opt-out jurisdiction (12
// months) may outlast the consent lifetime (6 months), and a refusal that
// expired on the server while its cookie lives on would turn back into
// measurement there. Call it before the codec is used; it returns c.
func (c *Codec) SetRefusalMaxAge(d time.Duration) *Codec {
	c.refusalMaxAge = d
	return c
}

// maxAgeOf is how long a record with these categories stays valid.
func (c *Codec) maxAgeOf(cats Categories) time.Duration {
	if !cats.Analytics && c.refusalMaxAge > c.maxAge {
		return c.refusalMaxAge
	}
	return c.maxAge
}

// NewRecord makes a fresh record with a random consent id.
func (c *Codec) NewRecord(revision string, cats Categories) (Record, error) {
	if !ValidRevision(revision) {
		return Record{}, errors.New("invalid policy revision")
	}
	var b [idBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Record{}, err
	}
	return Record{
		Version:    1,
		ID:         base64.RawURLEncoding.EncodeToString(b[:]),
		Time:       c.now().UTC().Truncate(time.Second),
		Revision:   revision,
		Categories: cats,
	}, nil
}

// Encode renders r as a signed cookie value for scope.
func (c *Codec) Encode(r Record, scope string) string {
	payload := cookieVersion + "." + r.ID + "." + strconv.FormatInt(r.Time.Unix(), 10) + "." +
		r.Revision + "." + categoriesString(r.Categories)
	var mac [sha256.Size]byte
	c.sign(0, scope, payload, &mac)
	return payload + "." + base64.RawURLEncoding.EncodeToString(mac[:sigBytes])
}

// sigEncoding decodes the MAC strictly: the lenient decoder ignores the
// unused low bits of the last character, which gave every cookie several
// valid spellings (found by FuzzDecode). One spelling per cookie keeps
// re-encoding, comparison and replay accounting exact.
var sigEncoding = base64.RawURLEncoding.Strict()

// Decode verifies v for scope and returns its record.
func (c *Codec) Decode(v, scope string) (Record, error) {
	if len(v) > 256 {
		return Record{}, ErrMalformed
	}
	var f [6]string
	rest := v
	for i := 0; i < 5; i++ {
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			return Record{}, ErrMalformed
		}
		f[i], rest = rest[:dot], rest[dot+1:]
	}
	f[5] = rest
	if f[0] != cookieVersion || !validID(f[1]) || !ValidRevision(f[3]) || len(f[5]) != base64.RawURLEncoding.EncodedLen(sigBytes) {
		return Record{}, ErrMalformed
	}
	secs, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || secs <= 0 || f[2][0] == '0' || f[2][0] == '+' {
		return Record{}, ErrMalformed
	}
	cats, ok := parseCategories(f[4])
	if !ok {
		return Record{}, ErrMalformed
	}
	payload := v[:len(v)-len(f[5])-1]
	var got [sigBytes]byte
	if n, err := sigEncoding.Decode(got[:], bytesOf(f[5])); err != nil || n != sigBytes {
		return Record{}, ErrMalformed
	}
	verified := false
	var mac [sha256.Size]byte
	for i := range c.keys {
		c.sign(i, scope, payload, &mac)
		if hmac.Equal(mac[:sigBytes], got[:]) {
			verified = true
			break
		}
	}
	if !verified {
		return Record{}, ErrSignature
	}
	t := time.Unix(secs, 0).UTC()
	now := c.now()
	switch {
	case t.After(now.Add(clockSkew)):
		return Record{}, ErrFuture
	case now.Sub(t) > c.maxAgeOf(cats):
		return Record{}, ErrExpired
	}
	return Record{Version: 1, ID: f[1], Time: t, Revision: f[3], Categories: cats}, nil
}

// sign computes the MAC of payload for scope with key i into out.
func (c *Codec) sign(i int, scope, payload string, out *[sha256.Size]byte) {
	m := c.macs[i].Get().(hash.Hash)
	m.Reset()
	m.Write(macDomain)
	m.Write(bytesOf(scope))
	m.Write(macSep)
	m.Write(bytesOf(payload))
	m.Sum(out[:0])
	c.macs[i].Put(m)
}

var (
	macDomain = []byte("consentproxy/consent/v1|")
	macSep    = []byte("|")
)

// bytesOf views a string's bytes without copying; the hash only reads them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func categoriesString(c Categories) string {
	switch {
	case c.Analytics && c.Marketing:
		return "am"
	case c.Analytics:
		return "a"
	case c.Marketing:
		return "m"
	}
	return "n"
}

func parseCategories(s string) (Categories, bool) {
	switch s {
	case "n":
		return Categories{}, true
	case "a":
		return Categories{Analytics: true}, true
	case "m":
		return Categories{Marketing: true}, true
	case "am":
		return Categories{Analytics: true, Marketing: true}, true
	}
	return Categories{}, false
}

func validID(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(idBytes) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenByte(s[i]) {
			return false
		}
	}
	return true
}

// ValidRevision reports whether s can be a policy revision: 1–32 bytes of
// [A-Za-z0-9_-], so it fits the cookie without escaping.
func ValidRevision(s string) bool {
	if len(s) == 0 || len(s) > maxRevisionLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenByte(s[i]) {
			return false
		}
	}
	return true
}

func tokenByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}
