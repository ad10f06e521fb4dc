package chdb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
)

// BenchmarkWrite measures the cost of one Write of a 1000-row pages batch
// (each row with 3 visitor hashes), reported per row as well.
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			s := openFresh(b)
			ctx := context.Background()
			h := recentHour()
			rows := make([]consentproxy.Row, n)
			for i := range rows {
				rows[i] = consentproxy.Row{Site: "G-BENCH", Hour: h, Dims: []string{fmt.Sprintf("/page/%d", i)},
					Metrics:  consentproxy.Metrics{Hits: int64(i), Pageviews: int64(i), Events: 1, Visits: 1},
					Visitors: []uint64{uint64(i), uint64(i) * 7919, uint64(i) * 104729}}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Write(ctx, pagesBatch("bench", uint64(i+1), rows...)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			perRow := float64(b.Elapsed().Nanoseconds()) / float64(b.N*n)
			b.ReportMetric(perRow, "ns/row")
			b.ReportMetric(1e9/perRow, "rows/s")
			res, err := s.Query(ctx, "SELECT count() FROM pages FINAL WHERE site = ?", "G-BENCH")
			if err != nil || res.Rows[0][0] != fmt.Sprint(n) {
				b.Fatalf("after the benchmark: %v, %v; want %d keys", res.Rows, err, n)
			}
		})
	}
}

// BenchmarkQuery measures a typical dashboard query over 1000 keys.
func BenchmarkQuery(b *testing.B) {
	s := openFresh(b)
	ctx := context.Background()
	h := recentHour()
	rows := make([]consentproxy.Row, 1000)
	for i := range rows {
		rows[i] = consentproxy.Row{Site: "G-Q", Hour: h, Dims: []string{fmt.Sprintf("/page/%d", i)},
			Metrics: consentproxy.Metrics{Pageviews: int64(i)}, Visitors: []uint64{uint64(i)}}
	}
	if err := s.Write(ctx, pagesBatch("q", 1, rows...)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := s.Query(ctx, "SELECT path, sum(pageviews), uniqArrayMerge(visitors) FROM pages FINAL "+
			"WHERE site = ? AND hour >= ? GROUP BY path ORDER BY 2 DESC LIMIT 10", "G-Q", h)
		if err != nil || len(res.Rows) != 10 {
			b.Fatalf("%v, %v", len(res.Rows), err)
		}
	}
}

// BenchmarkOpenWarm is Open+Close of an already migrated database while the
// process's engine runs: what a test or a reconnect pays.
func BenchmarkOpenWarm(b *testing.B) {
	s := openFresh(b)
	db := s.Options().Database
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s2, err := Open(ctx, Scheme+storageDir(b), store.Options{Database: db})
		if err != nil {
			b.Fatal(err)
		}
		s2.Close()
	}
}

// BenchmarkOpenCold starts a fresh process per iteration that opens an
// already migrated directory (library load, engine boot, migration check)
// and reports that time and the process's resident memory.
func BenchmarkOpenCold(b *testing.B) {
	requireLib(b)
	dir := b.TempDir()
	runColdOpen(b, dir) // migrate once
	var open time.Duration
	var rss int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := runColdOpen(b, dir)
		open += c.open
		rss += c.rssKB
	}
	b.ReportMetric(float64(open.Milliseconds())/float64(b.N), "open-ms")
	b.ReportMetric(float64(rss)/1024/float64(b.N), "rss-MB")
}
