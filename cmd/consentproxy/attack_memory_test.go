package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// procMemory reads a process's peak and current resident set in bytes.
func procMemory(t *testing.T, pid int) (peak, now int64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmHWM:":
			peak = kb << 10
		case "VmRSS:":
			now = kb << 10
		}
	}
	return peak, now
}

// TestMemoryCardinalityFlood: the built binary with --memory-limit 128MiB
// takes a flood of hits in which everything is new (address, user agent,
// path, campaign, language), and its resident set stays within the budget.
// It reports the numbers like a benchmark: hits, seconds, peak RSS.
func TestMemoryCardinalityFlood(t *testing.T) {
	const limit = 128 << 20
	up := newStubUpstream(t)
	args := testArgs(t.TempDir(), up.URL)
	p := startProc(t, append(args, "--memory-limit=128MiB", "--collect-rate=0")...)
	addr := p.listening(t)
	n := 120_000
	if testing.Short() {
		n = 20_000
	}
	const workers = 8
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for i := w; i < n; i += workers {
				q := url.Values{"v": {"2"}, "tid": {siteA}, "cid": {fmt.Sprintf("%d.%d", i, i)}, "en": {"page_view"},
					"dl": {fmt.Sprintf("https://site.example/flood/%d/%s?utm_source=s%d&utm_medium=m%d&utm_campaign=c%d", i, strings.Repeat("x", 200), i, i, i)},
					"dr": {fmt.Sprintf("https://ref%d.example/", i)}}
				req, _ := http.NewRequest("GET", "http://"+addr+"/g/collect?"+q.Encode(), nil)
				req.Header.Set("User-Agent", fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64) Firefox/%d.0 flood/%d", 100+i%50, i))
				req.Header.Set("Accept-Language", fmt.Sprintf("x-%d", i))
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
				resp, err := hc.Do(req)
				if err != nil || resp.StatusCode != http.StatusNoContent {
					mu.Lock()
					failed++
					mu.Unlock()
				}
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	peak, now := procMemory(t, p.cmd.Process.Pid)
	t.Logf("flood of %d all-new hits in %.1f s (%.0f hits/s): peak RSS %.1f MiB, after %.1f MiB, budget %d MiB; %d refused",
		n, took.Seconds(), float64(n)/took.Seconds(), float64(peak)/(1<<20), float64(now)/(1<<20), limit>>20, failed)
	if failed > 0 {
		t.Errorf("%d benign hits refused", failed)
	}
	if peak > limit {
		t.Errorf("peak RSS %.1f MiB over the %d MiB budget", float64(peak)/(1<<20), limit>>20)
	}
}
