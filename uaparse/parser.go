// Package uaparse turns User-Agent headers into coarse, normalized Agents
// (browser family and major version, OS family and major/marketing version,
// device class, bot flag and class) for the devices table and the bot
// decision.
//
// The raw string never leaves this package: Agents hold only constants and
// re-formatted digits, and the only copy kept is a bounded cache key. Nothing
// here logs.
//
// Normalization rules (see normalize.go and platform.go for the reasons):
//   - Browser: family from a closed list; Chromium forks and in-app browsers
//     (Facebook, Instagram, WeChat, TikTok, …) by their own token before
//     Chrome's, Android WebView by "; wv)" or "Version/4.0" next to Chrome;
//     unknown products become "" rather than their self-chosen name.
//     Version is the major number only.
//   - OS: Windows ("10" covers 10 and 11, "8.1", "8", "7", "Vista", "XP"),
//     macOS ("10.15" style for 10.x, else the major; browsers freeze at
//     10.15), iOS (iPhone and iPad alike), Android (major; Chrome's reduced
//     UA always says 10), ChromeOS, Linux, BSD, Windows Phone, KaiOS, Tizen,
//     webOS.
//   - Device: desktop, mobile, tablet (iPad; Android without "Mobile";
//     Kindle), tv (smart TVs, set-top boxes, streaming sticks), console, or
//     "" when unknown. iPadOS Safari in its default desktop mode is
//     indistinguishable from a Mac and counts as desktop.
//   - Bot: an empty UA, an implausibly structured one (more than 12
//     comments or 80 words), a match in crawlers.txt or crawlers_gen.txt
//     (tokens at word boundaries, so "CUBOT" phones are not "bot"), or the
//     structural rule: neither a browser, nor an OS, nor a device class
//     recognized (library when it starts "name/version", like curl/8.0).
//     A bot's Agent carries its BotClass and no other field.
package uaparse

import (
	"hash/maphash"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"

	consentproxy "github.com/consentproxy/consentproxy"
)

// DefaultCacheSize is used when New gets a size <= 0. A few thousand
// distinct UAs cover nearly all traffic of a site (the distribution is very
// skewed), and a full cache stays around 2 MiB.
const DefaultCacheSize = 4096

// MaxKeyLen is the longest UA that is cached. Longer ones are still parsed
// (up to MaxInputLen) but not kept, so a flood of huge forged UAs can neither
// grow memory nor evict the real ones.
const MaxKeyLen = 512

// ways is the associativity of the cache: a UA can live in one of this many
// slots of its set. 8 pointers fill one cache line.
const ways = 8

// Parser parses User-Agents behind a bounded cache. It is safe for
// concurrent use; a nil *Parser parses without caching.
//
// The cache is set-associative with immutable entries behind atomic
// pointers, so a hit takes no lock and writes no shared memory except a
// striped counter: the request path stays cheap however many cores hit the
// same popular UA. Eviction is CLOCK-like (second chance) within a set.
type Parser struct {
	seed  maphash.Seed
	sets  []set
	nways int
	locks [64]paddedMutex // writers only; striped by set
	hits  [16]paddedCounter
	miss  [16]paddedCounter
}

type set struct {
	slot [ways]atomic.Pointer[entry]
}

// entry is immutable once published, except for its used flag.
type entry struct {
	hash  uint64
	key   string
	agent consentproxy.Agent
	used  atomic.Bool
}

type paddedMutex struct {
	sync.Mutex
	_ [56]byte
}

type paddedCounter struct {
	atomic.Uint64
	_ [56]byte
}

// New returns a Parser caching at most cacheSize parsed UAs (DefaultCacheSize
// when cacheSize <= 0).
func New(cacheSize int) *Parser {
	if cacheSize <= 0 {
		cacheSize = DefaultCacheSize
	}
	w := min(ways, cacheSize)
	return &Parser{seed: maphash.MakeSeed(), sets: make([]set, cacheSize/w), nways: w}
}

// Parse returns the normalized Agent for ua. It does not allocate when ua is
// cached. ua is not retained; a cached key is a copy.
func (p *Parser) Parse(ua string) consentproxy.Agent {
	if p == nil {
		return normalize(ua)
	}
	h := maphash.String(p.seed, ua)
	si := p.setIndex(h)
	s := &p.sets[si]
	for i := 0; i < p.nways; i++ {
		if e := s.slot[i].Load(); e != nil && e.hash == h && e.key == ua {
			if !e.used.Load() { // avoid dirtying the line when already set
				e.used.Store(true)
			}
			p.hits[stripe()].Add(1)
			return e.agent
		}
	}
	p.miss[stripe()].Add(1)

	a := normalize(ua) // outside any lock: this is the slow part
	if len(ua) > MaxKeyLen {
		return a
	}
	mu := &p.locks[si%len(p.locks)]
	mu.Lock()
	p.insert(s, h, ua, a)
	mu.Unlock()
	return a
}

// setIndex maps a hash onto the sets without a modulo (Lemire's reduction).
func (p *Parser) setIndex(h uint64) int {
	return int((h >> 32) * uint64(len(p.sets)) >> 32)
}

// stripe spreads counter updates so cores do not fight over one line.
func stripe() int { return int(rand.Uint32() & 15) }

// insert publishes ua in s; the caller holds the set's lock.
func (p *Parser) insert(s *set, h uint64, ua string, a consentproxy.Agent) {
	victim := -1
	for i := 0; i < p.nways; i++ {
		e := s.slot[i].Load()
		if e == nil {
			if victim < 0 {
				victim = i
			}
			continue
		}
		if e.hash == h && e.key == ua {
			return // another goroutine was faster
		}
	}
	if victim < 0 {
		// Second chance: start at a pseudo-random way, clear used flags as
		// we pass, take the first entry not used since the last sweep.
		start := int(h) & (p.nways - 1)
		if p.nways&(p.nways-1) != 0 {
			start = int(h % uint64(p.nways))
		}
		for n := 0; victim < 0; n++ {
			i := (start + n) % p.nways
			e := s.slot[i].Load()
			if n >= p.nways || !e.used.Load() {
				victim = i
			} else {
				e.used.Store(false)
			}
		}
	}
	s.slot[victim].Store(&entry{hash: h, key: strings.Clone(ua), agent: a})
}

// Stats reports cache hits and misses since New. UAs too long to cache count
// as misses.
func (p *Parser) Stats() (hits, misses uint64) {
	if p == nil {
		return 0, 0
	}
	for i := range p.hits {
		hits += p.hits[i].Load()
		misses += p.miss[i].Load()
	}
	return hits, misses
}

// Len reports how many UAs are cached; it is for tests and metrics.
func (p *Parser) Len() int {
	if p == nil {
		return 0
	}
	n := 0
	for i := range p.sets {
		for j := 0; j < p.nways; j++ {
			if p.sets[i].slot[j].Load() != nil {
				n++
			}
		}
	}
	return n
}

var _ consentproxy.AgentParser = (*Parser)(nil)
