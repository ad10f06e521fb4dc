package consentproxy

// Reason is the fate of one hit: forwarded to Google, or why not. Every hit the
// proxy sees gets exactly one, and the aggregate tables count them, so the set is
// closed and its string forms are part of the stored schema.
type Reason uint8

// The reasons, in the order the decision table checks them (see consent.Decide).
// The numeric values are never stored; only String() forms are.
const (
	// ReasonInvalid: the hit could not be parsed or broke a limit; nothing forwarded.
	ReasonInvalid Reason = iota
	// ReasonOptOut: the visitor's opt-out cookie is present.
	ReasonOptOut
	// ReasonGPC: the browser sent Sec-GPC: 1 and the proxy honours GPC.
	ReasonGPC
	// ReasonDNT: the browser sent DNT: 1 and the proxy honours DNT.
	ReasonDNT
	// ReasonBot: the user agent or headers identify a crawler or prefetcher.
	ReasonBot
	// ReasonExcluded: a rule of the site owner excludes the hit (internal
	// address, referrer spam, staff cookie); nothing forwarded.
	ReasonExcluded
	// ReasonNoConsent: no valid consent cookie (absent, tampered, expired, foreign).
	ReasonNoConsent
	// ReasonDenied: the visitor, or the hit's Consent Mode state, denied analytics.
	ReasonDenied
	// ReasonForwarded: consent granted; a minimized copy goes to Google.
	ReasonForwarded

	numReasons
)

// NumReasons is how many reasons there are, for arrays indexed by Reason.
const NumReasons = int(numReasons)

var reasonNames = [numReasons]string{
	ReasonInvalid:   "invalid",
	ReasonOptOut:    "opt_out",
	ReasonGPC:       "gpc",
	ReasonDNT:       "dnt",
	ReasonBot:       "bot",
	ReasonExcluded:  "excluded",
	ReasonNoConsent: "no_consent",
	ReasonDenied:    "denied",
	ReasonForwarded: "forwarded",
}

// Reasons lists every reason, for tables and metrics that enumerate them.
func Reasons() []Reason {
	rs := make([]Reason, numReasons)
	for i := range rs {
		rs[i] = Reason(i)
	}
	return rs
}

func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return "unknown"
}

// ParseReason is the inverse of String; ok is false for an unknown name.
func ParseReason(s string) (r Reason, ok bool) {
	for i, n := range reasonNames {
		if n == s {
			return Reason(i), true
		}
	}
	return 0, false
}

// Suppressed reports whether the visitor asked not to be tracked. Such hits
// change one suppression counter and nothing else, not even visitor estimates.
func (r Reason) Suppressed() bool {
	return r == ReasonOptOut || r == ReasonGPC || r == ReasonDNT
}

// Countable reports whether a hit with this reason may add to the breakdown
// tables (pages, sources, devices, …) at all. Hits without consent are countable
// only when the deployment allows it (--count-without-consent).
func (r Reason) Countable(countWithoutConsent bool) bool {
	switch r {
	case ReasonForwarded:
		return true
	case ReasonNoConsent, ReasonDenied:
		return countWithoutConsent
	default:
		return false
	}
}
