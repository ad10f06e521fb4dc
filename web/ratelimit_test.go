package web

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	consentproxy "github.com/consentproxy/consentproxy"
)

func TestIPLimiterBucket(t *testing.T) {
	l := NewIPLimiter(10, 5)
	a := netip.MustParseAddr("203.0.113.9")
	now := time.Unix(1_800_000_000, 0)
	for i := 0; i < 5; i++ {
		if !l.Allow(a, now) {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	if l.Allow(a, now) {
		t.Fatal("sixth request in the same instant allowed; burst is 5")
	}
	// Another address has its own bucket.
	if !l.Allow(netip.MustParseAddr("2001:db8::1"), now) {
		t.Error("another address refused")
	}
	// 10 a second: one token back after 100 ms, not before.
	if l.Allow(a, now.Add(50*time.Millisecond)) {
		t.Error("allowed after 50 ms")
	}
	if !l.Allow(a, now.Add(110*time.Millisecond)) {
		t.Error("refused after 110 ms")
	}
	// A long pause refills to the burst, never beyond.
	later := now.Add(time.Hour)
	n := 0
	for l.Allow(a, later) {
		n++
	}
	if n != 5 {
		t.Errorf("after an hour: %d requests allowed at once, want the burst of 5", n)
	}
	if l.Limited() != 3 {
		t.Errorf("Limited = %d, want 3", l.Limited())
	}
	if NewIPLimiter(0, 10) != nil {
		t.Error("rate 0 must mean no limiter")
	}
}

// TestIPLimiterManyAddresses: the table is fixed, so a million addresses
// neither grow memory nor lock out an address that arrives afterwards.
func TestIPLimiterManyAddresses(t *testing.T) {
	l := NewIPLimiter(1, 3)
	now := time.Unix(1_800_000_000, 0)
	for i := 0; i < 1_000_000; i++ {
		l.Allow(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), now)
	}
	// Slots refill completely after burst/rate = 3 s; a new address then
	// takes over a slot with a full bucket.
	later := now.Add(4 * time.Second)
	a := netip.MustParseAddr("198.51.100.7")
	for i := 0; i < 3; i++ {
		if !l.Allow(a, later) {
			t.Fatalf("request %d of a new address refused after a flood of others", i+1)
		}
	}
	if l.Allow(a, later) {
		t.Error("the new address exceeded its burst")
	}
}

// TestIPLimiterHandler: over HTTP, the limit applies per client address
// behind a trusted proxy (not per proxy), answers 429 with Retry-After, and
// is counted like every other error.
func TestIPLimiterHandler(t *testing.T) {
	ps := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}
	app, errs := NewApp(Config{TrustedProxies: ps})
	app.Use("/g/collect", NewIPLimiter(0.001, 2).Handler(NewTrust(ps)))
	app.Get("/g/collect", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusNoContent) })
	hit := func(ip string) (int, string) {
		req := httptest.NewRequest("GET", "/g/collect", nil)
		req.Header.Set("X-Forwarded-For", ip)
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	for i, want := range []int{204, 204, 429, 429} {
		if got, _ := hit("203.0.113.9"); got != want {
			t.Errorf("hit %d from one address: %d, want %d", i+1, got, want)
		}
	}
	if got, ra := hit("203.0.113.9"); got != 429 || ra != "1" {
		t.Errorf("limited answer: %d Retry-After %q; want 429 and 1", got, ra)
	}
	for i := 0; i < 5; i++ {
		if got, _ := hit(fmt.Sprintf("198.51.100.%d", i)); got != 204 {
			t.Errorf("another visitor behind the same proxy: %d, want 204", got)
		}
	}
	if n := errs.Count(consentproxy.ERATELIMIT); n != 3 {
		t.Errorf("rate-limit errors counted: %d, want 3", n)
	}
}

// TestIPLimiterIPv6Prefix: every address of an IPv6 /64 draws on one
// bucket, so counting up the interface identifier buys no extra requests;
// another /64 has its own bucket, IPv4 addresses each have theirs, and an
// IPv4-mapped IPv6 address is its IPv4 address.
func TestIPLimiterIPv6Prefix(t *testing.T) {
	const burst = 5
	l := NewIPLimiter(0.001, burst)
	now := time.Unix(1_800_000_000, 0)
	in64 := func(prefix string, i int) netip.Addr {
		a := netip.MustParseAddr(prefix).As16()
		a[8], a[9], a[13], a[14], a[15] = byte(i*7), byte(i>>3), byte(i>>16), byte(i>>8), byte(i)
		return netip.AddrFrom16(a)
	}
	allowed := 0
	seen := map[netip.Addr]bool{}
	for i := range 1000 {
		a := in64("2001:db8:1:2::", i)
		seen[a] = true
		if l.Allow(a, now) {
			allowed++
		}
	}
	if len(seen) != 1000 {
		t.Fatalf("%d distinct addresses, want 1000", len(seen))
	}
	if allowed != burst {
		t.Errorf("1000 addresses of one /64 were allowed %d requests at once, want the burst of %d", allowed, burst)
	}
	if l.Allow(netip.MustParseAddr("2001:db8:1:2::1%eth0"), now) {
		t.Error("a zoned address of the same /64 got a bucket of its own")
	}
	for _, other := range []string{"2001:db8:1:3::", "2001:db9:1:2::"} {
		n := 0
		for i := range 10 {
			if l.Allow(in64(other, i), now) {
				n++
			}
		}
		if n != burst {
			t.Errorf("another /64 (%s/64) was allowed %d, want its own burst of %d", other, n, burst)
		}
	}

	v4 := netip.MustParseAddr("198.51.100.7")
	mapped := netip.AddrFrom16(v4.As16())
	n := 0
	for i := range 2 * burst {
		a := v4
		if i%2 == 1 {
			a = mapped
		}
		if l.Allow(a, now) {
			n++
		}
	}
	if n != burst {
		t.Errorf("an IPv4 address and its mapped form were allowed %d together, want one burst of %d", n, burst)
	}
	if !l.Allow(netip.MustParseAddr("198.51.100.8"), now) {
		t.Error("the neighbouring IPv4 address shares the bucket; IPv4 is limited per address")
	}
}

func BenchmarkIPLimiter(b *testing.B) {
	l := NewIPLimiter(1e9, 1<<30)
	now := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			l.Allow(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), now)
		}
	})
}
