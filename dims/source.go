package dims

import (
	"strings"
	"unicode/utf8"
)

// Source is where a visit came from, as stored in the sources table.
type Source struct {
	// Referrer is the canonical name of the referrer: GA4's source name
	// for search engines ("google" for every Google search host and the
	// Android Google app, "bing", "yahoo", "duckduckgo", … see
	// data/engines.txt), else the referrer's host, lower case, "www."
	// stripped; "" when direct. Since issue 15 Google search is "google",
	// no longer "google.com" or "google.de": coarser, so more private, and
	// what GA4 reports as the source.
	Referrer    string
	Channel     string // one of Channels()
	UTMSource   string // utm_source, normalized (see SourceWith)
	UTMMedium   string
	UTMCampaign string
}

// Options are the site owner's choices about channels. The zero value is
// GA4's default channel group.
type Options struct {
	// AIChannel counts visits from AI assistants (data/ai.txt: chatgpt.com,
	// perplexity.ai, gemini.google.com, …) as ChannelAIAssistant instead of
	// the Referral or Unassigned that GA4 gives them. Only those two GA4
	// channels are replaced: an AI source tagged with a paid or e-mail
	// medium keeps its GA4 channel. Off by default so that our channels
	// match GA4's for the same hit.
	AIChannel bool
}

// Length caps, in bytes.
const (
	MaxUTMLen  = 100
	MaxHostLen = 253
)

// SourceOf is SourceWith with the default Options: GA4's channel group.
func SourceOf(pageURL, referrer string) Source {
	return SourceWith(pageURL, referrer, Options{})
}

// SourceWith derives the sources-table dimensions of a visit from its landing
// page URL (dl) and its referrer (dr).
//
// Referrer: see Source.Referrer. Never a path or query; "" when there is no
// usable referrer, when it is the page's own host (internal navigation
// counts as direct; only the exact host after "www." stripping, since
// subdomains may be other sites), or when it is an IP address (never
// stored). Only http(s) and android-app referrers are read; the latter
// yield the app's package name.
//
// UTM values: utm_source, utm_medium and utm_campaign from the page URL's
// query, first occurrence, percent- and '+'-decoded, lower-cased (tagging is
// inconsistent in practice and "Newsletter" vs "newsletter" should not split
// a campaign), trimmed, at most MaxUTMLen bytes, valid UTF-8 without control
// characters. A value containing '@' is dropped: it is usually an address a
// mailing tool put there.
//
// Channel: GA4's default channel group, so that it equals what GA4 shows
// for the same hit. First the session source and medium are derived as GA4
// does, first that applies:
//  1. a Google Ads click ID (gclid, gbraid, wbraid) → google / cpc, as
//     auto-tagging does, winning over UTMs; dclid (Campaign Manager,
//     Display & Video 360) → dfa / cpm. Other networks' click IDs
//     (msclkid, fbclid, ttclid, …) mean nothing to GA4 and are ignored;
//  2. utm_source or utm_medium present → the tags, the missing one
//     "(not set)";
//  3. a referrer → (engine, organic) for a search engine, else
//     (host, referral); a webmail host → (host, email) — our one
//     deliberate difference from GA4, which counts webmail as referral;
//  4. only utm_campaign → (not set) / (not set);
//  5. nothing → (direct) / (none).
//
// utm_campaign is the campaign in 2–5. Then GA4's rule table is applied in
// its order (Direct, Cross-network, Paid Shopping, Paid Search, Paid Social,
// Paid Video, Display, Paid Other, Organic Shopping, Organic Social, Organic
// Video, Organic Search, Referral, Email, Affiliates, Audio, SMS, Mobile
// Push Notifications, else Unassigned) with Google's source-category list
// (data/ga4_source_categories.csv). What a Google Ads click really was
// (Display, Video, Performance Max) only Google Ads knows: a gclid is Paid
// Search here. Finally opt.AIChannel may turn Referral or Unassigned from
// an AI assistant into ChannelAIAssistant.
//
// The page and referrer are not retained; results may share memory with them.
func SourceWith(pageURL, referrer string, opt Options) Source {
	var src Source
	var rawSrc, rawMed, rawCamp string
	var haveSrc, haveMed, haveCamp bool
	click := clickNone
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
			if v != "" {
				if c := clickKindOf(k); c > click {
					click = c
				}
			}
		}
	}
	src.UTMSource = utmValue(rawSrc)
	src.UTMMedium = utmValue(rawMed)
	src.UTMCampaign = utmValue(rawCamp)

	ref := referrerInfo(referrer, pageURL)
	src.Referrer = ref.name

	t := traffic{campaign: src.UTMCampaign}
	switch {
	case click == clickGoogleAds:
		t = traffic{source: "google", medium: "cpc"} // the Ads campaign name is unknown here
	case click == clickDV360:
		t = traffic{source: "dfa", medium: "cpm"}
	case src.UTMSource != "" || src.UTMMedium != "":
		t.source, t.medium = orNotSet(src.UTMSource), orNotSet(src.UTMMedium)
	case ref.source != "":
		t.source, t.medium, t.webmail = ref.source, ref.medium, ref.webmail
	case src.UTMCampaign != "":
		t.source, t.medium = notSet, notSet
	default:
		t.source, t.medium = directSrc, noneMedium
	}
	src.Channel = channelOf(t)
	if opt.AIChannel && (src.Channel == ChannelReferral || src.Channel == ChannelUnassigned) &&
		aiList.matchSource(t.source) {
		src.Channel = ChannelAIAssistant
	}
	return src
}

func orNotSet(s string) string {
	if s == "" {
		return notSet
	}
	return s
}

type clickKind int

// Ordered by precedence when several click IDs are present.
const (
	clickNone clickKind = iota
	clickDV360
	clickGoogleAds
)

// clickKindOf knows the click IDs GA4 itself reads: Google Ads' and
// Campaign Manager's. GA4 has no integration that reads msclkid, fbclid,
// ttclid and the like, so neither do we.
func clickKindOf(k string) clickKind {
	switch {
	case strings.EqualFold(k, "gclid"), strings.EqualFold(k, "gbraid"), strings.EqualFold(k, "wbraid"):
		return clickGoogleAds
	case strings.EqualFold(k, "dclid"):
		return clickDV360
	}
	return clickNone
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

// UTMDetails are a landing URL's utm_term and utm_content, normalized as
// the other UTM values are (decoded, lower case, at most MaxUTMLen bytes,
// "" for one that holds an @); "" where absent.
func UTMDetails(pageURL string) (term, content string) {
	var rawTerm, rawContent string
	var haveTerm, haveContent bool
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
		case !haveTerm && strings.EqualFold(k, "utm_term"):
			rawTerm, haveTerm = v, true
		case !haveContent && strings.EqualFold(k, "utm_content"):
			rawContent, haveContent = v, true
		}
	}
	return utmValue(rawTerm), utmValue(rawContent)
}
