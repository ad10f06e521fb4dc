package apitoken

import (
	"hash/maphash"
	"math"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// FailureLimiter bounds how often one client address may present a wrong
// token. Only failures spend its budget, and an address is refused before its
// token is even looked at only once it has spent it: a valid token from any
// other address always gets in, however many addresses are failing, and an
// address that has not failed is never slowed (issue 14: one global bucket,
// spent by anyone's wrong token, kept every valid token out). Refusing the
// failing address before the check is what makes the limit a limit: a token
// checked anyway would still answer its guesses, at any rate.
//
// IPv6 addresses count per /64, the block one host or subscriber usually
// holds, so rotating through its addresses buys nothing.
//
// Its memory is a fixed table, like web.IPLimiter's, keyed by a per-process
// keyed hash, so no address is stored. A failing address takes its slot
// over from whatever held it: two failing addresses whose hashes collide
// reset each other (the budget is then looser for both, never stricter for
// anyone who does not fail). An attacker with more addresses than the table
// has slots can rotate through them; against that, only the tokens' length
// helps (24 characters or more).
type FailureLimiter struct {
	perSec  float64
	burst   float64
	seed    maphash.Seed
	refused atomic.Uint64
	shards  [failShards]failShard
}

const (
	failShards = 16
	failSlots  = 1024
)

type failShard struct {
	mu    sync.Mutex
	slots [failSlots]failSlot
	_     [64]byte // neighbouring shards' locks on separate cache lines
}

type failSlot struct {
	key    uint64 // 0: empty
	tokens float64
	last   int64 // unix nanoseconds of the last refill
}

// NewFailureLimiter allows each address perMinute failures a minute on
// average, in bursts of up to burst (at least 1). perMinute must be positive.
func NewFailureLimiter(perMinute, burst int) *FailureLimiter {
	return &FailureLimiter{
		perSec: float64(max(perMinute, 1)) / 60,
		burst:  float64(max(burst, 1)),
		seed:   maphash.MakeSeed(),
	}
}

// Wait is how long addr must wait before its next attempt: 0 while it has
// failures left to spend. A refusal (a positive wait) is counted.
func (l *FailureLimiter) Wait(addr netip.Addr, now time.Time) time.Duration {
	sh, s, h := l.slot(addr)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if s.key != h {
		return 0 // not failing (or its slot was taken over)
	}
	l.refill(s, now)
	if s.tokens >= 1 {
		return 0
	}
	l.refused.Add(1)
	return time.Duration(math.Ceil((1 - s.tokens) / l.perSec * float64(time.Second)))
}

// Fail spends one failure of addr's budget.
func (l *FailureLimiter) Fail(addr netip.Addr, now time.Time) {
	sh, s, h := l.slot(addr)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if s.key != h {
		s.key, s.tokens, s.last = h, l.burst, now.UnixNano()
	}
	l.refill(s, now)
	s.tokens = math.Max(0, s.tokens-1)
}

// Refused counts the attempts Wait has refused so far.
func (l *FailureLimiter) Refused() uint64 { return l.refused.Load() }

func (l *FailureLimiter) refill(s *failSlot, now time.Time) {
	if ns := now.UnixNano(); ns > s.last {
		s.tokens = math.Min(l.burst, s.tokens+float64(ns-s.last)/1e9*l.perSec)
		s.last = ns
	}
}

func (l *FailureLimiter) slot(addr netip.Addr) (*failShard, *failSlot, uint64) {
	k := failureKey(addr)
	h := maphash.Bytes(l.seed, k[:]) | 1 // never 0, the empty slot's key
	sh := &l.shards[h%failShards]
	return sh, &sh.slots[(h/failShards)%failSlots], h
}

// failureKey is what an address is counted as (consentproxy.ClientNetwork),
// as 16 bytes. An unknown address is one key of its own.
func failureKey(a netip.Addr) [16]byte { return consentproxy.ClientNetwork(a).As16() }
