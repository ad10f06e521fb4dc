package dims

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Source is where a visit came from, as stored in the sources table.
type Source struct {
	Referrer    string // referrer host, lower case, "www." stripped; "" when direct
	Channel     string // one of Channels()
	UTMSource   string // utm_source, normalized (see SourceOf)
	UTMMedium   string
	UTMCampaign string
}

// Channels. The set is closed: marketing queries filter on these values.
const (
	ChannelDirect        = "direct"
	ChannelOrganicSearch = "organic_search"
	ChannelPaidSearch    = "paid_search"
	ChannelSocial        = "social"
	ChannelPaidSocial    = "paid_social"
	ChannelEmail         = "email"
	ChannelAIAssistant   = "ai_assistant"
	ChannelReferral      = "referral"
	ChannelPaidOther     = "paid_other"
	ChannelUnassigned    = "unassigned"
)

// Channels lists every value Source.Channel can take.
func Channels() []string {
	return []string{ChannelDirect, ChannelOrganicSearch, ChannelPaidSearch, ChannelSocial, ChannelPaidSocial,
		ChannelEmail, ChannelAIAssistant, ChannelReferral, ChannelPaidOther, ChannelUnassigned}
}

// Length caps, in bytes.
const (
	MaxUTMLen  = 100
	MaxHostLen = 253
)

// SourceOf derives the sources-table dimensions of a visit from its landing
// page URL (dl) and its referrer (dr).
//
// Referrer: the referrer's host only (never its path or query), lower case,
// without "www.", port or trailing dot. It is "" when there is no usable
// referrer, when it is the page's own host (internal navigation counts as
// direct; only the exact host after "www." stripping, since subdomains may be
// other sites), or when it is an IP address (never stored). Only http(s) and
// android-app referrers are read; the latter yield the app's package name.
//
// UTM values: utm_source, utm_medium and utm_campaign from the page URL's
// query, first occurrence, percent- and '+'-decoded, lower-cased (tagging is
// inconsistent in practice and "Newsletter" vs "newsletter" should not split
// a campaign), trimmed, at most MaxUTMLen bytes, valid UTF-8 without control
// characters. A value containing '@' is dropped: it is usually an address a
// mailing tool put there.
//
// Channel, first rule that applies:
//  1. a click ID: gclid/gbraid/wbraid/msclkid/yclid → paid_search;
//     dclid → paid_other; ttclid/twclid/li_fat_id/rdt_cid/sccid/epik →
//     paid_social (fbclid is on every Facebook link, paid or not: no rule);
//  2. utm_medium: display/banner/interstitial/expandable → paid_other;
//     cpc, ppc, cpm, cpv, cpa, "paid*", retargeting → paid_search,
//     paid_social or paid_other by the source's kind; anything with "mail"
//     or "newsletter" → email; social/social-network/social-media/sm →
//     social; organic with a search source → organic_search;
//     referral/affiliate(s) → referral;
//  3. utm_source on a list (data/*.txt): ai_assistant, email,
//     organic_search, social;
//  4. the referrer host on a list, in the order ai, email (also any
//     "webmail." host), search, social; any other referrer → referral;
//  5. any utm_* present but unrecognized → unassigned;
//  6. fbclid/igshid alone → social (the referrer was stripped);
//  7. otherwise direct.
//
// The page and referrer are not retained; results may share memory with them.
func SourceOf(pageURL, referrer string) Source {
	var src Source
	var rawSrc, rawMed, rawCamp string
	var haveSrc, haveMed, haveCamp bool
	click, socialHint := clickNone, false
	q := queryOf(pageURL)
	for q != "" {
		var kv string
		if i := strings.IndexByte(q, '&'); i >= 0 {
			kv, q = q[:i], q[i+1:]
		} else {
			kv, q = q, ""
		}
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case strings.EqualFold(k, "utm_source"):
			if !haveSrc {
				rawSrc, haveSrc = v, true
			}
		case strings.EqualFold(k, "utm_medium"):
			if !haveMed {
				rawMed, haveMed = v, true
			}
		case strings.EqualFold(k, "utm_campaign"):
			if !haveCamp {
				rawCamp, haveCamp = v, true
			}
		default:
			if v == "" {
				continue
			}
			if c := clickKindOf(k); c > click {
				click = c
			} else if strings.EqualFold(k, "fbclid") || strings.EqualFold(k, "igshid") || strings.EqualFold(k, "igsh") {
				socialHint = true
			}
		}
	}
	src.UTMSource = utmValue(rawSrc)
	src.UTMMedium = utmValue(rawMed)
	src.UTMCampaign = utmValue(rawCamp)

	ref, refIsIP := referrerHost(referrer)
	if ref != "" && ref == pageHost(pageURL) {
		ref = ""
	}
	src.Referrer = ref
	src.Channel = channelOf(&src, click, refIsIP, socialHint)
	return src
}

type clickKind int

// Ordered by precedence when several click IDs are present.
const (
	clickNone clickKind = iota
	clickOther
	clickSocial
	clickSearch
)

