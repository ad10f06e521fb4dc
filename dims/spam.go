package dims

import "strings"

// IsReferrerSpam reports whether a referrer is a known referrer spammer:
// its host, or any parent domain of it, is on Matomo's community list
// (data/spammers.txt), so "x.spam.example" is caught by "spam.example".
// The referrer may be a URL (dr, as the proxy has it) or a bare host;
// matching is case-insensitive and ignores "www.", a port and a trailing
// dot. IP addresses, app referrers and unparsable strings are not spam.
//
// Spam referrers are fake hits that advertise a site through the
// referrer column; the proxy drops them before counting (proxy.Exclusions)
// rather than storing them as referrals. The lookup walks the host's labels
// through a map: no allocation for a lower-case referrer.
func IsReferrerSpam(referrer string) bool {
	var h string
	if strings.Contains(referrer, "://") {
		var ok bool
		h, _, ok = urlHost(referrer, false)
		if !ok {
			return false
		}
	} else {
		// A bare host: reuse the URL parser for its normalization.
		if len(referrer) > MaxHostLen || strings.ContainsAny(referrer, "/?#@") {
			return false
		}
		var ok bool
		h, _, ok = urlHost("http://"+referrer, false) // allocates; bare hosts are rare
		if !ok {
			return false
		}
	}
	for h != "" {
		if _, bad := spammers[h]; bad {
			return true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return false
		}
		h = h[i+1:]
	}
	return false
}
