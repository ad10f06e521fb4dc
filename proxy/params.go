package proxy

import (
	"bytes"
	"slices"
	"sort"
	"strings"
)

// What Google receives is an allowlist: a parameter reaches it only if it
// is named here, and then only in the form its class gives. Everything else
// is dropped and counted by the reason below. The names come from gtag.js's
// own hit builder (the real copy the browser tests run, 2025: the tables
// mapping its fields to hit keys) and from GA4's protocol reference
// (../shared/research/ga-proxy-anchors.md §2.3); what a real script sends
// in every flow is asserted by the e2e suite against this table.

// class says how one parameter is forwarded.
type class uint8

const (
	cDrop   class = iota // not on the allowlist
	cKeep                // as sent (sanitized, cut to the length limit)
	cURL                 // a URL: redact.URL with the allowlisted query parameters
	cText                // free text: redact.Text
	cEvent               // ep.*: a URL or free text; search terms need KeepSearchTerms
	cNumber              // epn.*: must be a number, and not a phone number
	cUser                // uid, up.*, upn.*: only when named in KeepUserParams
	cTid                 // tid: the validated measurement id
	cProxy               // _uip, uip, ur: the proxy's own values replace the client's
)

// DropReason says why a parameter did not reach Google.
type DropReason uint8

// Reasons a parameter is dropped, as counted in ParamStats.
const (
	DropUnknown    DropReason = iota // not on the allowlist
	DropIdentifier                   // an identifier GA4 does not need (ecid, _fplc, em, gcl*, …)
	DropServer                       // server-side tagging's own (sst.*, richsstsse, …)
	DropUser                         // uid, up.*, upn.* not named in KeepUserParams
	DropSearch                       // a site-search term
	DropMalformed                    // epn.* that is no number, or a duplicate
	DropClientIP                     // an address the client claims (_uip, uip)
	DropPersonal                     // a number that is a phone number (epn.*)
	numDropReasons
)

func (r DropReason) String() string {
	return [...]string{"unknown", "identifier", "server_container", "user", "search_term", "malformed", "client_ip", "personal_data"}[r]
}

// DropReasons lists every reason, for metrics.
func DropReasons() []DropReason {
	out := make([]DropReason, numDropReasons)
	for i := range out {
		out[i] = DropReason(i)
	}
	return out
}

// forwarded are the fixed parameter names Google receives and their class.
var forwarded = map[string]class{
	// Protocol, tag build and experiment ids.
	"v": cKeep, "tid": cTid, "gtm": cKeep, "_p": cKeep, "tag_exp": cKeep, "ptag_exp": cKeep,
	"_s": cKeep, "tfd": cKeep, "_tu": cKeep, "_eu": cKeep, "are": cKeep, "frm": cKeep,
	"pscdl": cKeep, "_dbg": cKeep, "gdid": cKeep, "_gaz": cKeep,
	// Consent Mode and regulation signals.
	"gcs": cKeep, "gcd": cKeep, "gcu": cKeep, "gcut": cKeep, "npa": cKeep, "dma": cKeep,
	"dma_cps": cKeep, "tcfd": cKeep, "_ng": cKeep, "ngs": cKeep,
	// The client and session GA4 counts users and sessions with (with
	// analytics consent only, which Decide has already required).
	"cid": cKeep, "sid": cKeep, "sct": cKeep, "seg": cKeep,
	"_fv": cKeep, "_ss": cKeep, "_nsi": cKeep, "_ee": cKeep, "_c": cKeep, "_et": cKeep,
	"en": cKeep, "ni": cKeep, "ir": cKeep, "tt": cKeep,
	// Device: language, screen, user-agent client hints.
	"ul": cKeep, "sr": cKeep, "uaa": cKeep, "uab": cKeep, "uafvl": cKeep, "uam": cKeep,
	"uamb": cKeep, "uap": cKeep, "uapv": cKeep, "uaw": cKeep,
	// The page.
	"dl": cURL, "dr": cURL, "dt": cText, "dp": cText,
	// Campaign fields set through gtag config, and the currency.
	"cc": cText, "ci": cText, "cm": cText, "cn": cText, "cs": cText, "ck": cText, "cu": cKeep,
	// User identifiers and properties: only when the site names them.
	"uid": cUser,
	// The proxy's own.
	"_uip": cProxy, "uip": cProxy, "ur": cProxy,
}

