package i18n

import (
	"strings"

	"github.com/consentproxy/consentproxy/web"
)

// Limits on a language list: real browsers send a handful of entries, so
// anything longer is cut rather than parsed in full on every request.
const (
	maxListBytes   = 1024
	maxListEntries = 32
)

// Pick returns the language of t that best fits list, an Accept-Language
// header or the same syntax from the banner ("de-AT,de;q=0.9,en;q=0.5", or
// "de-AT,fr" for <html lang> then navigator.language). The entry with the
// highest quality that t can serve wins, earlier entries winning ties. An
// entry is served by its exact tag, else by its primary subtag ("de-at" by
// "de"), else by any regional variant of it ("pt" by "pt-br"). Malformed
// entries are skipped; with no match, Pick returns Default.
func (t Texts) Pick(list string) string {
	if len(list) > maxListBytes {
		list = list[:maxListBytes]
	}
	best, bestQ := "", 0
	for i := 0; i < maxListEntries && list != ""; i++ {
		var entry string
		entry, list, _ = strings.Cut(list, ",")
		tag, q, ok := parseEntry(entry)
		if !ok || q <= bestQ {
			continue
		}
		if lang := t.serve(tag); lang != "" {
			best, bestQ = lang, q
		}
	}
	if best == "" {
		return Default
	}
	return best
}

// serve finds the language of t for a lower-case tag, or "".
func (t Texts) serve(tag string) string {
	if tag == "*" {
		return Default
	}
	if _, ok := t[tag]; ok {
		return tag
	}
	primary, _, _ := strings.Cut(tag, "-")
	if _, ok := t[primary]; ok {
		return primary
	}
	var variant string
	for l := range t {
		if strings.HasPrefix(l, primary+"-") && (variant == "" || l < variant) {
			variant = l
		}
	}
	return variant
}

// parseEntry reads one "tag;q=0.8" entry into a lower-case tag and a quality
// in thousandths (RFC 9110 §12.4.2). Parameters other than q are ignored.
func parseEntry(entry string) (tag string, q int, ok bool) {
	tag, params, _ := strings.Cut(entry, ";")
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag != "*" && !validTag(tag) {
		return "", 0, false
	}
	if q, ok = web.Quality(params); !ok {
		return "", 0, false
	}
	return tag, q, true
}

// validTag accepts lower-case BCP 47-shaped tags: a primary subtag of 2–8
// letters, then subtags of 1–8 letters or digits ("de", "pt-br", "zh-hant-tw").
func validTag(tag string) bool {
	if len(tag) == 0 || len(tag) > 35 {
		return false
	}
	for i, sub := range strings.Split(tag, "-") {
		if len(sub) == 0 || len(sub) > 8 || (i == 0 && len(sub) < 2) {
			return false
		}
		for j := 0; j < len(sub); j++ {
			c := sub[j]
			if !(c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}
