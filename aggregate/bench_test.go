package aggregate

import (
	"fmt"
	"net/netip"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

// benchObs builds n distinct visitors' pageviews over a few pages, as the
// proxy would hand them over (strings in their own memory).
func benchObs(n int) []consentproxy.Observation {
	paths := []string{"/", "/pricing", "/blog/post-1", "/docs/start", "/about"}
	obs := make([]consentproxy.Observation, n)
	for i := range obs {
		obs[i] = consentproxy.Observation{
			Time:      t0,
			Site:      "G-BENCH",
			Reason:    consentproxy.ReasonForwarded,
			Event:     "page_view",
			Location:  "https://shop.example" + paths[i%len(paths)] + "?utm_source=news",
			Referrer:  "https://www.google.com/",
			Language:  "de-DE",
			Country:   "DE",
			UserAgent: fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0 #%d", i),
			IP:        netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}),
			Agent:     consentproxy.Agent{Browser: "Firefox", BrowserVersion: "126", OS: "Linux", Device: "desktop"},
		}
	}
	return obs
}

// BenchmarkRecord: one goroutine, 10k visitors cycling within one hour (the
// steady state: sessions and rows exist).
func BenchmarkRecord(b *testing.B) {
	a, c := newTestAgg(b, Config{})
	obs := benchObs(10000)
	for i := range obs {
		a.Record(&obs[i]) // warm: sessions and rows exist
	}
	c.Set(t0)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		a.Record(&obs[i%len(obs)])
		i++
	}
}

// BenchmarkRecordNewVisits: every hit starts a visit (dimension lookups,
// session slot, new hashes in growing sets).
func BenchmarkRecordNewVisits(b *testing.B) {
	a, _ := newTestAgg(b, Config{})
	o := benchObs(1)[0]
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		o.IP = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		a.Record(&o)
		i++
	}
}

// BenchmarkRecordSuppressed: the outcomes-only path (opt-out, bots, …).
func BenchmarkRecordSuppressed(b *testing.B) {
	a, _ := newTestAgg(b, Config{})
	o := benchObs(1)[0]
	o.Reason = consentproxy.ReasonGPC
	a.Record(&o)
	b.ReportAllocs()
	for b.Loop() {
		a.Record(&o)
	}
}

func BenchmarkRecordParallel(b *testing.B) {
	a, _ := newTestAgg(b, Config{})
	obs := benchObs(10000)
	for i := range obs {
		a.Record(&obs[i])
	}
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(1000))
		for pb.Next() {
			a.Record(&obs[i%len(obs)])
			i++
		}
	})
}

// BenchmarkCollect: one flush of a busy hour (10k visitors, every row dirty).
func BenchmarkCollect(b *testing.B) {
	a, _ := newTestAgg(b, Config{})
	obs := benchObs(10000)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for i := range obs {
			a.Record(&obs[i])
		}
		b.StartTimer()
		a.Collect()
	}
}

// heapAfter records hits from visitors distinct visitors, hits in total,
// within one hour, and returns the live heap in bytes.
func heapAfter(tb testing.TB, visitors, hits int) (uint64, *Aggregator) {
	a, _ := newTestAgg(tb, Config{})
	obs := benchObs(visitors)
	for i := range hits {
		o := &obs[i%visitors]
		o.Time = t0.Add(time.Duration(i) * 50 * time.Minute / time.Duration(hits))
		a.Record(o)
	}
	obs = nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, a
}

// BenchmarkMemory1M reports the live heap after 1M hits from 100k visitors.
func BenchmarkMemory1M(b *testing.B) {
	for b.Loop() {
		base := liveHeap()
		h, a := heapAfter(b, 100_000, 1_000_000)
		b.ReportMetric(mib(h-base), "heap-MiB")
		runtime.KeepAlive(a)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
