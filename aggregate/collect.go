package aggregate

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Collect returns the rows that changed since the previous Collect, each with
// its full cumulative metrics and visitor hashes, under the next Version.
// Writing any of its batches again, in any order, cannot change a total.
//
// It also forgets buckets that are closed (older than the current hour and
// than the session timeout, since bounce corrections land in a visit's start
// hour) and already collected; later hits for them are counted as late.
func (a *Aggregator) Collect() consentproxy.Batch {
	a.collectMu.Lock()
	defer a.collectMu.Unlock()

	now := a.cfg.Now()
	wm := hourOf(now.Add(-a.cfg.SessionTimeout).Unix())
	if wm > a.watermark.Load() {
		// Set before any shard is visited: a Record that locks a shard
		// after this Collect did sees the new mark (the mutex orders them),
		// so no dropped bucket is ever recreated.
		a.watermark.Store(wm)
	}
	wm = a.watermark.Load()
	version := a.version.Add(1)
	// An epoch ends when the last Collect left more visitor hashes in
	// memory than MaxVisitorHashes: this batch carries every row whole,
	// and each row is emptied as it is taken (see endEpoch).
	ending := a.held.Load() > int64(a.cfg.MaxVisitorHashes)

	type acc struct {
		m   consentproxy.Metrics
		vis []uint64
		n   int // visitor hashes expected, to size vis
	}
	// Phase 1: which keys changed, in any shard.
	out := make(map[rowKey]*acc)
	for i := range a.shards {
		sh := &a.shards[i]
		sh.mu.Lock()
		for _, r := range sh.dirty {
			r.dirty = false
			if out[r.key] == nil {
				out[r.key] = &acc{}
			}
		}
		clear(sh.dirty)
		sh.dirty = sh.dirty[:0]
		if ending {
			sh.eachRow(func(r *row) {
				if out[r.key] == nil {
					out[r.key] = &acc{}
				}
			})
		}
		sh.mu.Unlock()
	}
	// Phase 2: count each changed key's visitor hashes in every shard, and
	// give every key its exact share of one array. Appending part after
	// part would grow each list by doubling: in a busy hour that is several
	// times the batch in garbage and slack, every flush, which sets the
	// heap's peak. Hashes that arrive between this pass and the next only
	// make their list grow by itself.
	total := 0
	for i := range a.shards {
		sh := &a.shards[i]
		sh.mu.Lock()
		count := func(r *row) {
			if o := out[r.key]; o != nil {
				o.n += r.vis.len()
				total += r.vis.len()
			}
		}
		for _, r := range sh.rows {
			count(r)
		}
		for _, r := range sh.rows1 {
			count(r)
		}
		sh.mu.Unlock()
	}
	all := make([]uint64, total)
	for _, o := range out {
		o.vis, all = all[:0:o.n], all[o.n:]
	}
	// Phase 3: a key's row is the sum of its parts in every shard (a
	// visitor's hits always land in one shard, so the hash lists are
	// disjoint). Drop what is closed and collected.
	sweepBefore := now.Add(-a.cfg.SessionTimeout).UnixNano()
	held := 0
	for i := range a.shards {
		sh := &a.shards[i]
		sh.mu.Lock()
		merge := func(r *row) {
			if o := out[r.key]; o != nil {
				o.m.Add(r.m)
				o.vis = r.vis.appendTo(o.vis)
				if ending {
					// Taken whole into the epoch's last batch; what
					// comes after starts from zero under the next
					// instance. A row made after phase 1 has no entry
					// in out and keeps its counts for the next epoch.
					r.m, r.vis, r.dirty = consentproxy.Metrics{}, hashSet{}, false
				}
			}
			if r.key.hour < wm && !r.dirty {
				sh.forget(&r.key)
			} else {
				held += r.vis.len()
			}
		}
		for _, r := range sh.rows {
			merge(r)
		}
		for _, r := range sh.rows1 {
			merge(r)
		}
		for k := range sh.sites {
			if k.hour < wm {
				delete(sh.sites, k)
			}
		}
		sh.sess.sweep(sweepBefore)
		sh.mu.Unlock()
	}
	a.reg.dropBefore(wm)
	a.held.Store(int64(held))

	b := consentproxy.Batch{Instance: a.instance, Version: version}
	if ending {
		a.instance = fmt.Sprintf("%s.%d", a.base, a.epochs.Add(1))
	}
	if len(out) == 0 {
		return b
	}
	var byTable [numTables][]consentproxy.Row
	for k, o := range out {
		t := &tables[k.tbl]
		r := consentproxy.Row{
			Site:    k.site,
			Hour:    time.Unix(k.hour, 0).UTC(),
			Dims:    append([]string(nil), k.d[:len(t.Dims)]...),
			Metrics: o.m,
		}
		if t.Visitors {
			r.Visitors = o.vis
			if r.Visitors == nil {
				r.Visitors = []uint64{}
			}
		}
		byTable[k.tbl] = append(byTable[k.tbl], r)
	}
	for i, rows := range byTable {
		if len(rows) == 0 {
			continue
		}
		slices.SortFunc(rows, compareRows)
		b.Tables = append(b.Tables, consentproxy.TableRows{Table: tables[i], Rows: rows})
	}
	return b
}

