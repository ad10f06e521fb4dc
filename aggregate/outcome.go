package aggregate

import (
	consentproxy "github.com/consentproxy/consentproxy"
)

// cachedRow is row for a one-dimension table, through the cache *c: the row
// *c points at is returned when it has the same table, site, hour and value.
//
// A cached row is never stale: rows are forgotten only once their hour is
// before the watermark, which only rises, and Record refuses hits of such
// hours before it looks for rows. A value counted as (other) never matches
// its own cache entry, so it always takes the map, which gives the same row.
// The caller holds sh.mu.
func (sh *shard) cachedRow(c **row, g *registry, tbl int, site string, hour int64, d string) *row {
	if r := *c; r != nil && r.key.hour == hour && int(r.key.tbl) == tbl && r.key.d[0] == d && r.key.site == site {
		return r
	}
	r := sh.row(g, tbl, site, hour, dimKey{d})
	*c = r
	return r
}

// outcome returns the outcomes row of reason. The caller holds sh.mu.
func (sh *shard) outcome(g *registry, site string, hour int64, reason consentproxy.Reason) *row {
	if int(reason) >= len(sh.out) {
		return sh.row(g, tOutcomes, site, hour, dimKey{reason.String()})
	}
	return sh.cachedRow(&sh.out[reason], g, tOutcomes, site, hour, reason.String())
}

// countOutcome is countOnly for the outcomes table, through the shard's cache.
func (a *Aggregator) countOutcome(site string, hour int64, reason consentproxy.Reason) {
	sh := a.anyShard(hour)
	if sh == nil {
		return
	}
	r := sh.outcome(a.reg, site, hour, reason)
	r.m.Hits++
	sh.touch(r)
	sh.mu.Unlock()
}
