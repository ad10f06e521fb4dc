package aggregate

import (
	"strings"
	"sync"
	"sync/atomic"

	consentproxy "github.com/consentproxy/consentproxy"
)

// maxDims is the widest table's dimension count (sources, devices).
const maxDims = 5

// dimKey holds a row's dimension values; unused trailing values are "".
type dimKey [maxDims]string

// rowKey identifies one aggregate row of one shard.
type rowKey struct {
	tbl  uint8
	hour int64 // unix seconds, hour-aligned
	site string
	d    dimKey
}

// otherKey is the dimensions of a table's overflow row: every value (other).
func otherKey(tbl int) dimKey {
	var k dimKey
	for i := range tables[tbl].Dims {
		k[i] = consentproxy.Other
	}
	return k
}

// registry enforces the cardinality caps across shards: which sites an hour
// admits and which dimension values each (table, site, hour) admits. It also
// owns the canonical copies of admitted strings, so each value is copied out
// of request memory once, however many shards and sessions refer to it.
//
// Shards consult it only when they miss a row, so in steady state the hot
// path never takes its locks.
type registry struct {
	maxSites, maxKeys int
	overflowed        atomic.Uint64 // values folded into (other)

	mu    sync.Mutex
	hours map[int64]map[string]*siteReg
}

type siteReg struct {
	site   string // canonical copy, or consentproxy.Other
	hour   int64
	tables [numTables]bucketReg
}

type bucketReg struct {
	mu   sync.RWMutex
	keys map[dimKey]dimKey // admitted value → its canonical copy
}

func newRegistry(maxSites, maxKeys int) *registry {
	return &registry{maxSites: maxSites, maxKeys: maxKeys, hours: make(map[int64]map[string]*siteReg)}
}

// site returns the registration of site in hour, or that of (other) once the
// hour holds maxSites sites.
func (g *registry) site(site string, hour int64) *siteReg {
	g.mu.Lock()
	defer g.mu.Unlock()
	sites := g.hours[hour]
	if sites == nil {
		sites = make(map[string]*siteReg)
		g.hours[hour] = sites
	}
	if sr := sites[site]; sr != nil {
		return sr
	}
	canon := consentproxy.Other
	if site != consentproxy.Other {
		n := len(sites)
		if _, ok := sites[consentproxy.Other]; ok {
			n--
		}
		if n < g.maxSites {
			canon = strings.Clone(site)
		} else {
			g.overflowed.Add(1)
		}
	}
	if sr := sites[canon]; sr != nil {
		return sr
	}
	sr := &siteReg{site: canon, hour: hour}
	sites[canon] = sr
	return sr
}

// admit returns the canonical copy of d for table tbl, or the table's (other)
// key once the bucket holds maxKeys distinct values.
func (sr *siteReg) admit(g *registry, tbl int, d dimKey) dimKey {
	b := &sr.tables[tbl]
	b.mu.RLock()
	c, ok := b.keys[d]
	b.mu.RUnlock()
	if ok {
		return c
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.keys[d]; ok {
		return c
	}
	if b.keys == nil {
		b.keys = make(map[dimKey]dimKey)
	}
	other := otherKey(tbl)
	if d == other {
		b.keys[other] = other
		return other
	}
	n := len(b.keys)
	if _, ok := b.keys[other]; ok {
		n--
	}
	if n >= g.maxKeys {
		g.overflowed.Add(1)
		return other
	}
	for i := range d {
		d[i] = strings.Clone(d[i])
	}
	b.keys[d] = d
	return d
}

// dropBefore forgets every hour before wm.
func (g *registry) dropBefore(wm int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for h := range g.hours {
		if h < wm {
			delete(g.hours, h)
		}
	}
}
