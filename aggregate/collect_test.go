package aggregate

import (
	"slices"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

func TestCollectIsIncrementalAndVersioned(t *testing.T) {
	a, _ := newTestAgg(t, Config{})
	empty := a.Collect()
	if empty.Len() != 0 || len(empty.Tables) != 0 {
		t.Fatalf("fresh aggregator collected %d rows", empty.Len())
	}
	a.Record(alice.pv(t0, "G-S", "https://x.example/a"))
	b1 := a.Collect()
	if b1.Len() == 0 || b1.Version <= empty.Version {
		t.Fatalf("b1: %d rows, version %d after %d", b1.Len(), b1.Version, empty.Version)
	}
	b2 := a.Collect()
	if b2.Len() != 0 || b2.Version <= b1.Version {
		t.Fatalf("nothing changed, yet %d rows (version %d after %d)", b2.Len(), b2.Version, b1.Version)
	}
	// One more event: only the rows it touches come again, cumulative.
	a.Record(bob.obs(t0.Add(time.Minute), "G-S", consentproxy.ReasonForwarded, "click", "https://x.example/a", ""))
	b3 := a.Collect()
	if b3.Version <= b2.Version {
		t.Fatalf("version %d after %d", b3.Version, b2.Version)
	}
	got := index(b3)
	if m := got["pages|G-S|10:00|/a"].Metrics; m.Events != 2 || m.Pageviews != 1 {
		t.Errorf("the click on /a: pages row %+v, want 2 events (cumulative), 1 page view", m)
	}
	if slices.Contains(tablesIn(b3), "entry_pages") && got["entry_pages|G-S|10:00|/a"].Metrics.Visits != 2 {
		t.Errorf("entry pages %+v", got["entry_pages|G-S|10:00|/a"].Metrics)
	}
	if m := got["totals|G-S|10:00|"].Metrics; m.Events != 2 || m.Visits != 2 || m.Pageviews != 1 {
		t.Errorf("totals not cumulative: %+v", m)
	}
	if n := len(got["totals|G-S|10:00|"].Visitors); n != 2 {
		t.Errorf("totals visitors %d, want 2 (cumulative)", n)
	}
	if m := got["events|G-S|10:00|click"].Metrics; m.Events != 1 {
		t.Errorf("click %+v", m)
	}
	if _, ok := got["events|G-S|10:00|page_view"]; ok {
		t.Error("untouched events row re-sent")
	}
}

// Buckets are dropped once closed and collected; a late hit for one does not
// recreate it (which would overwrite the written row with a partial one).
func TestClosedBucketsDroppedAndLateHitsRefused(t *testing.T) {
	a, c := newTestAgg(t, Config{SessionTimeout: 30 * time.Minute})
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	a.Record(alice.pv(at(50), "G-S", "https://x.example/a")) // 10:50, a bounce for now
	a.Record(alice.obs(at(65), "G-S", consentproxy.ReasonForwarded, "scroll", "https://x.example/a", ""))
	c.Set(at(66))
	a.Collect()
	if n := a.Stats().Rows; n == 0 {
		t.Fatal("no rows")
	}
	c.Set(at(90)) // 11:30: the 10:00 bucket closes
	a.Collect()
	for i := range a.shards {
		for k := range a.shards[i].rows {
			if k.hour < hourOf(at(60).Unix()) {
				t.Fatalf("closed bucket kept: %+v", k)
			}
		}
		for k := range a.shards[i].rows1 {
			if k.hour < hourOf(at(60).Unix()) {
				t.Fatalf("closed bucket kept: %+v", k)
			}
		}
	}
	// alice's visit (last hit 11:05) is live at 11:34, but its start hour is
	// gone: the bounce correction is refused and counted, and so is the
	// exit correction of her 10:xx page. bob's 10:10 hit is late.
	c.Set(at(94))
	a.Record(alice.pv(at(94), "G-S", "https://x.example/b"))
	a.Record(bob.pv(at(10), "G-S", "https://x.example/b"))
	// carol has a live visit; her delayed hit stamped 10:20 is late too.
	a.Record(carol.pv(at(93), "G-S", "https://x.example/c"))
	a.Record(carol.obs(at(20), "G-S", consentproxy.ReasonForwarded, "scroll", "https://x.example/c", ""))
	got := index(a.Collect())
	for id := range got {
		if got[id].Hour.Hour() == 10 {
			t.Errorf("closed bucket recreated: %s", id)
		}
	}
	st := a.Stats()
	if st.Late != 2 || st.LostCorrections != 2 {
		t.Errorf("late %d, lost corrections %d", st.Late, st.LostCorrections)
	}
	if m := got["totals|G-S|11:00|"].Metrics; m.Pageviews != 2 || m.Events != 3 || m.Visits != 1 || m.DurationMS != 44*60*1000 {
		t.Errorf("11:00 totals %+v", m)
	}
}

// A bucket that is closed but still dirty is written before it is dropped.
func TestClosedDirtyBucketIsCollectedFirst(t *testing.T) {
	a, c := newTestAgg(t, Config{})
	a.Record(alice.pv(t0, "G-S", "https://x.example/a"))
	c.Set(t0.Add(5 * time.Hour))
	b := a.Collect()
	if m := totals(t, b, "G-S", "10:00"); m.Visits != 1 {
		t.Fatalf("%+v", m)
	}
	if n := a.Stats().Rows; n != 0 {
		t.Errorf("rows %d after collecting a closed bucket", n)
	}
	if b2 := a.Collect(); b2.Len() != 0 {
		t.Errorf("re-collected %d rows", b2.Len())
	}
}

func TestRowsMergeAcrossShards(t *testing.T) {
	a, _ := newTestAgg(t, Config{})
	if len(a.shards) < 2 {
		t.Fatalf("%d shards", len(a.shards))
	}
	// Many visitors spread over shards, one page: one row, all hashes.
	const n = 300
	want := make([]uint64, 0, n)
	for i := range n {
		v := alice
		v.ua = v.ua + string(rune('a'+i%26)) + string(rune('a'+i/26))
		a.Record(v.pv(t0, "G-S", "https://x.example/a"))
		want = append(want, v.tableHash(t0, testSecret, "G-S", tPages))
	}
	shards := 0
	for i := range a.shards {
		if a.shards[i].numRows() > 0 {
			shards++
		}
	}
	if shards < 2 {
		t.Fatalf("visitors landed in %d shard(s)", shards)
	}
	var pages []consentproxy.Row
	for _, tr := range a.Collect().Tables {
		if tr.Table.Name == "pages" {
			pages = tr.Rows
		}
	}
	if len(pages) != 1 || pages[0].Metrics.Pageviews != n || !sameHashes(pages[0].Visitors, want...) {
		t.Fatalf("pages rows %d, first %+v", len(pages), pages[0].Metrics)
	}
}
