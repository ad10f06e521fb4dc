// Package redact finds personal data inside free text and URLs and replaces
// it: e-mail addresses, phone numbers and long tokens (session ids, API
// keys, JWTs, UUIDs, hashes). Both what goes to Google (package proxy) and
// what is counted (package dims) pass through it, so a page title or a path
// holding an address reads the same, redacted, in either report.
//
// It replaces rather than drops: "Order for (redacted)" still says which
// page it was, and a fixed placeholder, unlike a hash, is no join key.
//
// Every function appends to dst and never allocates beyond what dst's growth
// needs; the scans are single passes over bytes, cheap enough for every
// forwarded hit.
package redact

import "bytes"

// Placeholder replaces what is redacted: GA4's own spelling, so a value
// redacted here reads like one GA4 redacted itself.
const Placeholder = "(redacted)"

// Text appends s to dst with every e-mail address, phone number and long
// token replaced by Placeholder, and reports whether anything was.
func Text(dst, s []byte) ([]byte, bool) {
	return scan(dst, s, false)
}

// Sensitive reports whether Text would change s.
func Sensitive(s []byte) bool {
	var buf [512]byte
	_, changed := scan(buf[:0], s, false)
	return changed
}

// scan is Text; inURL also reads "%40" as '@' (an address percent-encoded
// into a path or a query value). Addresses and tokens go first, phone
// numbers in what is left: a number that ran into a token ("000000000
// 0a1b…") is judged on its own once the token is gone, so that a second
// pass finds nothing the first did not.
//
// Matches can overlap (a token that ends where an address begins); what one
// replacement uncovers is found by scanning its result again, until nothing
// changes (in practice once more; bounded by maxRounds), so that redacting
// twice gives what redacting once gave.
func scan(dst, s []byte, inURL bool) ([]byte, bool) {
	start := len(dst)
	dst, changed := round(dst, s, inURL)
	for r := 1; changed && r < maxRounds; r++ {
		mid := len(dst)
		var again bool
		if dst, again = round(dst, dst[start:mid], inURL); !again {
			return dst[:mid], true
		}
		n := copy(dst[start:], dst[mid:])
		dst = dst[:start+n]
	}
	return dst, changed
}

// maxRounds bounds the rescans of scan.
const maxRounds = 4

// round is one scan: addresses and tokens, then phone numbers in what is
// left.
func round(dst, s []byte, inURL bool) ([]byte, bool) {
	start := len(dst)
	dst, first := pass(dst, s, inURL, false)
	if !mayHavePhone(dst[start:]) {
		return dst, first
	}
	mid := len(dst)
	dst, second := pass(dst, dst[start:mid], inURL, true)
	n := copy(dst[start:], dst[mid:])
	return dst[:start+n], first || second
}

// mayHavePhone reports whether s has the seven digits a phone number needs.
func mayHavePhone(s []byte) bool {
	n := 0
	for _, c := range s {
		if isDigit(c) {
			if n++; n == 7 {
				return true
			}
		}
	}
	return false
}

// pass appends s to dst with one kind of match replaced: addresses and
// tokens, or phone numbers.
func pass(dst, s []byte, inURL, phones bool) ([]byte, bool) {
	f := finder{phones: phones}
	copied := 0
	for i := 0; i < len(s); {
		end, ok := f.find(s, i, inURL)
		if !ok {
			i++
			continue
		}
		dst = append(dst, s[copied:i]...)
		dst = append(dst, Placeholder...)
		copied, i = end, end
	}
	if copied == 0 {
		return append(dst, s...), false
	}
	return append(dst, s[copied:]...), true
}

// finder remembers runs already known not to hold a match, so that a pass
// stays linear: a later start inside such a run reaches the same end with
// less, and cannot match either.
type finder struct {
	phones                    bool // find phone numbers, else addresses and tokens
	noEmail, noPhone, noToken int  // no match of the kind may start before these
}

