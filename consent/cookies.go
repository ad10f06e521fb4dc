package consent

import (
	"errors"
	"unsafe"

	"github.com/valyala/fasthttp"
)

// A request can carry several cookies of one name: one per scope the
// browser holds (host-only, the parent domain, a path), in an order the
// page cannot choose and a sibling subdomain can exploit, since it may set a
// cookie on the shared parent domain. Reading the first one (as
// RequestHeader.Cookie and fiber's Ctx.Cookies do) let such a cookie
// override a visitor's own opt-out or refusal. Every reader of the two
// cookies therefore goes through these functions, and the proxy must too:
//
//   - OptedOut: an opt-out anywhere wins.
//   - Codec.StateOfHeader, Codec.DecodeHeader: of the valid consent cookies,
//     the most restrictive one wins; invalid ones count only when no valid
//     one is there.

// OptedOut reports whether any of the request's opt-out cookies says so:
// one with a value, in any scope. It does not allocate.
func OptedOut(h *fasthttp.RequestHeader) bool {
	for k, v := range h.Cookies() {
		if string(k) == OptOutCookie && len(v) > 0 {
			return true
		}
	}
	return false
}

// StateOfHeader is StateOf over all of the request's consent cookies: the
// most restrictive valid state (StateDenied over StateGranted), else
// StateInvalid if any was sent, else StateMissing. So a second, granting
// cookie (say, one a sibling subdomain set on the parent domain) never
// lifts a refusal, and a garbage one never hides a valid choice.
func (c *Codec) StateOfHeader(h *fasthttp.RequestHeader, scope, revision string) State {
	st := StateMissing
	for k, v := range h.Cookies() {
		if string(k) != ConsentCookie || len(v) == 0 {
			continue
		}
		// The view is safe: StateOf keeps nothing of the value.
		st = stricter(st, c.StateOf(unsafe.String(unsafe.SliceData(v), len(v)), scope, revision))
	}
	return st
}

// stricter combines two cookies' states: of valid states the more
// restrictive, a valid state over an invalid one, invalid over missing.
func stricter(a, b State) State {
	valid := func(s State) bool { return s == StateDenied || s == StateGranted }
	switch {
	case valid(a) && valid(b):
		return min(a, b) // StateDenied < StateGranted
	case valid(a):
		return a
	case valid(b):
		return b
	}
	return max(a, b) // StateInvalid > StateMissing
}

// ErrNoCookie is DecodeHeader's error for a request without a consent
// cookie.
var ErrNoCookie = errors.New("no consent cookie")

// DecodeHeader is Decode over all of the request's consent cookies: the
// most restrictive of the records that verify, fewest grants first, with
// analytics weighed above marketing (the proxy forwards on analytics). With
// none that verifies, the first cookie's error; with none at all,
// ErrNoCookie.
func (c *Codec) DecodeHeader(h *fasthttp.RequestHeader, scope string) (Record, error) {
	var rec Record
	err := ErrNoCookie
	found := false
	for v := range c.values(h) {
		r, e := c.Decode(v, scope)
		switch {
		case e == nil && (!found || restrictiveness(r) < restrictiveness(rec)):
			rec, err, found = r, nil, true
		case e != nil && err == ErrNoCookie:
			err = e
		}
	}
	if !found {
		return Record{}, err
	}
	return rec, nil
}

// values yields the request's consent cookie values, copied (records keep
// substrings of them).
func (c *Codec) values(h *fasthttp.RequestHeader) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for k, v := range h.Cookies() {
			if string(k) == ConsentCookie && len(v) > 0 && !yield(string(v)) {
				return
			}
		}
	}
}

func restrictiveness(r Record) int {
	n := 0
	if r.Analytics {
		n += 2
	}
	if r.Marketing {
		n++
	}
	return n
}
