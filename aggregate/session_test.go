package aggregate

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	consentproxy "github.com/consentproxy/consentproxy"
)

func totals(t *testing.T, b consentproxy.Batch, site, hour string) consentproxy.Metrics {
	t.Helper()
	r, ok := index(b)["totals|"+site+"|"+hour+"|"]
	if !ok {
		t.Fatalf("no totals row for %s %s in %v", site, hour, tablesIn(b))
	}
	return r.Metrics
}

func TestSessionBounceThenUnbounce(t *testing.T) {
	a, _ := newTestAgg(t, Config{})
	a.Record(alice.pv(t0, "G-S", "https://x.example/a"))
	b1 := a.Collect()
	if m := totals(t, b1, "G-S", "10:00"); m.Visits != 1 || m.Bounces != 1 {
		t.Fatalf("after first pageview: %+v", m)
	}
	a.Record(alice.obs(t0.Add(time.Minute), "G-S", consentproxy.ReasonForwarded, "scroll", "https://x.example/a", ""))
	if m := totals(t, a.Collect(), "G-S", "10:00"); m.Bounces != 1 || m.DurationMS != 60000 {
		t.Fatalf("a non-pageview event must not un-bounce: %+v", m)
	}
	a.Record(alice.pv(t0.Add(2*time.Minute), "G-S", "https://x.example/b"))
	b3 := a.Collect()
	if m := totals(t, b3, "G-S", "10:00"); m.Visits != 1 || m.Bounces != 0 || m.Pageviews != 2 || m.DurationMS != 120000 {
		t.Fatalf("after second pageview: %+v", m)
	}
	// Every start row got its bounce back, and only once.
	a.Record(alice.pv(t0.Add(3*time.Minute), "G-S", "https://x.example/c"))
	for id, r := range index(a.Collect()) {
		if r.Metrics.Bounces != 0 {
			t.Errorf("%s: bounces %d", id, r.Metrics.Bounces)
		}
	}
}

func TestSessionTimeoutStartsNewVisit(t *testing.T) {
	a, _ := newTestAgg(t, Config{SessionTimeout: 30 * time.Minute})
	a.Record(alice.pv(t0, "G-S", "https://x.example/a"))
	a.Record(alice.pv(t0.Add(30*time.Minute), "G-S", "https://x.example/a")) // exactly the timeout: same visit
	a.Record(alice.pv(t0.Add(60*time.Minute+time.Second), "G-S", "https://x.example/a"))
	b := a.Collect()
	if m := totals(t, b, "G-S", "10:00"); m.Visits != 1 || m.Bounces != 0 || m.DurationMS != 30*60*1000 {
		t.Errorf("10:00: %+v", m)
	}
	if m := totals(t, b, "G-S", "11:00"); m.Visits != 1 || m.Bounces != 1 || m.DurationMS != 0 || m.Pageviews != 1 {
		t.Errorf("11:00 (new visit): %+v", m)
	}
}

// A visit spanning hours: per-hit counts and duration go to the current hour,
// the bounce correction to the start hour, and the visit's dimensions stay
// those of its first hit.
func TestSessionAcrossHours(t *testing.T) {
	a, _ := newTestAgg(t, Config{})
	a.Record(alice.obs(t0.Add(55*time.Minute), "G-S", consentproxy.ReasonForwarded, "page_view", "https://x.example/a", "https://news.example/"))
	a.Record(alice.obs(t0.Add(65*time.Minute), "G-S", consentproxy.ReasonForwarded, "page_view", "https://x.example/b", ""))
	got := index(a.Collect())
	if m := got["totals|G-S|10:00|"].Metrics; m.Visits != 1 || m.Bounces != 0 || m.Pageviews != 1 || m.DurationMS != 0 {
		t.Errorf("start hour: %+v", m)
	}
	if m := got["totals|G-S|11:00|"].Metrics; m.Visits != 0 || m.Bounces != 0 || m.Pageviews != 1 || m.DurationMS != 600000 {
		t.Errorf("next hour: %+v", m)
	}
	var n10, n11 int
	for id, r := range got {
		// page_flow's visits are exits, which move with the visit's pages.
		if r.Hour.Hour() == 11 && (r.Metrics.Visits != 0 || r.Metrics.Bounces != 0) && !strings.HasPrefix(id, "page_flow|") {
			t.Errorf("%s: visits/bounces in a continuation hour: %+v", id, r.Metrics)
		}
		switch r.Hour.Hour() {
		case 10:
			n10++
		case 11:
			n11++
		}
	}
	// The visitor is in every visitor row of both hours, once.
	for id, r := range got {
		if r.Visitors == nil {
			continue
		}
		want := alice.tableHash(t0, testSecret, "G-S", tableIndex(id[:strings.Index(id, "|")]))
		if !sameHashes(r.Visitors, want) {
			t.Errorf("%s: visitors %x, want %x", id, r.Visitors, want)
		}
	}
	// Same session tables in both hours (+pages, events, outcomes), but
	// campaign_details and regions, counted at the visit's start only.
	if n10 != n11+2 {
		t.Errorf("rows: %d at 10:00, %d at 11:00, want two more at the start", n10, n11)
	}
}

