package dims

import (
	"net/netip"
	"strings"
)

// refInfo is what the referrer tells: the normalized host, and what GA4
// (and our webmail rule) make of it.
type refInfo struct {
	host    string // normalized host or android package; "" when none or IP
	name    string // canonical name to store (Source.Referrer)
	source  string // GA4 session source
	medium  string // GA4 session medium: "organic", "referral" or "email"
	webmail bool
}

// referrerInfo derives the GA4 source and medium of a referrer: a search
// engine of engines.txt is (engine, organic), a webmail host of email.txt
// (or any host whose first label is "webmail") is (host, email), anything
// else is (host, referral). The stored name is the engine's name where
// engines.txt has one, else the host: GA4's own source naming, so "google"
// for every Google search host (www.google.co.uk, images.google.de, the
// Android Google app) and "bing", "yahoo", "duckduckgo", while
// l.facebook.com or t.co stay themselves, as in GA4.
func referrerInfo(referrer, pageURL string) refInfo {
	h, ip := referrerHost(referrer)
	if h != "" && h == pageHost(pageURL) {
		h = "" // internal navigation: direct
	}
	r := refInfo{host: h}
	switch {
	case h == "":
		if ip {
			// GA4 would name the address; we never keep it, and no list has one.
			r.source, r.medium = "(ip)", "referral"
		}
		return r
	case emailList.matchHost(h) || strings.HasPrefix(h, "webmail."):
		r.name, r.source, r.medium, r.webmail = h, h, "email", true
		return r
	}
	if e, ok := engines.lookup(h); ok {
		r.name = e.source
		if e.medium == "organic" {
			r.source, r.medium = e.source, "organic"
			return r
		}
	} else {
		r.name = h
	}
	r.source, r.medium = h, "referral"
	return r
}

// pageHost is the page URL's normalized host, "" for relative URLs.
func pageHost(u string) string {
	h, _, ok := urlHost(u, false)
	if !ok {
		return ""
	}
	return h
}

// referrerHost normalizes a referrer to its host; isIP reports a valid
// referrer whose host is an IP address (returned as "").
func referrerHost(r string) (host string, isIP bool) {
	h, ip, ok := urlHost(r, true)
	if !ok {
		return "", false
	}
	return h, ip
}

// urlHost extracts and normalizes the host of an absolute URL.
func urlHost(u string, allowApp bool) (host string, isIP, ok bool) {
	if len(u) > maxURLLen {
		u = u[:maxURLLen]
	}
	u = strings.Trim(u, " \t\r\n")
	i := strings.Index(u, "://")
	if i <= 0 {
		return "", false, false
	}
	scheme := u[:i]
	app := false
	switch {
	case strings.EqualFold(scheme, "http"), strings.EqualFold(scheme, "https"):
	case allowApp && strings.EqualFold(scheme, "android-app"):
		app = true
	default:
		return "", false, false
	}
	auth := u[i+3:]
	if j := strings.IndexAny(auth, "/?#\\"); j >= 0 {
		auth = auth[:j]
	}
	if j := strings.LastIndexByte(auth, '@'); j >= 0 {
		auth = auth[j+1:]
	}
	if strings.HasPrefix(auth, "[") { // IPv6 literal
		if j := strings.IndexByte(auth, ']'); j > 0 {
			if _, err := netip.ParseAddr(auth[1:j]); err == nil {
				return "", true, true
			}
		}
		return "", false, false
	}
	if j := strings.IndexByte(auth, ':'); j >= 0 {
		auth = auth[:j]
	}
	auth = strings.TrimSuffix(auth, ".")
	if auth == "" || len(auth) > MaxHostLen {
		return "", false, false
	}
	if looksIPv4(auth) {
		if _, err := netip.ParseAddr(auth); err == nil {
			return "", true, true
		}
		return "", false, false
	}
	lower := true
	for k := 0; k < len(auth); k++ {
		c := auth[k]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.', c == '_':
		case c >= 'A' && c <= 'Z':
			lower = false
		default:
			// Not a DNS name (raw Unicode hosts arrive punycoded from
			// browsers); refuse rather than store arbitrary text.
			return "", false, false
		}
	}
	if !lower {
		auth = strings.ToLower(auth)
	}
	if strings.HasPrefix(auth, ".") || strings.Contains(auth, "..") {
		return "", false, false
	}
	for !app && strings.HasPrefix(auth, "www.") {
		auth = auth[len("www."):]
	}
	return auth, false, auth != ""
}

// looksIPv4 is a cheap pre-check: ParseAddr allocates its error.
func looksIPv4(s string) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}
