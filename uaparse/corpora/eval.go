package corpora

import (
	"sort"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Parse is the parser under measurement.
type Parse func(ua string) consentproxy.Agent

// Ratio is a count out of a total.
type Ratio struct{ Num, Den int }

// Rate is Num/Den, 0 for an empty total.
func (r Ratio) Rate() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Recall counts the bot cases parse flags, and returns the groups (patterns,
// vendors) none of whose examples was caught.
func Recall(cases []Case, parse Parse) (Ratio, []string) {
	var r Ratio
	caught := map[string]bool{}
	groups := map[string]bool{}
	for _, c := range cases {
		if !c.Bot {
			continue
		}
		r.Den++
		groups[c.Group] = true
		if parse(c.UA).Bot {
			r.Num++
			caught[c.Group] = true
		}
	}
	var missed []string
	for g := range groups {
		if !caught[g] {
			missed = append(missed, g)
		}
	}
	sort.Strings(missed)
	return r, missed
}

// FalsePositives counts the non-bot cases parse flags as bots, with the
// flagged UAs.
func FalsePositives(cases []Case, parse Parse) (Ratio, []string) {
	var r Ratio
	var flagged []string
	for _, c := range cases {
		if c.Bot {
			continue
		}
		r.Den++
		if parse(c.UA).Bot {
			r.Num++
			flagged = append(flagged, c.UA)
		}
	}
	return r, flagged
}

// Disagreement is one kind of mismatch and how often it occurred.
type Disagreement struct {
	Want, Got string
	N         int
	Example   string
}

// Agree compares one field of parse's answer with what want says, over the
// cases want knows (ok) that parse reports as visitors (the ones it flags
// are FalsePositives' business); the mismatches come back most frequent
// first.
func Agree(cases []Case, parse Parse, got func(consentproxy.Agent) string, want func(Case) (string, bool)) (Ratio, []Disagreement) {
	var r Ratio
	dis := map[[2]string]*Disagreement{}
	for _, c := range cases {
		w, ok := want(c)
		if !ok || c.Bot {
			continue
		}
		a := parse(c.UA)
		if a.Bot {
			continue
		}
		r.Den++
		g := got(a)
		if g == w {
			r.Num++
			continue
		}
		k := [2]string{w, g}
		if dis[k] == nil {
			dis[k] = &Disagreement{Want: w, Got: g, Example: c.UA}
		}
		dis[k].N++
	}
	out := make([]Disagreement, 0, len(dis))
	for _, d := range dis {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Want+out[i].Got < out[j].Want+out[j].Got
	})
	return r, out
}

// Labeled returns cs with Browser and OS filled from the reference parser,
// for corpora that only carry UAs.
func (r *Ref) Labeled(cs []Case) []Case {
	out := make([]Case, len(cs))
	for i, c := range cs {
		c.Browser, c.BrowserKnown = MapBrowser(r.Browser(c.UA))
		c.OS, c.OSKnown = MapOS(r.OS(c.UA))
		out[i] = c
	}
	return out
}

// WantBrowser, WantOS and WantDevice read a case's labels for Agree.
func WantBrowser(c Case) (string, bool) { return c.Browser, c.BrowserKnown }

// WantOS is WantBrowser for the OS.
func WantOS(c Case) (string, bool) { return c.OS, c.OSKnown }

// WantDevice is WantBrowser for the device class.
func WantDevice(c Case) (string, bool) { return c.Device, c.Device != "" }
