package proxy

import (
	"hash/maphash"
	"sync"
	"time"
)

// In advanced Consent Mode gtag.js loads before the visitor chooses and
// sends its page view at once, as a "cookieless ping" with analytics
// denied, which the proxy must not forward. When the visitor then accepts
// on the same page, gtag does not repeat that page view (it sends its next
// event with the granted state, and Google would stitch the two together);
// some builds do repeat it, once or twice. Either way Google would get no
// page view, or several, for a page the visitor consented on, and the
// proxy's own counts would differ from basic mode's, where gtag loads after
// the choice and sends one.
//
// pageLoads makes both modes alike. Per page load (gtag's _p, with the
// measurement id, address and user agent, hashed with a per-process seed),
// it holds the minimized ping of a session-starting page view that was not
// forwarded for want of consent, in memory only and for at most holdFor.
// The page load's first forwarded hit releases it, with that hit's consent
// state and client id, ahead of itself; a repeat of it that arrives granted
// is forwarded in its place. Later repeats of a forwarded page view are
// neither forwarded nor counted. Nothing held is ever forwarded without
// consent on that same page: it expires, or is evicted, unsent.
type pageLoads struct {
	seed    maphash.Seed
	holdFor time.Duration
	max     int        // per shard
	put     func(*job) // returns an evicted job's buffers
	shards  [16]plShard
}

// plShard is a part of the table: hits of different page loads rarely wait
// for one another.
type plShard struct {
	mu    sync.Mutex
	m     map[uint64]*pageLoad
	order []uint64 // insertion order from head on, for expiry and eviction
	head  int
}

type pageLoad struct {
	at   time.Time
	held *job   // a page view ping waiting for consent
	dl   uint64 // hash of its page, or of the page view forwarded
	sent bool   // a session-starting page view of this page load was forwarded
}

// Defaults: a visitor has half an hour (GA4's session timeout) to choose,
// and at most this many page loads are remembered at once.
const (
	defaultHoldFor   = 30 * time.Minute
	defaultPageLoads = 20_000
)

func newPageLoads(put func(*job)) *pageLoads {
	t := &pageLoads{seed: maphash.MakeSeed(), holdFor: defaultHoldFor, max: defaultPageLoads / 16, put: put}
	for i := range t.shards {
		t.shards[i].m = map[uint64]*pageLoad{}
	}
	return t
}

func (t *pageLoads) shard(k uint64) *plShard { return &t.shards[k>>60] }

// key identifies a page load. It is 0 when the hit names none (no _p).
func (t *pageLoads) key(tid, p []byte, ip [16]byte, ua []byte) uint64 {
	if len(p) == 0 {
		return 0
	}
	var h maphash.Hash
	h.SetSeed(t.seed)
	h.Write(tid)
	h.WriteByte(0)
	h.Write(p)
	h.WriteByte(0)
	h.Write(ip[:])
	h.Write(ua)
	return h.Sum64() | 1
}

func (t *pageLoads) hash(b []byte) uint64 { return maphash.Bytes(t.seed, b) }

// hold keeps j, a minimized page view ping of page dl, for page load k. An
// earlier held ping of the page load is replaced.
func (t *pageLoads) hold(k, dl uint64, j *job, now time.Time) {
	sh := t.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	t.expire(sh, now)
	pl := sh.m[k]
	if pl == nil {
		pl = &pageLoad{at: now}
		sh.m[k] = pl
		sh.order = append(sh.order, k)
	}
	if pl.sent {
		t.put(j) // this page load's page view already reached Google
		return
	}
	if pl.held != nil {
		t.put(pl.held)
	}
	pl.held, pl.dl = j, dl
}

// forwarded is called for a hit about to be forwarded for page load k. It
// returns a held ping to send first (the caller adds the consent state),
// and whether this hit is itself a repeat to drop (repeat) or a repeat of
// the held ping to forward in its place without counting it (resent).
// pageView and starts say whether the hit is a session-starting page view
// of page dl.
func (t *pageLoads) forwarded(k, dl uint64, pageView, starts bool, now time.Time) (release *job, repeat, resent bool) {
	sh := t.shard(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	pl := sh.m[k]
	if pl == nil {
		if pageView && starts {
			t.expire(sh, now)
			sh.m[k] = &pageLoad{at: now, dl: dl, sent: true}
			sh.order = append(sh.order, k)
		}
		return nil, false, false
	}
	switch {
	case pl.held != nil && pageView && starts && pl.dl == dl:
		t.put(pl.held) // gtag repeats the ping itself: send that instead
		pl.held, pl.sent = nil, true
		return nil, false, true
	case pl.held != nil:
		release, pl.held, pl.sent = pl.held, nil, true
		return release, false, false
	case pageView && starts && pl.sent && pl.dl == dl:
		return nil, true, false
	case pageView && starts:
		pl.dl, pl.sent = dl, true
	}
	return nil, false, false
}

// expire drops what is older than holdFor, and the oldest beyond max.
func (t *pageLoads) expire(sh *plShard, now time.Time) {
	for sh.head < len(sh.order) {
		k := sh.order[sh.head]
		pl := sh.m[k]
		if pl != nil && now.Sub(pl.at) < t.holdFor && len(sh.order)-sh.head < t.max {
			break
		}
		if pl != nil {
			if pl.held != nil {
				t.put(pl.held)
			}
			delete(sh.m, k)
		}
		sh.head++
	}
	if sh.head > len(sh.order)/2 {
		sh.order = append(sh.order[:0], sh.order[sh.head:]...) // amortized: at most once per half
		sh.head = 0
	}
}

// len is how many page loads are remembered.
func (t *pageLoads) len() int {
	n := 0
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}
