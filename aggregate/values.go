package aggregate

import (
	"strings"

	consentproxy "github.com/consentproxy/consentproxy"
)

// The values below reach tables from requests; each is admitted here in a
// closed set or a narrow shape, so a forged one never stores free text.

// filterClass is the class a filtered hit is stored under: one of the
// closed sets, so a forged value can never reach a table, and the constant
// itself, so nothing points into request memory.
func filterClass(r consentproxy.Reason, class string) string {
	if r == consentproxy.ReasonExcluded {
		switch class {
		case consentproxy.ExcludedInternalIP:
			return consentproxy.ExcludedInternalIP
		case consentproxy.ExcludedReferrerSpam:
			return consentproxy.ExcludedReferrerSpam
		case consentproxy.ExcludedStaff:
			return consentproxy.ExcludedStaff
		}
		return consentproxy.BotOther
	}
	switch class {
	case consentproxy.BotCrawler:
		return consentproxy.BotCrawler
	case consentproxy.BotAICrawler:
		return consentproxy.BotAICrawler
	case consentproxy.BotMonitor:
		return consentproxy.BotMonitor
	case consentproxy.BotHeadless:
		return consentproxy.BotHeadless
	case consentproxy.BotLibrary:
		return consentproxy.BotLibrary
	}
	return consentproxy.BotOther
}

// jurisdictionGroup admits a region group's name (1-32 of a-z, 0-9, -),
// so free text, let alone a place finer than a group, never reaches the
// table through it.
func jurisdictionGroup(s string) string {
	if len(s) == 0 || len(s) > 32 {
		return consentproxy.JurisdictionUnknown
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return consentproxy.JurisdictionUnknown
		}
	}
	return s
}

// removedClass admits a parameter class (1-24 of a-z and _), so no free
// text reaches the removed_params table through it.
func removedClass(s string) string {
	if len(s) == 0 || len(s) > 24 {
		return "other"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c == '_') {
			return "other"
		}
	}
	return s
}

// regionOf admits an ISO 3166-2 code of the visit's country ("US-CA": the
// country, a hyphen, one to three upper-case letters or digits); anything
// else, or a region of another country, is "".
func regionOf(region, country string) string {
	cc, sub, ok := strings.Cut(region, "-")
	if !ok || country == "" || cc != country || len(sub) == 0 || len(sub) > 3 {
		return ""
	}
	for i := 0; i < len(sub); i++ {
		if c := sub[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return region
}

// Event names that are stored instead of a malformed or missing name.
const (
	EventNotSet  = "(not set)"
	EventInvalid = "(invalid)"
)

// eventName admits GA4-shaped names only (a letter, then letters, digits and
// underscores, at most 40): the name is client-controlled, and free text in it
// could carry personal data into a table.
func eventName(s string) string {
	if s == "" {
		return EventNotSet
	}
	if len(s) > maxEventName {
		return EventInvalid
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_'):
		default:
			return EventInvalid
		}
	}
	return s
}