// find reports whether personal data starts at i, and where it ends. Only
// word starts are candidates, so a match never begins inside a word.
func (f *finder) find(s []byte, i int, inURL bool) (int, bool) {
	if i > 0 && isWord(s[i-1]) {
		return 0, false
	}
	if inURL && (i > 0 && s[i-1] == '%' || i > 1 && s[i-2] == '%') {
		return 0, false // inside a %XX escape
	}
	if f.phones {
		if i >= f.noPhone {
			n, runEnd := phoneAt(s, i, inURL)
			if n > 0 {
				return i + n, true
			}
			f.noPhone = runEnd
		}
		return 0, false
	}
	if i >= f.noEmail {
		end, runEnd := emailAt(s, i, inURL)
		if end > 0 {
			return end, true
		}
		f.noEmail = runEnd
	}
	if i >= f.noToken {
		n, runEnd := tokenAt(s, i)
		if n > 0 {
			return i + n, true
		}
		f.noToken = runEnd
	}
	return 0, false
}

// emailAt returns the end of the address starting at i, or 0: a local part
// of [A-Za-z0-9._%+-], '@' (or "%40" in a URL), and a domain of labels
// whose last has two or more letters (Google's own redaction pattern,
// [A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}). runEnd is where the local-part
// run from i ends when there is no address: no later start before it can
// find one.
func emailAt(s []byte, i int, inURL bool) (end, runEnd int) {
	at := i
	for at < len(s) && s[at] != '@' && !(inURL && isEncodedAt(s, at)) && isLocal(s[at]) {
		at++
	}
	if at == i || at == len(s) {
		return 0, at
	}
	d := at + 1
	switch {
	case s[at] == '@':
	case inURL && isEncodedAt(s, at):
		d = at + 3
	default:
		return 0, at
	}
	r := d
	for r < len(s) && (isAlnum(s[r]) || s[r] == '.' || s[r] == '-') {
		r++
	}
	stop := r // where the domain's characters end
	for r > d && (s[r-1] == '.' || s[r-1] == '-') {
		r--
	}
	dot := -1
	for j := r - 1; j > d; j-- {
		if s[j] == '.' {
			dot = j
			break
		}
	}
	if dot < 0 || r-dot-1 < 2 {
		return 0, at
	}
	for j := dot + 1; j < r; j++ {
		if !isLetter(s[j]) {
			return 0, at
		}
	}
	if stop < len(s) && (s[stop] == '_' || s[stop] == '%' || s[stop] == '+' || s[stop] == '@') {
		return 0, at // runs on into another local part: judged from its own start
	}
	return r, 0
}

func isEncodedAt(s []byte, i int) bool {
	return i+2 < len(s) && s[i] == '%' && s[i+1] == '4' && s[i+2] == '0'
}

// maxPhoneLen is the longest phone number looked for: "+1 (555) 123-4567"
// is 17 bytes.
const maxPhoneLen = 32

// phoneAt returns the length of a phone number starting at i, or 0. A
// phone number is 7 to 15 digits with single separators between groups
// (space, '-', '.', '/', parentheses), and to tell it from other numbers it
// must look like one: an international '+', a leading '(' or '0' with at
// least 9 digits, an unbroken run of 10 to 15 digits, or at least 10
// digits in groups of two or more joined by one kind of '-' or '.'
// (555-123-4567). Dates (2024-11-27), versions (143.0.7499.194), prices and
// short codes stay. In a URL only the '+' form counts: a path's long number
// is an article or product id far more often than a phone number.
//
// A run of such characters is a phone number as a whole or not at all:
// runEnd, where the run ends, is returned on a miss, and no later start
// before it is tried (finder). So a scan stays linear, and redaction is
// idempotent: no number hides inside a longer one to match once its
// neighbour is gone.
func phoneAt(s []byte, i int, inURL bool) (n, runEnd int) {
	c := s[i]
	if c != '+' && !(c == '(' && i+1 < len(s) && isDigit(s[i+1])) && !isDigit(c) {
		return 0, 0
	}
	j := i
	if c == '+' {
		j++
	}
	digits, groups, lastSep, run, shortest := 0, 0, -1, 0, 99
	var sepKind byte
	mixed, plus := false, false
	end := j
scan:
	for j < len(s) {
		ch := s[j]
		switch {
		case isDigit(ch):
			if j == 0 || !isDigit(s[j-1]) {
				groups++
				run = 0
			}
			digits++
			run++
			j++
			end = j
			if j == len(s) || !isDigit(s[j]) {
				shortest = min(shortest, run)
			}
		case ch == '+' && j > i:
			plus = true // "123+456" is a sum or a code, and a run is judged whole
			j++
		case ch == '(' && j+1 < len(s) && isDigit(s[j+1]):
			j++
		case ch == ')' && j > i && isDigit(s[j-1]):
			j++
			end = j
		case ch == ' ' || ch == '-' || ch == '.' || ch == '/':
			if lastSep == j-1 || j+2 >= len(s) || !(isDigit(s[j+1]) || s[j+1] == '(' && isDigit(s[j+2])) {
				break scan
			}
			if sepKind == 0 {
				sepKind = ch
			} else if sepKind != ch {
				mixed = true
			}
			lastSep = j
			j++
		default:
			break scan
		}
	}
	runEnd = max(j, i+1)
	if plus || digits < 7 || digits > 15 || end-i > maxPhoneLen || end < len(s) && isWord(s[end]) {
		return 0, runEnd
	}
	switch {
	case c == '+':
	case inURL:
		return 0, runEnd
	case c == '(' || c == '0':
		if digits < 9 {
			return 0, runEnd
		}
	case groups == 1:
		if digits < 10 {
			return 0, runEnd
		}
	case !mixed && (sepKind == '-' || sepKind == '.') && digits >= 10 && shortest >= 2:
	default:
		return 0, runEnd
	}
	return end - i, 0
}