func compareRows(x, y consentproxy.Row) int {
	if c := cmp.Compare(x.Site, y.Site); c != 0 {
		return c
	}
	if c := x.Hour.Compare(y.Hour); c != 0 {
		return c
	}
	return slices.Compare(x.Dims, y.Dims)
}

// Realtime counts the distinct visitors of site whose last countable hit is
// at most RealtimeWindow old. It reads the session table, so visitors who
// are not counted (opted out, bots, unconsented when that is off) never
// appear, and a session evicted under memory pressure is missed.
func (a *Aggregator) Realtime(site string) int {
	cutoff := a.cfg.Now().Add(-RealtimeWindow).UnixNano()
	n := 0
	for i := range a.shards {
		sh := &a.shards[i]
		sh.mu.Lock()
		n += sh.sess.countSince(site, cutoff)
		sh.mu.Unlock()
	}
	return n
}

// RealtimeTop counts the visitors of site whose last countable hit is at
// most RealtimeWindow old by their current page (the latest page view's
// path) and by their visit's source (utm_source, else the referrer, else
// "(direct)", as the API's source_name). Like Realtime it reads the
// session table and nothing else: small counts are the caller's to
// suppress.
func (a *Aggregator) RealtimeTop(site string) (pages, sources map[string]int) {
	cutoff := a.cfg.Now().Add(-RealtimeWindow).UnixNano()
	pages, sources = map[string]int{}, map[string]int{}
	for i := range a.shards {
		sh := &a.shards[i]
		sh.mu.Lock()
		t := &sh.sess
		for j := t.head; j >= 0; j = t.slot(j).next {
			s := t.slot(j)
			if s.lastNS < cutoff {
				break
			}
			if s.site() != site {
				continue
			}
			if s.page != nil {
				pages[s.page.key.d[0]]++
			}
			src := s.start[sSources].key.d
			switch {
			case src[2] != "":
				sources[src[2]]++
			case src[0] != "":
				sources[src[0]]++
			default:
				sources["(direct)"]++
			}
		}
		sh.mu.Unlock()
	}
	return pages, sources
}

// Stats are the aggregator's health counters, for /metrics.
type Stats struct {
	Rows            int    // rows held in memory, all shards and hours
	Sessions        int    // sessions held in memory
	Late            uint64 // hits dropped because their hour was already written and forgotten
	Overflowed      uint64 // values counted as (other) because a cap was reached
	SessionsEvicted uint64 // live sessions pushed out of a full session table
	LostCorrections uint64 // bounce and exit corrections whose hour was already forgotten
	VisitorHashes   int64  // visitor hashes held after the last Collect (bounded by MaxVisitorHashes)
	Epochs          int    // epochs ended because MaxVisitorHashes was reached
}

// Stats returns the current counters.
func (a *Aggregator) Stats() Stats {
	s := Stats{
		Late:            a.late.Load(),
		Overflowed:      a.reg.overflowed.Load(),
		LostCorrections: a.lostFix.Load(),
		VisitorHashes:   a.held.Load(),
		Epochs:          int(a.epochs.Load()),
	}
	for i := range a.shards {
		sh := &a.shards[i]
		sh.mu.Lock()
		s.Rows += sh.numRows()
		s.Sessions += sh.sess.len()
		s.SessionsEvicted += sh.sess.evicted
		sh.mu.Unlock()
	}
	return s
}
