package stats

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkQuery runs typical dashboard queries through the Fiber app on the
// embedded engine over a fixture of BENCH_DAYS days (default 30) of hourly
// rows for BENCH_PAGES pages (default 300), each page seen every hour. The
// issue's target (13 months × 10k pages) is BENCH_DAYS=395 BENCH_PAGES=10000.
func BenchmarkQuery(b *testing.B) {
	days, pages := envInt("BENCH_DAYS", 30), envInt("BENCH_PAGES", 300)
	s := openStore(b, "chdb")
	end := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
	start := end.Add(-time.Duration(days) * 24 * time.Hour)
	ctx := context.Background()
	t0 := time.Now()
	version := uint64(0)
	for h := start; h.Before(end); h = h.Add(24 * time.Hour) {
		version++
		bt := consentproxy.Batch{Instance: "bench", Version: version}
		var pr, tr []consentproxy.Row
		for hh := 0; hh < 24; hh++ {
			hour := h.Add(time.Duration(hh) * time.Hour)
			for p := 0; p < pages; p++ {
				pr = append(pr, r(hour, d(fmt.Sprintf("/p/%d", p)), mt{Pageviews: int64(p%7 + 1), Events: int64(p%7 + 1)}, ids(p*10+hh, p%5+1)))
			}
			tr = append(tr, r(hour, nil, mt{Pageviews: 100, Visits: 50, Bounces: 20, DurationMS: 60000}, ids(hh*1000, 60)))
		}
		bt.Tables = []consentproxy.TableRows{{Table: consentproxy.TablePages, Rows: pr}, {Table: consentproxy.TableTotals, Rows: tr}}
		if err := s.Write(ctx, bt); err != nil {
			b.Fatalf("write: %v", err)
		}
	}
	b.Logf("fixture: %d days × %d pages hourly = %d page rows, written in %s", days, pages, days*24*pages, time.Since(t0).Round(time.Millisecond))
	app := newApp(b, Config{Store: s, Now: func() time.Time { return end.Add(-time.Hour) }})
	rng := `"date_range":["` + start.Format(dateLayout) + `","` + end.Add(-time.Hour).Format(dateLayout) + `"]`
	for name, body := range map[string]string{
		"top_pages":    `{"site":"` + site + `",` + rng + `,"metrics":["visitors","pageviews"],"dimensions":["page"],"limit":10}`,
		"visitors_day": `{"site":"` + site + `",` + rng + `,"metrics":["visitors","pageviews","bounce_rate"],"dimensions":["time:day"]}`,
	} {
		b.Run(name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t := time.Now()
				a := post(b, app, body)
				lat = append(lat, time.Since(t))
				if a.status != 200 || !strings.HasPrefix(a.results, "[{") {
					b.Fatalf("%d %s", a.status, a.body)
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		})
	}
	// The engine alone, to tell its time from this package's.
	b.Run("top_pages_engine_only", func(b *testing.B) {
		q, err := ParseJSON([]byte(`{"site":"` + site + `",` + rng + `,"metrics":["visitors","pageviews"],"dimensions":["page"]}`))
		if err != nil {
			b.Fatal(err)
		}
		p, err := validate(q, end)
		if err != nil {
			b.Fatal(err)
		}
		sql, args := p.sql(p.parts()[0])
		for b.Loop() {
			if res, err := s.Query(ctx, sql, args...); err != nil || len(res.Rows) != pages {
				b.Fatalf("%d rows, %v", len(res.Rows), err)
			}
		}
	})
}
