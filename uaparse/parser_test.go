package uaparse

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/consentproxy/consentproxy/uaparse/corpora"
)

const chromeWin = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"

// synthUA makes distinct, realistic-looking UAs: only the build differs.
func synthUA(i int) string {
	return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.%d.0 Safari/537.36", i)
}

func TestStats(t *testing.T) {
	p := New(16)
	p.Parse(chromeWin)
	p.Parse(chromeWin)
	p.Parse(chromeWin)
	p.Parse("curl/8.0")
	if h, m := p.Stats(); h != 2 || m != 2 {
		t.Fatalf("Stats = %d hits, %d misses; want 2, 2", h, m)
	}
}

func TestCacheIsBounded(t *testing.T) {
	for _, size := range []int{1, 7, 64, 100, 1000, 4096} {
		p := New(size)
		for i := 0; i < size*5+50; i++ {
			a := p.Parse(synthUA(i))
			if a.Browser != "Chrome" || a.BrowserVersion != "126" {
				t.Fatalf("size %d: Parse(%d) = %+v", size, i, a)
			}
			if i%97 != 0 {
				continue
			}
			if n := p.Len(); n > size {
				t.Fatalf("size %d: cache holds %d entries after %d inserts", size, n, i+1)
			}
		}
		// Set-associativity may round the capacity down by less than a set.
		if n := p.Len(); n > size || n <= size-ways || n != len(p.sets)*p.nways {
			t.Errorf("size %d: full cache holds %d entries (capacity %d)", size, n, len(p.sets)*p.nways)
		}
		// Each key lives in one slot only, and in the set its hash selects.
		seen := map[string]bool{}
		for i := range p.sets {
			for j := 0; j < p.nways; j++ {
				e := p.sets[i].slot[j].Load()
				if e == nil {
					continue
				}
				if seen[e.key] {
					t.Errorf("size %d: %q cached twice", size, e.key)
				}
				seen[e.key] = true
				if p.setIndex(e.hash) != i {
					t.Errorf("size %d: %q in set %d, belongs in %d", size, e.key, i, p.setIndex(e.hash))
				}
			}
		}
	}
}

func TestDefaultSize(t *testing.T) {
	for _, size := range []int{0, -5} {
		p := New(size)
		total := len(p.sets) * p.nways
		if total != DefaultCacheSize {
			t.Errorf("New(%d) capacity %d, want %d", size, total, DefaultCacheSize)
		}
	}
}

// TestHotEntrySurvivesScan checks the CLOCK policy: a UA used between every
// insertion keeps its slot while a stream of one-off UAs passes through.
func TestHotEntrySurvivesScan(t *testing.T) {
	p := New(64)
	p.Parse(chromeWin)
	for i := 0; i < 1000; i++ {
		p.Parse(synthUA(i))
		h0, _ := p.Stats()
		p.Parse(chromeWin)
		if h1, _ := p.Stats(); h1 != h0+1 {
			t.Fatalf("hot UA evicted after %d one-off UAs", i+1)
		}
	}
}

func TestLongUAIsParsedNotCached(t *testing.T) {
	p := New(16)
	long := chromeWin + " " + strings.Repeat("x", MaxKeyLen)
	for i := 0; i < 3; i++ {
		if a := p.Parse(long); a.Browser != "Chrome" || a.OS != "Windows" {
			t.Fatalf("long UA: %+v", a)
		}
	}
	if n := p.Len(); n != 0 {
		t.Errorf("long UA cached: Len = %d", n)
	}
	if h, m := p.Stats(); h != 0 || m != 3 {
		t.Errorf("Stats = %d, %d; want 0 hits, 3 misses", h, m)
	}
	// A crawler token beyond MaxInputLen is not seen; one within it is.
	pad := strings.Repeat("a", MaxInputLen)
	if a := p.Parse(chromeWin + pad + " Googlebot/2.1"); a.Bot {
		t.Errorf("token beyond MaxInputLen was read")
	}
	if a := p.Parse(chromeWin + " Googlebot/2.1" + pad); !a.Bot {
		t.Errorf("token within MaxInputLen missed")
	}
}

