package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// avoidHourChange waits out the end of the UTC hour when it is nearer than
// margin: rows are per hour, and a test that expects a row to be rewritten
// after an outage needs the outage and the rewrite in one hour.
func avoidHourChange(t testing.TB, margin time.Duration) {
	now := time.Now().UTC()
	if wait := now.Truncate(time.Hour).Add(time.Hour).Sub(now); wait < margin {
		t.Logf("waiting %v for the UTC hour to change", wait)
		time.Sleep(wait + time.Second)
	}
}

// mountTmpfs mounts a tmpfs with opts on dir until the test ends. It needs
// root (CI runs as root); elsewhere a failed mount skips the test.
func mountTmpfs(t *testing.T, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		need(t, fmt.Sprintf("mount -t tmpfs -o %s tmpfs %s: %v: %s (run the tests as root)", opts, dir, err, strings.TrimSpace(string(out))))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
			exec.Command("umount", "-l", dir).Run()
		}
	})
}

// fillDisk writes into dir until its file system is full.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = f.Write(make([]byte, 1<<20))
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("filling %s: %v, want ENOSPC", dir, err)
	}
}

// logRecords returns the JSON log records with msg.
func logRecords(logs, msg string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// TestSpoolDisk: the store is unreachable, so batches must go to the spool,
// and the spool directory is on a full or a read-only file system. The
// proxy keeps answering 204 as fast as before, /readyz names the spool
// (before the store is even gone), a log line says that batches were
// dropped and why, and /metrics counts the errors, batches and rows it
// could not keep. Rows touched again after the outage are rewritten with
// their cumulative values (the hour's totals come out exact); a row only
// the dropped batches held is lost, exactly as counted.
func TestSpoolDisk(t *testing.T) {
	for _, tc := range []struct {
		name, opts, errText string
		fill                bool
	}{
		{"full", "size=16k", "no space left on device", true},
		{"read-only", "ro,size=16k", "read-only file system", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := freshDB(t, engineClickHouse)
			var rl *relay
			d.DSN, rl = viaRelay(t, d.DSN)
			dataDir := t.TempDir()
			spool := filepath.Join(dataDir, "spool")
			if err := os.Mkdir(spool, 0o700); err != nil {
				t.Fatal(err)
			}
			mountTmpfs(t, spool, tc.opts)
			if tc.fill {
				fillDisk(t, spool)
			}
			m := mustRunMainOn(t, d, func(c *Config) {
				c.DataDir = dataDir
				c.MetricsListen = "127.0.0.1:0"
			})
			r := rigOf(t, m)
			if s, checks := probe(t, r.client, "/readyz"); s != http.StatusServiceUnavailable || checks["spool"] != "failing" || checks["store"] != "ok" {
				t.Errorf("/readyz with the spool unusable: %d %v, want 503 naming the spool alone", s, checks)
			}
			avoidMidnight(t, time.Minute)
			avoidHourChange(t, time.Minute)
			p := &pageviews{c: r.client, cookie: r.consent(true, false, siteA), perPath: map[string]int{}, perIP: map[string]int{}}
			timedPageviews(t, p, 10, 0)
			eventually(t, 10*time.Second, "a first batch to be written", func() bool { return m.Flusher.Stats().RowsWritten > 0 })
			before := p99(timedPageviews(t, p, 100, 0))

			rl.cut()
			// A page only seen during the outage, by a visitor seen before
			// (so visits and bounces do not change): its row is in the
			// dropped batches alone.
			const lostPath, extra = "/outage-only", 5
			for i := range extra {
				r.mustCollect(browser{IP: "203.0.113.100", UA: uaChromeWin, Lang: "en", Country: "DE", Cookie: p.cookie},
					hit(siteA, "c"+strconv.Itoa(i), "page_view", "https://site.example"+lostPath))
			}
			var during []time.Duration
			for deadline := time.Now().Add(20 * time.Second); m.Flusher.Stats().BatchesDropped == 0; {
				if time.Now().After(deadline) {
					t.Fatalf("nothing dropped after 20s with the store away and the spool unusable: %+v", m.Flusher.Stats())
				}
				during = append(during, timedPageviews(t, p, 5, 100*time.Millisecond)...)
			}
			notSlower(t, "while the spool disk is unusable", before, func() []time.Duration {
				if b := during; b != nil {
					during = nil
					return b
				}
				return timedPageviews(t, p, 100, 0)
			})
			st := m.Flusher.Stats()
			t.Logf("flusher with the %s spool: %+v", tc.name, st)
			if s, checks := probe(t, r.client, "/readyz"); s != http.StatusServiceUnavailable || checks["spool"] != "failing" {
				t.Errorf("/readyz: %d %v, want 503 naming the spool", s, checks)
			}
			recs := logRecords(r.logs.String(), "aggregate spool write failed; batch dropped")
			if len(recs) == 0 {
				t.Fatalf("no log line about the dropped batch:\n%s", r.logs.String())
			}
			if err, _ := recs[0]["err"].(string); !strings.Contains(err, tc.errText) || recs[0]["spool_dir"] != spool {
				t.Errorf("log line %v: want the spool dir and %q", recs[0], tc.errText)
			}
			got, text := scrape(t, m.MetricsAddr())
			for name, want := range map[string]uint64{
				"consentproxy_spool_errors_total":    st.SpoolErrors,
				"consentproxy_dropped_batches_total": st.BatchesDropped,
				"consentproxy_dropped_rows_total":    st.RowsDropped,
			} {
				if want == 0 || got[name] < float64(want) {
					t.Errorf("%s = %v, the flusher counted %d; want it counted, above 0", name, got[name], want)
				}
			}
			if st.BatchesDropped <= 16 { // MaxPendingBatches: memory holds that many
				t.Errorf("%d batches dropped, want the 17 that overflowed memory", st.BatchesDropped)
			}

			// The store comes back: rows touched again are rewritten whole.
			rl.resume(t)
			timedPageviews(t, p, 10, 0)
			if err := r.close(t); err != nil {
				t.Fatalf("Close: %v", err)
			}
			logs := r.logs.String()
			assertNoSecrets(t, "logs", logs, "203.0.113.10", uaChromeWin)
			assertNoSecrets(t, "/metrics", text, "203.0.113.10", uaChromeWin)
			want := p.want()
			f := strings.Split(want["totals"][0], "|") // site|hits|pageviews|events|…
			f[2], f[3] = strconv.Itoa(p.sent+extra), strconv.Itoa(p.sent+extra)
			want["totals"] = []string{strings.Join(f, "|")}
			want["outcomes"] = []string{fmt.Sprintf("%s|forwarded|%d|0|0|0|0|0", siteA, p.sent+extra)}
			// want["pages"] has no row for lostPath: it was dropped.
			s := d.open(t)
			defer s.Close()
			checkSome(t, storeQuerier(s), want)
		})
	}
}
