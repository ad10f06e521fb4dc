package proxy

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/consentproxy/consentproxy/redact"
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

// Minimizer turns a consented hit into the copy Google receives: only the
// parameters on the allowlist (params.go), each in its class's form.
type Minimizer struct {
	// IPMode: truncate (default) or redact.
	IPMode IPMode
	// KeepURLParams are the query parameters URL-valued parameters (dl, dr,
	// and any ep.* holding a URL) keep; a trailing "*" matches a prefix.
	// Default: utm_* and gclid.
	KeepURLParams []string
	// KeepUserParams names the user identifiers allowed through: "uid",
	// "up.<name>" or "upn.<name>". Default none: all are dropped.
	KeepUserParams []string
	// KeepSearchTerms forwards site-search terms (ep.search_term and the
	// like). Default false: a visitor's search is free text that often holds
	// names, addresses or order numbers.
	KeepSearchTerms bool
	// MaxValue is the longest value forwarded, in bytes after cleaning;
	// longer ones are cut at a character boundary, never refused. Default
	// 1000, which is as much of a page URL as GA4 keeps (it keeps 420
	// bytes of a referrer, 300 of a title and 100 of an event parameter).
	MaxValue int
}

// DefaultMaxValue is Minimizer.MaxValue's default.
const DefaultMaxValue = 1000

// DefaultKeepURLParams are the query parameters URLs keep by default.
var DefaultKeepURLParams = []string{"utm_*", "gclid"}

// TruncateIP zeroes an address beyond /24 (IPv4) or /48 (IPv6). Addresses
// that are not public (private, loopback, link-local, unspecified) become
// invalid: sending them would only mislead Google's geolocation, and a proxy
// that forwards 10.x addresses leaks internal topology. An IPv6 address that
// carries an IPv4 one (IPv4-mapped or -compatible, 6to4, NAT64, Teredo) is
// that IPv4 address truncated: the /48 of a 6to4 address is the whole IPv4
// address of its owner, so cutting the IPv6 form would keep all of it.
func TruncateIP(a netip.Addr) netip.Addr {
	a = EmbeddedIPv4(a)
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

// EmbeddedIPv4 returns the IPv4 address an IPv6 one carries, else a itself
// (an IPv4 address, or an IPv6 one that carries none). The forms: IPv4-
// mapped ::ffff:a.b.c.d and -compatible ::a.b.c.d (RFC 4291), 6to4
// 2002:AABB:CCDD::/48 (RFC 3056), the well-known NAT64 prefix
// 64:ff9b::/96 (RFC 6052) and Teredo 2001:0::/32, whose last 32 bits are
// the client's IPv4 address inverted (RFC 4380).
func EmbeddedIPv4(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if !a.Is6() {
		return a
	}
	b := a.As16()
	v4 := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{b[i], b[i+1], b[i+2], b[i+3]}) }
	switch {
	case b[0] == 0x20 && b[1] == 0x02: // 6to4
		return v4(2)
	case b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && isZero(b[4:12]): // NAT64
		return v4(12)
	case b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0: // Teredo
		return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]})
	case isZero(b[:12]) && b[12] != 0: // IPv4-compatible (:: and ::1 are not)
		return v4(12)
	}
	return a
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
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

// drops counts the parameters one request lost, by reason; the caller adds
// them to the proxy's counters once per request.
type drops [numDropReasons]uint32

// AppendShared appends the minimized shared parameters to dst as a query
// string, then _uip (the visitor's address as IPMode allows) and, when the
// client sent ur and the proxy knows the visitor's region, the proxy's ur.
func (m *Minimizer) AppendShared(dst []byte, ps []param, client netip.Addr, region string, d *drops) []byte {
	return m.appendShared(dst, ps, client, region, d, false)
}

// consentParams are a hit's consent state and client id: what a held page
// view ping lacks until a granted hit of its page load supplies them.
var consentParams = []string{"gcs", "gcd", "npa", "dma", "dma_cps", "pscdl", "cid"}

func (m *Minimizer) appendShared(dst []byte, ps []param, client netip.Addr, region string, d *drops, held bool) []byte {
	start := len(dst)
	dst = m.appendParams(dst, ps, d, held)
	sep := func() {
		if len(dst) > start {
			dst = append(dst, '&')
		}
	}
	if region != "" && m.IPMode == IPTruncate && hasKey(ps, "ur") {
		sep()
		dst = append(dst, "ur="...)
		dst = appendEscaped(dst, []byte(region))
	}
	sep()
	dst = append(dst, "_uip="...)
	var ip [64]byte
	return appendEscaped(dst, m.uipValue(ip[:0], client))
}

// AppendEvent appends one minimized event line (without a newline).
func (m *Minimizer) AppendEvent(dst []byte, ps []param, d *drops) []byte {
	return m.appendParams(dst, ps, d, false)
}

