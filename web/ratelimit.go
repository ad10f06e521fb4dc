package web

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
)

// IPLimiter bounds the request rate of each client address with a token
// bucket, so that one address flooding /g/collect cannot crowd out real
// visitors or fill the forward queue.
//
// Its memory is a fixed table (limiterShards × limiterSlots buckets), never
// a map that grows with the addresses seen: a flood from a million
// addresses costs what one from ten does. A bucket is found by a keyed hash
// of the address (the key is random per process), and the table holds only
// that hash, so no address is ever kept, even in memory. Two active
// addresses whose hashes share a slot share a bucket, which can only make
// the limit stricter for both, and only while both are busy.
//
// An IPv6 client is limited by its /64, not its address: a /64 is what one
// subscriber or one server is routinely given (RFC 6177), and every address
// in it is theirs to use, so a bucket per /128 let one host send at any rate
// by counting up its interface identifier. An IPv4 client (IPv4-mapped IPv6
// included, unmapped first) is limited by its address.
type IPLimiter struct {
	perSec  float64
	burst   float64
	seed    maphash.Seed
	limited atomic.Uint64
	shards  [limiterShards]limiterShard
}

const (
	limiterShards = 64
	limiterSlots  = 1024
)

type limiterShard struct {
	mu    sync.Mutex
	slots [limiterSlots]bucketSlot
	_     [64]byte // keep neighbouring shards' locks on separate cache lines
}

type bucketSlot struct {
	key    uint64
	tokens float64
	last   int64 // unix nanoseconds of the last refill
}

// NewIPLimiter allows perSec requests a second per address on average, and
// bursts of up to burst. A perSec of 0 or less returns nil: no limit.
func NewIPLimiter(perSec float64, burst int) *IPLimiter {
	if perSec <= 0 {
		return nil
	}
	return &IPLimiter{perSec: perSec, burst: float64(max(burst, 1)), seed: maphash.MakeSeed()}
}

// Allow takes a token from the bucket of addr's network (see IPLimiter) at now.
func (l *IPLimiter) Allow(addr netip.Addr, now time.Time) bool {
	a16 := limitKey(addr)
	h := maphash.Bytes(l.seed, a16[:])
	sh := &l.shards[h%limiterShards]
	s := &sh.slots[(h/limiterShards)%limiterSlots]
	ns := now.UnixNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if s.key != h {
		// Another address, or an empty slot. Taking over a bucket that has
		// refilled completely loses nothing; a busy one is shared.
		if s.last == 0 || s.tokens+float64(ns-s.last)/1e9*l.perSec >= l.burst {
			s.key, s.tokens, s.last = h, l.burst, ns
		}
	}
	if ns > s.last {
		s.tokens = min(l.burst, s.tokens+float64(ns-s.last)/1e9*l.perSec)
		s.last = ns
	}
	if s.tokens < 1 {
		l.limited.Add(1)
		return false
	}
	s.tokens--
	return true
}

// limitKey is the network a bucket belongs to (consentproxy.ClientNetwork)
// as 16 bytes; an IPv4 one in its IPv4-mapped form, which no /64 key
// (zeros where a mapped address has 0xffff) can equal.
func limitKey(addr netip.Addr) [16]byte { return consentproxy.ClientNetwork(addr).As16() }

// Limited counts the requests refused so far.
func (l *IPLimiter) Limited() uint64 {
	if l == nil {
		return 0
	}
	return l.limited.Load()
}

// Handler refuses a request over its address's limit with 429 (through the
// error handler, which counts it). A nil limiter lets everything through.
func (l *IPLimiter) Handler(t *Trust) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if l != nil && !l.Allow(t.ClientIP(c), time.Now()) {
			c.Set(fiber.HeaderRetryAfter, "1")
			return consentproxy.Errorf(consentproxy.ERATELIMIT, "Too many requests from this address; slow down.")
		}
		return c.Next()
	}
}
