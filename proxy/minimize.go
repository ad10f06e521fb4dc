package proxy

import (
	"bytes"
	"net/netip"
	"strings"
)

// IPMode says what the proxy tells Google about the visitor's address.
type IPMode uint8

const (
	// IPTruncate sends the address with IPv4 /24 and IPv6 /48 kept, the rest
	// zeroed: enough for country-level geography, not enough to single out a
	// household.
	IPTruncate IPMode = iota
	// IPRedact sends "::", which Google reads as "no address": no geography.
	IPRedact
)

// ParseIPMode reads "truncate" or "redact".
func ParseIPMode(s string) (IPMode, bool) {
	switch s {
	case "truncate":
		return IPTruncate, true
	case "redact":
		return IPRedact, true
	}
	return 0, false
}

func (m IPMode) String() string {
	if m == IPRedact {
		return "redact"
	}
	return "truncate"
}

// Minimizer turns a consented hit into the copy Google receives.
type Minimizer struct {
	// IPMode: truncate (default) or redact.
	IPMode IPMode
	// KeepURLParams are the query parameters dl and dr keep; a trailing "*"
	// matches a prefix. Default: utm_* and gclid.
	KeepURLParams []string
	// KeepUserParams names the user identifiers allowed through: "uid",
	// "up.<name>" or "upn.<name>". Default none: all are dropped.
	KeepUserParams []string
}

// DefaultKeepURLParams are the query parameters dl and dr keep by default.
var DefaultKeepURLParams = []string{"utm_*", "gclid"}

// TruncateIP zeroes an address beyond /24 (IPv4) or /48 (IPv6). Addresses
// that are not public (private, loopback, link-local, unspecified) become
// invalid: sending them would only mislead Google's geolocation, and a proxy
// that forwards 10.x addresses leaks internal topology.
func TruncateIP(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if !a.IsValid() || !a.IsGlobalUnicast() || a.IsPrivate() {
		return netip.Addr{}
	}
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return netip.Addr{}
	}
	return p.Addr()
}

// uipValue is what goes into _uip for a client address.
func (m *Minimizer) uipValue(dst []byte, client netip.Addr) []byte {
	if m.IPMode == IPRedact {
		return append(dst, "::"...)
	}
	t := TruncateIP(client)
	if !t.IsValid() {
		return append(dst, "::"...)
	}
	return t.AppendTo(dst)
}

// AppendShared appends the minimized shared parameters, plus _uip, to dst as
// a query string.
func (m *Minimizer) AppendShared(dst []byte, ps []param, client netip.Addr) []byte {
	dst = m.appendParams(dst, ps)
	if len(dst) > 0 && dst[len(dst)-1] != '?' {
		dst = append(dst, '&')
	}
	dst = append(dst, "_uip="...)
	var ip [64]byte
	return appendEscaped(dst, m.uipValue(ip[:0], client))
}

// AppendEvent appends one minimized event line (without a newline).
func (m *Minimizer) AppendEvent(dst []byte, ps []param) []byte {
	return m.appendParams(dst, ps)
}

func (m *Minimizer) appendParams(dst []byte, ps []param) []byte {
	start := len(dst)
	var scratch [512]byte
	for _, p := range ps {
		val := p.val
		switch k := string(p.key); {
		case k == "_uip" || k == "uip":
			continue // the proxy, not the client, decides the address
		case k == "uid" || strings.HasPrefix(k, "up.") || strings.HasPrefix(k, "upn."):
			if !m.keepUser(k) {
				continue
			}
		case k == "dl" || k == "dr":
			val = m.cleanURL(scratch[:0], val)
		case strings.HasPrefix(k, "ep."):
			if Sensitive(val) {
				continue
			}
		}
		if len(dst) > start {
			dst = append(dst, '&')
		}
		dst = appendEscaped(dst, p.key)
		dst = append(dst, '=')
		dst = appendEscaped(dst, val)
	}
	return dst
}

func (m *Minimizer) keepUser(k string) bool {
	for _, a := range m.KeepUserParams {
		if a == k {
			return true
		}
	}
	return false
}

func (m *Minimizer) keepURLParam(name []byte) bool {
	keep := m.KeepURLParams
	if keep == nil {
		keep = DefaultKeepURLParams
	}
	for _, k := range keep {
		if strings.HasSuffix(k, "*") {
			if bytes.HasPrefix(name, []byte(k[:len(k)-1])) {
				return true
			}
		} else if string(name) == k {
			return true
		}
	}
	return false
}

// cleanURL drops a URL's fragment and every query parameter not on the
// allowlist. The kept pairs keep their original encoding.
func (m *Minimizer) cleanURL(dst, u []byte) []byte {
	if i := bytes.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	q := bytes.IndexByte(u, '?')
	if q < 0 {
		return append(dst, u...)
	}
	dst = append(dst, u[:q]...)
	rest, n := u[q+1:], 0
	for len(rest) > 0 {
		pair := rest
		if i := bytes.IndexByte(rest, '&'); i >= 0 {
			pair, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		name := pair
		if i := bytes.IndexByte(pair, '='); i >= 0 {
			name = pair[:i]
		}
		if len(name) == 0 || !m.keepURLParam(name) {
			continue
		}
		if n == 0 {
			dst = append(dst, '?')
		} else {
			dst = append(dst, '&')
		}
		dst = append(dst, pair...)
		n++
	}
	return dst
}

// Sensitive reports whether an event parameter value looks like personal
// data or a secret: an email address, a phone number, or a long token (API
// keys, session ids, JWTs, UUIDs). Such values are dropped, not masked: a
// masked value is still a join key.
func Sensitive(v []byte) bool {
	return looksEmail(v) || looksPhone(v) || looksToken(v)
}

func looksEmail(v []byte) bool {
	at := bytes.IndexByte(v, '@')
	if at <= 0 || at == len(v)-1 {
		return false
	}
	domain := v[at+1:]
	dot := bytes.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-2 && bytes.IndexByte(domain, ' ') < 0
}

// looksPhone: 7–15 digits, optionally with + ( ) - . and spaces, and nothing
// else. Short codes and small numbers stay.
func looksPhone(v []byte) bool {
	digits := 0
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' || c == '(' || c == ')' || c == '-' || c == '.' || c == ' ':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15 && len(v) >= 7
}

// looksToken: at least 24 characters of a token alphabet, mixing letters and
// digits. Ordinary identifiers such as "add-property__property-address"
// contain no digits and stay.
func looksToken(v []byte) bool {
	if len(v) < 24 {
		return false
	}
	var letters, digits bool
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters = true
		case c == '-' || c == '_' || c == '.' || c == '=' || c == '+' || c == '/' || c == '~':
		default:
			return false
		}
	}
	return letters && digits
}

const hexDigits = "0123456789ABCDEF"

// appendEscaped percent-encodes everything but RFC 3986's unreserved set, so
// no byte of a value can end a parameter, a line or a header. Runs of
// unreserved bytes, most of a value, are copied at once.
func appendEscaped(dst, s []byte) []byte {
	for len(s) > 0 {
		i := 0
		for i < len(s) && unreserved[s[i]] {
			i++
		}
		dst = append(dst, s[:i]...)
		if i == len(s) {
			break
		}
		c := s[i]
		dst = append(dst, '%', hexDigits[c>>4], hexDigits[c&15])
		s = s[i+1:]
	}
	return dst
}

// unreserved marks RFC 3986's unreserved bytes: ALPHA, DIGIT, "-._~".
var unreserved = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()