func hasKey(ps []param, key string) bool {
	for _, p := range ps {
		if string(p.key) == key {
			return true
		}
	}
	return false
}

// appendParams appends the allowlisted parameters of ps in their class's
// form. A parameter named twice is forwarded once, with its last value: the
// one Hit.Get returns and the handler checked. held leaves out the
// consentParams, for a ping that waits for consent (see pageLoads).
func (m *Minimizer) appendParams(dst []byte, ps []param, d *drops, held bool) []byte {
	start := len(dst)
	w := works.Get().(*work)
	defer works.Put(w)
	w.mark(ps)
	for i, p := range ps {
		if w.dup(i) {
			d[DropMalformed]++
			continue
		}
		if held && slices.Contains(consentParams, string(p.key)) {
			continue
		}
		c, why := classify(p.key)
		val := p.val
		switch c {
		case cDrop:
			d[why]++
			continue
		case cProxy:
			if string(p.key) != "ur" {
				d[DropClientIP]++
			}
			continue // the proxy, not the client, says where the visitor is
		case cUser:
			if !m.keepUser(p.key) {
				d[DropUser]++
				continue
			}
		case cURL:
			w.buf = redact.URL(w.buf[:0], val, m.keepURLParam)
			val = w.buf
		case cText:
			w.buf, _ = redact.Text(w.buf[:0], val)
			val = w.buf
		case cEvent:
			if isSearchTerm(p.key) && !m.KeepSearchTerms {
				d[DropSearch]++
				continue
			}
			if redact.IsURL(val) {
				w.buf = redact.URL(w.buf[:0], val, m.keepURLParam)
			} else {
				w.buf, _ = redact.Text(w.buf[:0], val)
			}
			val = w.buf
		case cNumber:
			if !isNumber(val) {
				d[DropMalformed]++
				continue
			}
			if redact.Sensitive(val) { // "(redacted)" is no number: drop it whole
				d[DropPersonal]++
				continue
			}
		}
		if len(dst) > start {
			dst = append(dst, '&')
		}
		dst = appendEscaped(dst, p.key)
		dst = append(dst, '=')
		dst = appendEscaped(dst, cut(val, m.maxValue()))
	}
	return dst
}

func (m *Minimizer) maxValue() int {
	if m.MaxValue > 0 {
		return m.MaxValue
	}
	return DefaultMaxValue
}

// cut returns the longest prefix of v of at most n bytes that does not end
// inside a UTF-8 character.
func cut(v []byte, n int) []byte {
	if len(v) <= n {
		return v
	}
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return v[:n]
}

// work is what appendParams needs besides its output: a buffer for values
// it rewrites, and a table that finds the parameters a later one of the same
// name overrides. Pooled, so the hot path neither allocates nor zeroes
// kilobytes per call.
type work struct {
	buf   []byte
	dups  [maxListed/64 + 1]uint64 // param i is overridden by a later one
	slots [2 * maxListed]uint16    // open addressing: 1 + param index, 0 empty
	hash  [2 * maxListed]uint32
}

// maxListed is the most parameters of one list (query or line) forwarded;
// Limits.MaxParams (default 256) refuses longer lists before, and the rest
// of a longer one is dropped as malformed, never forwarded unchecked.
const maxListed = 512

var works = sync.Pool{New: func() any { return &work{buf: make([]byte, 0, 1024)} }}

// mark finds the overridden parameters of ps, back to front, in a table
// twice the list's size (cleared only that far).
func (w *work) mark(ps []param) {
	w.dups = [len(w.dups)]uint64{}
	n := len(ps)
	if n < 2 {
		return
	}
	if n > maxListed {
		for i := maxListed; i < n && i < len(w.dups)*64; i++ {
			w.dups[i>>6] |= 1 << (i & 63)
		}
		n = maxListed
	}
	size := 4
	for size < 2*n {
		size <<= 1
	}
	clear(w.slots[:size])
	mask := uint32(size - 1)
	for i := n - 1; i >= 0; i-- {
		key := ps[i].key
		h := fnv32(key)
		for j := h & mask; ; j = (j + 1) & mask {
			slot := w.slots[j]
			if slot == 0 { // empty: the last occurrence of this name
				w.slots[j], w.hash[j] = uint16(i+1), h
				break
			}
			if w.hash[j] == h && bytes.Equal(ps[slot-1].key, key) {
				w.dups[i>>6] |= 1 << (i & 63)
				break
			}
		}
	}
}

// dup reports whether param i is overridden (or beyond maxListed).
func (w *work) dup(i int) bool {
	return i >= maxListed || w.dups[i>>6]&(1<<(i&63)) != 0
}

func fnv32(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

func (m *Minimizer) keepUser(k []byte) bool {
	return slices.Contains(m.KeepUserParams, string(k))
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