// dropped names parameters gtag sends that are refused on purpose, so that
// they count as what they are rather than as unknown.
var dropped = map[string]DropReason{
	"ecid": DropIdentifier, "_fplc": DropIdentifier, "_fid": DropIdentifier, "em": DropIdentifier,
	"eme": DropIdentifier, "_gsid": DropIdentifier, "gclgs": DropIdentifier, "gclst": DropIdentifier,
	"gcllp": DropIdentifier, "edid": DropIdentifier, "_geo": DropIdentifier, "_rdi": DropIdentifier,
	"fp": DropIdentifier, "pae": DropIdentifier, "ec_mode": DropIdentifier, "gtm_up": DropIdentifier,
	"_prs": DropIdentifier, "lps": DropIdentifier,
	// The cookieless ping's client id, sent with the first event after a
	// consent update so that Google can join the two; the proxy forwards
	// the ping itself with the granted client id instead (see pageLoads).
	"ep.ga_temp_client_id": DropIdentifier,
	"richsstsse":           DropServer, "_is_sw": DropServer, "_sst_parameters": DropServer,
}

// searchTerms are the event parameters that carry a site search's query.
var searchTerms = []string{"ep.search_term", "ep.q", "ep.s", "ep.search", "ep.query", "ep.keyword"}

// classify returns how the parameter named key is forwarded, or why not.
func classify(key []byte) (class, DropReason) {
	if c, ok := forwarded[string(key)]; ok {
		return c, 0
	}
	if r, ok := dropped[string(key)]; ok {
		return cDrop, r
	}
	switch {
	case bytes.HasPrefix(key, []byte("ep.")) && len(key) > 3:
		return cEvent, 0
	case bytes.HasPrefix(key, []byte("epn.")) && len(key) > 4:
		return cNumber, 0
	case bytes.HasPrefix(key, []byte("up.")) || bytes.HasPrefix(key, []byte("upn.")):
		return cUser, 0
	case bytes.HasPrefix(key, []byte("sst.")):
		return cDrop, DropServer
	case isItem(key):
		return cText, 0
	}
	return cDrop, DropUnknown
}

// isItem matches pr1 … pr200, the items of an e-commerce event.
func isItem(key []byte) bool {
	if len(key) < 3 || len(key) > 5 || key[0] != 'p' || key[1] != 'r' || key[2] == '0' {
		return false
	}
	n := 0
	for _, c := range key[2:] {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n >= 1 && n <= 200
}

// ForwardedParams lists what may reach Google, for the README and the
// privacy notice: the fixed names, then the families.
func ForwardedParams() []string {
	var out []string
	for k, c := range forwarded {
		if c != cUser && c != cProxy {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return append(out, "ep.*", "epn.*", "pr1…pr200")
}

// isSearchTerm reports whether an ep.* parameter carries a search query.
func isSearchTerm(key []byte) bool {
	return slices.Contains(searchTerms, string(key)) || bytes.HasPrefix(key, []byte("ep.q_"))
}

// isNumber accepts what gtag sends for a numeric event parameter: an
// optional sign, digits, an optional fraction and exponent.
func isNumber(v []byte) bool {
	s := strings.TrimPrefix(string(v), "-")
	if s == "" {
		return false
	}
	digits, dot, exp := 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && !exp:
			dot = true
		case (c == 'e' || c == 'E') && digits > 0 && !exp && i+1 < len(s):
			exp = true
			if s[i+1] == '-' || s[i+1] == '+' {
				i++
			}
		default:
			return false
		}
	}
	return digits > 0
}