func TestImplausibleUAIsBot(t *testing.T) {
	p := New(16)
	if a := p.Parse(chromeWin + strings.Repeat(" (x)", maxParens)); !a.Bot {
		t.Errorf("UA with %d comments not a bot: %+v", maxParens+1, a)
	}
	if a := p.Parse(chromeWin + strings.Repeat(" w", maxWords)); !a.Bot {
		t.Errorf("UA with >%d words not a bot: %+v", maxWords, a)
	}
	if a := p.Parse(chromeWin + strings.Repeat(" (x)", 2)); a.Bot {
		t.Errorf("UA with a few extra comments is a bot")
	}
}

func TestNilParser(t *testing.T) {
	var p *Parser
	if a := p.Parse(chromeWin); a.Browser != "Chrome" {
		t.Errorf("nil parser: %+v", a)
	}
	if h, m := p.Stats(); h != 0 || m != 0 {
		t.Errorf("nil Stats = %d, %d", h, m)
	}
}

func TestConcurrentParse(t *testing.T) {
	p := New(128)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				ua := synthUA((i * (g + 1)) % 300)
				if a := p.Parse(ua); a.Browser != "Chrome" || a.Device != "desktop" {
					t.Errorf("Parse = %+v", a)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	if n := p.Len(); n > 128 {
		t.Errorf("Len = %d > 128", n)
	}
	h, m := p.Stats()
	if h+m != 16000 {
		t.Errorf("hits+misses = %d, want 16000", h+m)
	}
}

func TestCachedParseDoesNotAllocate(t *testing.T) {
	p := New(0)
	p.Parse(chromeWin)
	if n := testing.AllocsPerRun(1000, func() { p.Parse(chromeWin) }); n != 0 {
		t.Errorf("cached Parse allocates %.1f times", n)
	}
}

func BenchmarkParseCached(b *testing.B) {
	p := New(0)
	p.Parse(chromeWin)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if p.Parse(chromeWin).Bot {
			b.Fatal("bot")
		}
	}
}

// BenchmarkParseCachedParallel hits a realistic mix of cached UAs from all
// procs, so shards and the hot entries' read locks are contended.
func BenchmarkParseCachedParallel(b *testing.B) {
	p := New(0)
	uas := make([]string, 64)
	for i := range uas {
		uas[i] = synthUA(i)
		p.Parse(uas[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			// Mostly the top UA, as in real traffic.
			ua := uas[0]
			if i%4 == 0 {
				ua = uas[i%len(uas)]
			}
			p.Parse(ua)
			i++
		}
	})
}

func BenchmarkParseMiss(b *testing.B) {
	uas := make([]string, 1024)
	for i := range uas {
		uas[i] = synthUA(i)
	}
	p := New(16) // far smaller than the working set: nearly every call misses
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Parse(uas[i%len(uas)])
	}
}

// benchMix is the corpus mix BenchmarkParse parses uncached: the committed
// agents.tsv plus the fetched corpora when present (browsers and bots).
func benchMix(b *testing.B) []string {
	var uas []string
	for _, c := range loadCorpus(b) {
		uas = append(uas, c.ua)
	}
	dir := corpora.Dir()
	if cs, err := corpora.Browsers(dir); err == nil {
		for _, c := range cs {
			uas = append(uas, c.UA)
		}
	}
	if cs, err := corpora.Crawlers(dir); err == nil {
		for _, c := range cs {
			uas = append(uas, c.UA)
		}
	}
	return uas
}

// BenchmarkParse is the uncached cost (the budget is 10 µs).
func BenchmarkParse(b *testing.B) {
	uas := benchMix(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		normalize(uas[i%len(uas)])
	}
}

// TestParseBudget keeps the uncached parse well inside the 10 µs budget on
// the corpus mix, with a wide margin for slow shared CI machines.
func TestParseBudget(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing: -short or -race")
	}
	r := testing.Benchmark(BenchmarkParse)
	if ns := r.NsPerOp(); ns > 10_000 {
		t.Errorf("uncached parse %d ns/op over %d UAs, budget 10000", ns, r.N)
	}
}

func TestCachedCorpusDoesNotAllocate(t *testing.T) {
	p := New(0)
	uas := []string{}
	for _, c := range loadCorpus(t) {
		uas = append(uas, c.ua)
		p.Parse(c.ua)
	}
	i := 0
	if n := testing.AllocsPerRun(1000, func() { p.Parse(uas[i%len(uas)]); i++ }); n != 0 {
		t.Errorf("cached Parse allocates %.1f times", n)
	}
}