// tokenAt returns the length of a long token starting at i, or 0: 24 or
// more characters of [A-Za-z0-9_.=+~-] that mix letters and digits. Words,
// even long compound ones ("add-property__property-address"), have no
// digits and stay.
// runEnd is where the run ends: no later start before it can match.
func tokenAt(s []byte, i int) (n, runEnd int) {
	j := i
	var letters, digits bool
	for j < len(s) && isTokenByte(s[j]) {
		switch {
		case isDigit(s[j]):
			digits = true
		case isLetter(s[j]):
			letters = true
		}
		j++
	}
	if j-i < 24 || !letters || !digits {
		return 0, j
	}
	return j - i, 0
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}
func isTokenByte(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.' || c == '=' || c == '+' || c == '~'
}

// isWord marks bytes that continue a word: a match must not start or end
// inside one.
func isWord(c byte) bool { return isAlnum(c) || c == '_' }

// IsURL reports whether v is an absolute http(s) URL, the form GA4's
// URL-valued parameters (dl, dr, ep.link_url, ep.page_location, …) take.
func IsURL(v []byte) bool {
	return hasPrefixFold(v, "https://") || hasPrefixFold(v, "http://")
}

// URL appends u to dst cleaned: no fragment, no user info, only the query
// parameters keep accepts (in their original order and encoding), and
// personal data in the path and in kept values redacted. keep sees each
// parameter's raw (still encoded) name; nil keeps none.
func URL(dst, u []byte, keep func(name []byte) bool) []byte {
	if i := bytes.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	query := []byte(nil)
	if i := bytes.IndexByte(u, '?'); i >= 0 {
		u, query = u[:i], u[i+1:]
	}
	// scheme://[userinfo@]host[:port] stays, minus the user info.
	if i := bytes.Index(u, []byte("://")); i > 0 && i < 16 {
		rest := u[i+3:]
		end := bytes.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		auth := rest[:end]
		if at := bytes.LastIndexByte(auth, '@'); at >= 0 {
			auth = auth[at+1:]
		}
		dst = append(dst, u[:i+3]...)
		dst = append(dst, auth...)
		u = rest[end:]
	}
	dst, _ = scan(dst, u, true)
	n := 0
	for len(query) > 0 {
		pair := query
		if i := bytes.IndexByte(query, '&'); i >= 0 {
			pair, query = query[:i], query[i+1:]
		} else {
			query = nil
		}
		name, val := pair, []byte(nil)
		if i := bytes.IndexByte(pair, '='); i >= 0 {
			name, val = pair[:i], pair[i:]
		}
		if len(name) == 0 || keep == nil || !keep(name) {
			continue
		}
		if n == 0 {
			dst = append(dst, '?')
		} else {
			dst = append(dst, '&')
		}
		dst = append(dst, name...)
		dst, _ = scan(dst, val, true)
		n++
	}
	return dst
}

func hasPrefixFold(s []byte, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// Path appends a URL path (or one of its segments) to dst with personal
// data replaced as in a URL: e-mail addresses (also as "%40"), long tokens,
// and phone numbers in their international '+' form.
func Path(dst, p []byte) []byte {
	dst, _ = scan(dst, p, true)
	return dst
}

// InPath reports whether Path would change p.
func InPath(p string) bool {
	var buf [512]byte
	_, changed := scan(buf[:0], []byte(p), true)
	return changed
}
