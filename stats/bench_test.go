package stats

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store/chdb"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkQuery runs typical dashboard queries through the Fiber app on the
// embedded engine over BENCH_DAYS days (default 30) of hourly aggregates for
// a site with BENCH_PAGES pages (default 1,000), BENCH_PER_HOUR (default
// 300) of them seen each hour: the top third every hour, the rest in turn,
// as a long tail is. The target is BENCH_DAYS=395 BENCH_PAGES=10000
// (13 months of a 10k-page site: 2.8 million hourly page rows).
//
// The rows are generated inside the engine (INSERT … SELECT through the
// same Null table and materialized view every write takes), then the daily
// and monthly rollups are derived, as rollup.Tracker does in production.
// Each query is timed twice: as the API runs it (rollups before the
// frontier, hours after) and from the hourly tables alone.
func BenchmarkQuery(b *testing.B) {
	days, pages, perHour := envInt("BENCH_DAYS", 30), envInt("BENCH_PAGES", 1000), envInt("BENCH_PER_HOUR", 300)
	perHour = min(perHour, pages)
	s := openStore(b, "chdb").(*chdb.Store)
	end := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -days)
	ctx := context.Background()

	t0 := time.Now()
	for m := start; m.Before(end); m = m.AddDate(0, 1, 0) { // a month per statement bounds the engine's memory
		to := m.AddDate(0, 1, 0)
		if to.After(end) {
			to = end
		}
		for _, q := range fixtureSQL(s.Options().Database, m, to, pages, perHour) {
			if err := s.Exec(ctx, q); err != nil {
				b.Fatalf("fixture: %v", err)
			}
		}
	}
	written := time.Since(t0)
	t0 = time.Now()
	for m := start; m.Before(end); m = m.AddDate(0, 1, 0) {
		to := m.AddDate(0, 1, 0)
		if to.After(end) {
			to = end
		}
		if err := s.Rollup(ctx, m, to, 1); err != nil {
			b.Fatalf("rollup: %v", err)
		}
	}
	b.Logf("fixture: %d days × %d page rows per hour (of %d pages) = %d hourly page rows; written in %s, rolled up in %s",
		days, perHour, pages, days*24*perHour, written.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))

	now := end.Add(-time.Hour)
	rng := `"date_range":["` + start.Format(dateLayout) + `","` + now.Format(dateLayout) + `"]`
	last30 := `"date_range":"30d"`
	queries := []struct{ name, body string }{
		{"top_pages", `{"site":"` + site + `",` + rng + `,"metrics":["visitors","pageviews"],"dimensions":["page"],"limit":10}`},
		{"visitors_by_month", `{"site":"` + site + `",` + rng + `,"metrics":["visitors","pageviews","bounce_rate"],"dimensions":["time:month"]}`},
		{"visitors_by_day_30d", `{"site":"` + site + `",` + last30 + `,"metrics":["visitors","pageviews","bounce_rate"],"dimensions":["time:day"]}`},
		{"top_pages_30d", `{"site":"` + site + `",` + last30 + `,"metrics":["visitors","pageviews"],"dimensions":["page"],"limit":10}`},
	}
	for _, mode := range []string{"rollups", "hourly_only"} {
		frontier := func() time.Time { return end } // every closed day is rolled up
		if mode == "hourly_only" {
			frontier = nil
		}
		app := newApp(b, Config{Store: s, Now: func() time.Time { return now }, Rollups: frontier})
		for _, q := range queries {
			b.Run(mode+"/"+q.name, func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				for b.Loop() {
					t := time.Now()
					a := post(b, app, q.body)
					lat = append(lat, time.Since(t))
					if a.status != 200 || !strings.HasPrefix(a.results, "[{") {
						b.Fatalf("%d %s", a.status, a.body)
					}
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}

// fixtureSQL generates [from, to)'s hourly page and totals rows in the
// engine. Page j of an hour h is one of the first third of the catalogue
// (j < perHour/3: the popular pages, every hour) or a tail page chosen in
// turn; it has 1 to 5 visitors, hashed from (h, j) so that they spread as
// real hashes do.
func fixtureSQL(db string, from, to time.Time, pages, perHour int) []string {
	hours := int(to.Sub(from) / time.Hour)
	top := perHour / 3
	tail := max(pages-top, 1)
	h := fmt.Sprintf("intDiv(number, %d)", perHour)
	j := fmt.Sprintf("(number %% %d)", perHour)
	page := fmt.Sprintf("if(%[1]s < %[2]d, %[1]s, %[2]d + ((%[3]s * %[4]d + %[1]s - %[2]d) %% %[5]d))", j, top, h, perHour-top, tail)
	hour := fmt.Sprintf("toDateTime(%d + %s * 3600, 'UTC')", from.Unix(), h)
	pagesSQL := fmt.Sprintf(`INSERT INTO %s.pages_in (site, hour, path, instance, version, hits, pageviews, events, visits, bounces, duration_ms, visitor_hashes)
SELECT %s, %s, concat('/p/', toString(%s)), 'bench', 1, 0, 1 + %s %% 7, 1 + %s %% 7, 0, 0, 0,
  arrayMap(x -> cityHash64(%d + %s, %s, x), range(1 + %s %% 5))
FROM numbers(%d)`, db, quoteSite(), hour, page, j, j, from.Unix(), h, j, j, hours*perHour)
	totalsSQL := fmt.Sprintf(`INSERT INTO %s.totals_in (site, hour, instance, version, hits, pageviews, events, visits, bounces, duration_ms, visitor_hashes)
SELECT %s, toDateTime(%d + number * 3600, 'UTC'), 'bench', 1, 0, 100, 120, 50, 20, 60000,
  arrayMap(x -> cityHash64(%d + number, x), range(60))
FROM numbers(%d)`, db, quoteSite(), from.Unix(), from.Unix(), hours)
	return []string{pagesSQL, totalsSQL}
}

func quoteSite() string { return "'" + site + "'" }

var _ consentproxy.Rollups = (*chdb.Store)(nil)
