package consent

import (
	consentproxy "github.com/consentproxy/consentproxy"
)

// State is what the consent cookie says once verified.
type State uint8

const (
	// StateMissing: no consent cookie.
	StateMissing State = iota
	// StateInvalid: malformed, tampered, expired, foreign or of an older policy revision.
	StateInvalid
	// StateDenied: a valid cookie without analytics.
	StateDenied
	// StateGranted: a valid cookie with analytics for the current revision.
	StateGranted
)

// GCS is the analytics_storage bit of a hit's Consent Mode string (gcs=G1xy).
type GCS uint8

const (
	// GCSAbsent: no gcs parameter, or not one we can read; the cookie decides.
	GCSAbsent GCS = iota
	// GCSDenied: gcs says analytics_storage is denied.
	GCSDenied
	// GCSGranted: gcs says analytics_storage is granted.
	GCSGranted
)

// ParseGCS reads gcs=G1<ad_storage><analytics_storage>. A malformed value is
// GCSAbsent rather than an error: the signed cookie, not the tag, is the
// authority, and a denial can only make the outcome stricter.
func ParseGCS(v string) GCS {
	if len(v) != 4 || v[0] != 'G' || v[1] != '1' || (v[2] != '0' && v[2] != '1') {
		return GCSAbsent
	}
	switch v[3] {
	case '0':
		return GCSDenied
	case '1':
		return GCSGranted
	}
	return GCSAbsent
}

// Signals are the facts about one hit that its fate depends on. The proxy
// gathers them from the request; Decide turns them into a Reason.
type Signals struct {
	Invalid bool // unparseable or over a limit, or an id not on the allowlist
	OptOut  bool // opt-out cookie present
	GPC     bool // Sec-GPC: 1
	DNT     bool // DNT: 1
	Bot     bool // crawler, monitor, headless browser, library or prefetch
	// Excluded: a rule of the site owner's excludes the hit (an internal
	// address, a spam referrer, the staff cookie).
	Excluded bool
	Consent  State
	GCS      GCS
	// Model is the consent model of the visitor's jurisdiction (Regions):
	// opt-in (the zero value, and where the place is unknown), opt-out or
	// notice-only.
	Model Model
}

// Policy is the deployment's configuration of the decision.
type Policy struct {
	HonorGPC bool // default true
	HonorDNT bool // default true
	// ConsentOverridesSignals lets a valid analytics consent win over GPC
	// and DNT: the banner offers an explicit opt-in to such visitors only
	// when the deployment allows it (--allow-opt-in-over-signals), and the
	// server must then agree. Default false. The opt-out cookie always wins.
	ConsentOverridesSignals bool
}

// Decide settles a hit's fate. It is the decision table of the README, row by
// row, first match wins; the jurisdiction's model is a column of it
// (nothing is forwarded but in the last row):
//
//	row  condition                             jurisdiction        outcome
//	 1   invalid input                         any                 invalid
//	 2   opt-out cookie                        any                 opt_out
//	 3   Sec-GPC: 1, GPC honoured              opt-in, notice-only gpc
//	 4   Sec-GPC: 1, whatever the flag says    opt-out             gpc
//	 5   DNT: 1, DNT honoured                  any                 dnt
//	     (rows 3-5 give way to a valid analytics consent only when
//	     ConsentOverridesSignals is set)
//	 6   bot                                   any                 bot
//	 7   excluded by the site owner's rules    any                 excluded
//	 8   no valid cookie for this revision     opt-in              no_consent
//	 9   cookie denies analytics               any                 denied
//	10   hit's gcs denies analytics            any                 denied
//	11   otherwise                             any                 forwarded (a minimized copy)
//
// The privacy signals come before bot detection so that a visitor's wish is
// what gets counted, whatever their browser looks like; bots before
// exclusions so that the bot counts by class stay whole. In an opt-out
// jurisdiction GPC is the law's opt-out (CPRA regulations §7025), so no
// flag turns it off there; where the model measures without a choice
// (opt-out, notice-only), a missing or unreadable cookie is no refusal.
func Decide(s Signals, p Policy) consentproxy.Reason {
	signalsYield := p.ConsentOverridesSignals && s.Consent == StateGranted
	switch {
	case s.Invalid:
		return consentproxy.ReasonInvalid
	case s.OptOut:
		return consentproxy.ReasonOptOut
	case s.GPC && (p.HonorGPC || s.Model == ModelOptOut) && !signalsYield:
		return consentproxy.ReasonGPC
	case s.DNT && p.HonorDNT && !signalsYield:
		return consentproxy.ReasonDNT
	case s.Bot:
		return consentproxy.ReasonBot
	case s.Excluded:
		return consentproxy.ReasonExcluded
	case !s.Model.Measures() && (s.Consent == StateMissing || s.Consent == StateInvalid):
		return consentproxy.ReasonNoConsent
	case s.Consent == StateDenied || s.GCS == GCSDenied:
		return consentproxy.ReasonDenied
	}
	return consentproxy.ReasonForwarded
}

// StateOf verifies a consent cookie value against the current policy revision.
// A grant for an older revision is StateInvalid: the visitor agreed to a
// policy that no longer applies, so the banner asks again and nothing is
// forwarded meanwhile. A refusal of analytics outlives a revision: it is
// StateDenied until it expires, so a new policy neither asks again before
// the re-ask period is over nor, where the model measures without a
// choice, turns an opt-out back into measurement.
func (c *Codec) StateOf(cookie, scope, revision string) State {
	if cookie == "" {
		return StateMissing
	}
	r, err := c.Decode(cookie, scope)
	if err != nil {
		return StateInvalid
	}
	if r.Revision != revision {
		if !r.Analytics {
			return StateDenied
		}
		return StateInvalid
	}
	if !r.Analytics {
		return StateDenied
	}
	return StateGranted
}