func TestSessionEvictionBound(t *testing.T) {
	const max = 100
	a, _ := newTestAgg(t, Config{MaxSessions: max})
	for i := range 1000 {
		o := alice.pv(t0.Add(time.Duration(i)*time.Millisecond), "G-S", "https://x.example/")
		o.IP = netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		a.Record(o)
	}
	st := a.Stats()
	if st.Sessions > max || st.Sessions < max/2 {
		t.Errorf("sessions %d, bound %d", st.Sessions, max)
	}
	if st.SessionsEvicted != uint64(1000-st.Sessions) {
		t.Errorf("evicted %d, want %d", st.SessionsEvicted, 1000-st.Sessions)
	}
	// The most recent visitor is still known: its next pageview un-bounces.
	o := alice.pv(t0.Add(time.Second), "G-S", "https://x.example/")
	o.IP = netip.AddrFrom4([4]byte{10, 0, 999 >> 8, 999 & 0xff})
	a.Record(o)
	if m := totals(t, a.Collect(), "G-S", "10:00"); m.Visits != 1000 || m.Bounces != 999 {
		t.Errorf("totals %+v", m)
	}
}

func TestSessionsSweptAfterTimeout(t *testing.T) {
	a, c := newTestAgg(t, Config{})
	for i := range 50 {
		o := alice.pv(t0, "G-S", "https://x.example/")
		o.UserAgent = fmt.Sprintf("ua-%d", i)
		a.Record(o)
	}
	a.Collect()
	if n := a.Stats().Sessions; n != 50 {
		t.Fatalf("sessions %d", n)
	}
	c.Set(t0.Add(31 * time.Minute))
	a.Collect()
	if n := a.Stats().Sessions; n != 0 {
		t.Errorf("sessions after timeout %d", n)
	}
}

// Many goroutines, many visitors, one site: the totals must be exact.
func TestConcurrentRecordExact(t *testing.T) {
	a, _ := newTestAgg(t, Config{})
	const workers, visitors, perVisitor = 8, 400, 5
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := w; v < visitors; v += workers {
				for k := range perVisitor {
					o := alice.pv(t0.Add(time.Duration(k)*time.Second), "G-C", "https://x.example/")
					o.IP = netip.AddrFrom4([4]byte{10, 1, byte(v >> 8), byte(v)})
					a.Record(o)
				}
			}
		}()
	}
	// Collect concurrently too: the store keeps the newest version per key.
	s := newFakeStore(0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			_ = s.Write(t.Context(), a.Collect())
		}
	}()
	wg.Wait()
	<-done
	_ = s.Write(t.Context(), a.Collect())
	m, uv := s.sum("totals")
	want := consentproxy.Metrics{Pageviews: visitors * perVisitor, Events: visitors * perVisitor, Visits: visitors, DurationMS: visitors * (perVisitor - 1) * 1000}
	if m != want || uv != visitors {
		t.Errorf("totals %+v / %d visitors, want %+v / %d", m, uv, want, visitors)
	}
	if o, _ := s.sum("outcomes"); o.Hits != visitors*perVisitor {
		t.Errorf("outcomes %d", o.Hits)
	}
}

func TestSessionSize(t *testing.T) {
	if sz := unsafe.Sizeof(session{}); sz > 152 {
		t.Errorf("session is %d bytes; the table's memory bound (cmd's memoryCaps) assumes 152", sz)
	}
}

// Engagement time goes where a visit's per-hit counts go (the session rows of
// the current hour) and to the events and pages rows, but never into
// DurationMS, which is measured from the gaps between hits.
func TestEngagementSums(t *testing.T) {
	a, _ := newTestAgg(t, Config{})
	pv := alice.pv(t0, "G-S", "https://x.example/a")
	pv.EngagementMS = 400
	a.Record(pv)
	scroll := alice.obs(t0.Add(time.Minute), "G-S", consentproxy.ReasonForwarded, "scroll", "https://x.example/a", "")
	scroll.EngagementMS = 50000
	a.Record(scroll)
	pv2 := bob.pv(t0.Add(2*time.Minute), "G-S", "https://x.example/b")
	pv2.EngagementMS = 7
	a.Record(pv2)
	got := index(a.Collect())
	want := map[string]int64{
		"totals|G-S|10:00|":                            50407,
		"pages|G-S|10:00|/a":                           50400,
		"pages|G-S|10:00|/b":                           7,
		"events|G-S|10:00|page_view":                   407,
		"events|G-S|10:00|scroll":                      50000,
		"entry_pages|G-S|10:00|/a":                     50400,
		"entry_pages|G-S|10:00|/b":                     7,
		"devices|G-S|10:00|Firefox,126,Linux,,desktop": 50400,
		"sources|G-S|10:00|,direct,,,":                 50407,
	}
	for id, ms := range want {
		r, ok := got[id]
		if !ok {
			t.Errorf("no row %s in %v", id, slices.Sorted(maps.Keys(got)))
			continue
		}
		if r.Metrics.EngagementMS != ms {
			t.Errorf("%s: engagement %d, want %d", id, r.Metrics.EngagementMS, ms)
		}
	}
	if m := got["totals|G-S|10:00|"].Metrics; m.DurationMS != 60000 {
		t.Errorf("duration %d: engagement must not add to it", m.DurationMS)
	}
}
