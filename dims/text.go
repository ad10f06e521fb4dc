package dims

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/consentproxy/consentproxy/redact"
)

// Text is a free-text value as a table may keep it (an event property a
// site owner allows as free text): invalid UTF-8 and control characters
// dropped, runs of white space made one space, personal data replaced
// (redact.Text: e-mail addresses, tokens, phone numbers), and at most max
// bytes, cut at a character boundary. "" when nothing is left.
func Text(s string, max int) string {
	if len(s) > 4*max+64 {
		s = s[:4*max+64] // bound the work; the cut below decides the length
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r) && !unicode.IsSpace(r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	// Cutting can make a new match (a long number shortened into a token),
	// so redact and cut until neither changes anything: a stored value
	// reads the same when it is cleaned again.
	t := b.String()
	for range 4 {
		out, _ := redact.Text(nil, []byte(cut(t, max)))
		next := strings.TrimSpace(cut(string(out), max))
		if next == t {
			break
		}
		t = next
	}
	return t
}

// cut is s at most max bytes long, at a character boundary.
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