func clickKindOf(k string) clickKind {
	switch strings.ToLower(k) {
	case "gclid", "gbraid", "wbraid", "msclkid", "yclid":
		return clickSearch
	case "ttclid", "twclid", "li_fat_id", "rdt_cid", "sccid", "epik":
		return clickSocial
	case "dclid":
		return clickOther
	}
	return clickNone
}

type kind int

const (
	kindNone kind = iota
	kindAI
	kindEmail
	kindSearch
	kindSocial
)

func hostKind(h string) kind {
	switch {
	case h == "":
		return kindNone
	case aiList.matchHost(h):
		return kindAI
	case emailList.matchHost(h) || strings.HasPrefix(h, "webmail."):
		return kindEmail
	case searchList.matchHost(h):
		return kindSearch
	case socialList.matchHost(h):
		return kindSocial
	}
	return kindNone
}

func sourceKind(s string) kind {
	switch {
	case s == "":
		return kindNone
	case aiList.matchSource(s):
		return kindAI
	case emailList.matchSource(s):
		return kindEmail
	case searchList.matchSource(s):
		return kindSearch
	case socialList.matchSource(s):
		return kindSocial
	}
	return kindNone
}

func channelOf(s *Source, click clickKind, refIsIP, socialHint bool) string {
	switch click {
	case clickSearch:
		return ChannelPaidSearch
	case clickSocial:
		return ChannelPaidSocial
	case clickOther:
		return ChannelPaidOther
	}
	sk := sourceKind(s.UTMSource)
	rk := hostKind(s.Referrer)
	k := sk
	if k == kindNone {
		k = rk
	}
	m := s.UTMMedium
	switch {
	case m == "display" || m == "banner" || m == "interstitial" || m == "expandable":
		return ChannelPaidOther
	case isPaidMedium(m):
		switch k {
		case kindSearch:
			return ChannelPaidSearch
		case kindSocial:
			return ChannelPaidSocial
		}
		return ChannelPaidOther
	case strings.Contains(m, "mail") || strings.Contains(m, "newsletter"):
		return ChannelEmail
	case m == "social" || m == "social-network" || m == "social-media" || m == "social network" ||
		m == "social media" || m == "social_media" || m == "sm":
		return ChannelSocial
	case m == "organic" && k == kindSearch:
		return ChannelOrganicSearch
	case m == "referral" || m == "affiliate" || m == "affiliates":
		return ChannelReferral
	}
	if c := kindChannel(sk); c != "" {
		return c
	}
	if s.Referrer != "" || refIsIP {
		if c := kindChannel(rk); c != "" {
			return c
		}
		return ChannelReferral
	}
	if s.UTMSource != "" || s.UTMMedium != "" || s.UTMCampaign != "" {
		return ChannelUnassigned
	}
	if socialHint {
		return ChannelSocial
	}
	return ChannelDirect
}

func kindChannel(k kind) string {
	switch k {
	case kindAI:
		return ChannelAIAssistant
	case kindEmail:
		return ChannelEmail
	case kindSearch:
		return ChannelOrganicSearch
	case kindSocial:
		return ChannelSocial
	}
	return ""
}

// isPaidMedium follows GA4's ^(.*cp.*|ppc|retargeting|paid.*)$.
func isPaidMedium(m string) bool {
	return strings.Contains(m, "cp") || m == "ppc" || m == "retargeting" || strings.HasPrefix(m, "paid")
}

// queryOf returns the raw query of a URL: after the first '?', before '#'.
func queryOf(u string) string {
	if len(u) > maxURLLen {
		u = u[:maxURLLen]
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	i := strings.IndexByte(u, '?')
	if i < 0 {
		return ""
	}
	return u[i+1:]
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

// utmValue normalizes one raw (still encoded) utm_* value.
func utmValue(raw string) string {
	if raw == "" {
		return ""
	}
	if len(raw) > 4*MaxUTMLen {
		raw = raw[:4*MaxUTMLen] // enough for MaxUTMLen decoded bytes
	}
	if isCleanUTM(raw) {
		return raw
	}
	v := decodeQuery(raw)
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(v, "") {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			continue
		}
		b.WriteRune(r)
	}
	v = strings.TrimSpace(strings.ToLower(b.String()))
	if strings.IndexByte(v, '@') >= 0 {
		return ""
	}
	if len(v) > MaxUTMLen {
		v = strings.TrimSpace(cutRunes(v, MaxUTMLen))
	}
	return v
}

// isCleanUTM reports whether raw needs no decoding or normalization.
func isCleanUTM(raw string) bool {
	if len(raw) > MaxUTMLen || raw[0] == ' ' || raw[len(raw)-1] == ' ' {
		return false
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c < 0x21 || c >= 0x7f || c == '%' || c == '+' || c == '@' || (c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// decodeQuery decodes a query component: '+' is a space, "%XX" a byte;
// a malformed escape is kept as text.
func decodeQuery(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// cutRunes cuts valid UTF-8 s to at most n bytes at a rune boundary.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
