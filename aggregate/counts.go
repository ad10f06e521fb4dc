package aggregate

import (
	randv2 "math/rand/v2"

	consentproxy "github.com/consentproxy/consentproxy"
)

// The tables without visitors: a hit, a banner decision or a removed
// parameter is counted in any shard.

// anyShard locks a random shard for a row of hour that carries no visitor
// hash, so any shard will do; or, when hour is already written and
// forgotten, counts the hit as late and returns nil.
func (a *Aggregator) anyShard(hour int64) *shard {
	sh := &a.shards[randv2.Uint64()&a.mask]
	sh.mu.Lock()
	if hour < a.watermark.Load() {
		sh.mu.Unlock()
		a.late.Add(1)
		return nil
	}
	return sh
}

// countOnly adds a hit to a table that has no visitors (filtered hits;
// RecordChoice does the same for its two tables under one lock).
func (a *Aggregator) countOnly(tbl int, site string, hour int64, d dimKey) {
	sh := a.anyShard(hour)
	if sh == nil {
		return
	}
	r := sh.row(a.reg, tbl, site, hour, d)
	r.m.Hits++
	sh.touch(r)
	sh.mu.Unlock()
}

// RecordChoice counts one consent banner decision (accept_all, reject_all,
// custom, withdraw) under the policy revision it answered, and again under
// the visitor's jurisdiction group (consent_jurisdictions): a short token
// of a-z, 0-9 and -, anything else or "" counting as
// consentproxy.JurisdictionUnknown.
func (a *Aggregator) RecordChoice(site, revision, outcome, jurisdiction string) {
	hour := hourOf(a.cfg.Now().Unix())
	sh := a.anyShard(hour)
	if sh == nil {
		return
	}
	for _, c := range [...]struct {
		tbl int
		d   dimKey
	}{{tChoices, dimKey{revision, outcome}}, {tJurisdictions, dimKey{jurisdictionGroup(jurisdiction), outcome}}} {
		r := sh.row(a.reg, c.tbl, site, hour, c.d)
		r.m.Hits++
		sh.touch(r)
	}
	sh.mu.Unlock()
}

var _ consentproxy.RemovedRecorder = (*Aggregator)(nil)

// RecordRemoved counts n parameters of a forwarded hit of site that were
// kept from Google, under their class: a short token of a-z and _ (the
// proxy's drop reasons), anything else counting as "other".
func (a *Aggregator) RecordRemoved(site, class string, n int64) {
	if n <= 0 {
		return
	}
	hour := hourOf(a.cfg.Now().Unix())
	sh := a.anyShard(hour)
	if sh == nil {
		return
	}
	r := sh.row(a.reg, tRemoved, site, hour, dimKey{removedClass(class)})
	r.m.Hits += n
	sh.touch(r)
	sh.mu.Unlock()
}
