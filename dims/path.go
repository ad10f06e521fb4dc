package dims

import (
	"strings"
	"unicode/utf8"

	"github.com/consentproxy/consentproxy/redact"
)

// MaxPathLen caps a stored path in bytes. Longer paths are cut at a
// character (and percent-escape) boundary: they are almost always generated
// URLs whose tail is an identifier, not a page name.
const MaxPathLen = 512

// maxURLLen bounds the work done on one page URL.
const maxURLLen = 8 << 10

// Path reduces a page URL (GA4's dl) to the path that is counted. Rules:
//
//   - Only the path: scheme, host, port, user info, query string and
//     fragment are dropped. The result never contains '?' or '#'.
//   - "/" for an empty, relative, non-http(s) or otherwise invalid URL.
//   - Percent-encoding is normalized: escapes are decoded, except those of
//     '%', '/', '?', '#', ';', '\' and of bytes that are controls, spaces or
//     invalid UTF-8, which stay (or become) upper-case escapes. So
//     "/caf%c3%a9" and "/café" count as one page, and an encoded slash stays
//     distinct from a real one.
//   - '\' is read as '/' (as browsers do), runs of slashes collapse, "." and
//     ".." segments are resolved, and matrix parameters (";jsessionid=…")
//     are removed: they carry session identifiers, never page names.
//   - A trailing slash is removed ("/pricing/" → "/pricing"), except for the
//     root: the two forms nearly always serve the same page and would
//     otherwise split its numbers.
//   - Case is kept: paths are case-sensitive on many servers, and lower-
//     casing would merge distinct pages and make paths unclickable.
//   - Personal data in a segment becomes "(redacted)" (package redact: an
//     e-mail address, a long token such as a reset link's, a '+' phone
//     number), so none of it is ever stored. Google's copy of the URL is
//     redacted the same way.
//   - At most MaxPathLen bytes, cut at a character boundary.
//
// The result is valid UTF-8, starts with '/', and Path(Path(u)) == Path(u).
// When the URL's path is already normal it is returned without copying, so
// the result may share memory with pageURL.
func Path(pageURL string) string {
	s := pageURL
	if len(s) > maxURLLen {
		s = s[:maxURLLen]
	}
	s = strings.Trim(s, " \t\r\n")
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	p, ok := pathPart(s)
	if !ok || p == "" {
		return "/"
	}
	if len(p) <= MaxPathLen && isNormalPath(p) && !redact.InPath(p) {
		return p
	}
	return buildPath(p)
}

// pathPart strips scheme and authority. It accepts absolute http(s) URLs,
// scheme-relative ones ("//host/p") and absolute paths ("/p").
func pathPart(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if isSlash(s[0]) {
		if len(s) > 1 && isSlash(s[1]) {
			return afterAuthority(s[2:]), true
		}
		return s, true
	}
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", false
	}
	scheme := s[:i]
	if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
		return "", false
	}
	rest := s[i+1:]
	if len(rest) < 2 || !isSlash(rest[0]) || !isSlash(rest[1]) {
		return "", false
	}
	return afterAuthority(rest[2:]), true
}

// afterAuthority skips "user@host:port" up to the first slash.
func afterAuthority(s string) string {
	for i := 0; i < len(s); i++ {
		if isSlash(s[i]) {
			return s[i:]
		}
	}
	return ""
}

func isSlash(c byte) bool { return c == '/' || c == '\\' }

// isNormalPath reports whether p is already what buildPath would return, for
// the common case: printable ASCII, no escapes, no empty/dot segments, no
// matrix parameters, no '@', no trailing slash.
func isNormalPath(p string) bool {
	if p == "/" {
		return true
	}
	if p[0] != '/' || p[len(p)-1] == '/' {
		return false
	}
	segStart := 1
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			seg := p[segStart:i]
			if seg == "" || seg == "." || seg == ".." {
				return false
			}
			segStart = i + 1
			continue
		}
		c := p[i]
		if c <= ' ' || c >= 0x7f || c == '%' || c == '\\' || c == ';' || c == '@' {
			return false
		}
	}
	return true
}

// buildPath is the slow path of Path: p starts with a slash.
func buildPath(p string) string {
	var segs []string
	for _, raw := range splitSlashes(p) {
		if i := strings.IndexByte(raw, ';'); i >= 0 {
			raw = raw[:i]
		}
		seg := normSegment(raw)
		switch seg {
		case "", ".":
			continue
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			continue
		}
		if redact.InPath(seg) {
			seg = string(redact.Path(nil, []byte(seg)))
		}
		segs = append(segs, seg)
	}
	if len(segs) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, seg := range segs {
		if b.Len()+1+len(seg) > MaxPathLen {
			rest := MaxPathLen - b.Len() - 1
			if rest > 0 {
				seg = cutEscaped(seg, rest)
				if seg != "" && seg != "." && seg != ".." {
					b.WriteByte('/')
					b.WriteString(seg)
				}
			}
			break
		}
		b.WriteByte('/')
		b.WriteString(seg)
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

func splitSlashes(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' })
}

// keepEscaped lists the bytes that stay percent-encoded: decoding them would
// change the path's structure ('/', '\', ';', '?', '#'), make decoding
// ambiguous ('%'), or put invisible characters into a dimension.
func keepEscaped(c byte) bool {
	return c <= ' ' || c == 0x7f || c == '%' || c == '/' || c == '\\' || c == ';' || c == '?' || c == '#'
}

const upperHex = "0123456789ABCDEF"

// normSegment decodes one segment's escapes (see keepEscaped) and escapes
// what must not appear raw: controls, spaces and invalid UTF-8.
func normSegment(raw string) string {
	// Stage 1: decode. Afterwards every '%' in b starts a valid upper-case
	// escape of a keepEscaped byte.
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' {
			if i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]) {
				d := unhex(raw[i+1])<<4 | unhex(raw[i+2])
				if keepEscaped(d) {
					b = append(b, '%', upperHex[d>>4], upperHex[d&15])
				} else {
					b = append(b, d)
				}
				i += 2
				continue
			}
			b = append(b, '%', '2', '5')
			continue
		}
		b = append(b, c)
	}
	// Stage 2: validate.
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c == '%' {
			out = append(out, b[i:i+3]...)
			i += 3
			continue
		}
		if c < utf8.RuneSelf {
			if keepEscaped(c) {
				out = append(out, '%', upperHex[c>>4], upperHex[c&15])
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			out = append(out, '%', upperHex[c>>4], upperHex[c&15])
			i++
			continue
		}
		out = append(out, b[i:i+n]...)
		i += n
	}
	return string(out)
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// cutEscaped returns the longest prefix of s of at most n bytes that ends
// neither inside a UTF-8 character nor inside a "%XX" escape.
func cutEscaped(s string, n int) string {
	if len(s) <= n {
		return s
	}
	c := n
	for c > 0 {
		switch {
		case !utf8.RuneStart(s[c]):
			c--
		case s[c-1] == '%':
			c--
		case c >= 2 && s[c-2] == '%':
			c -= 2
		default:
			return s[:c]
		}
	}
	return ""
}
