package main

import (
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
)

// TestGoalsGroundTruth sends a few hundred planned visitors (1-3 visits
// each, several sources, consent given, refused, given late or never,
// suppressed and bots) through real HTTP into the real Main with --goals
// and --funnels, on both engines, and holds the API's goals, conversion
// rates, GA4 coverage and funnel steps to the answers computed from the
// plan (goals_model_test.go), exactly (--min-count 1).
//
// Visits more than 30 minutes apart need a clock: the proxy's (which
// stamps every observation) is set per hit (Config.hitClock). Every hit
// falls in one UTC day: on an open day, today if it has room for the plan
// (about four hours from now), else tomorrow; on a closed day, two days
// ago, whose rollups are then derived, so the queries that rollups answer
// exactly read them (invariant 7 of docs/architecture.md, end to end).
func TestGoalsGroundTruth(t *testing.T) {
	visitors, hits := truthPlan(20260615, 300)
	visits := truthVisits(hits)
	for _, engine := range engines {
		for _, closed := range []bool{false, true} {
			name := engine + "/open-day"
			if closed {
				name = engine + "/closed-day"
			}
			t.Run(name, func(t *testing.T) {
				start := time.Now()
				d := freshDB(t, engine)
				m, anchor := runTruth(t, d, hits, closed)
				t.Logf("%d planned visitors, %d hits sent from %s, in %v", len(visitors), len(hits), anchor.Format(time.RFC3339), time.Since(start).Round(time.Millisecond))
				cov := truthCoverage(visits, anchor)
				for _, k := range slices.Sorted(maps.Keys(cov)) {
					t.Logf("plan: %d %s", cov[k], k)
				}
				if len(cov) != 8 || slices.Contains(slices.Collect(maps.Values(cov)), 0) {
					t.Errorf("the plan lacks cases: %v", cov)
				}
				checkTruth(t, rigOf(t, m), anchor, visits)
				t.Logf("done in %v", time.Since(start).Round(time.Millisecond))
			})
		}
	}
}

// runTruth boots Main on d with the goals, sends the hits at their planned
// times, waits for Google's share and flushes. It returns the plan's start.
// On a closed day (two days ago) nothing is collected before the last hit
// (a collect would close those hours), and the day's rollups are derived,
// so the API reads them wherever they answer exactly.
func runTruth(t *testing.T, d testDB, hits []*truthHit, closed bool) (*Main, time.Time) {
	t.Helper()
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.yaml")
	funnels := filepath.Join(dir, "funnels.yaml")
	for p, s := range map[string]string{
		tokens:  "tokens:\n  - name: test\n    token: " + apiToken + "\n    sites: [" + siteA + ", " + siteB + "]\n",
		funnels: truthFunnelsYAML,
	} {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"--store=" + d.DSN, "--api-tokens=@" + tokens, "--min-count=1",
		"--goals=" + truthGoalsYAML, "--funnels=@" + funnels}
	if closed {
		args = append(args, "--flush-interval=1h")
	}
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	m := runMain(t, args, func(c *Config) {
		if d.Engine == engineChdb {
			c.storeDatabase = d.Database
		}
		c.hitClock = func() time.Time { return time.Unix(0, clock.Load()) }
	})
	if len(m.Config.Goals) != 5 || len(m.Config.Funnels) != 2 {
		t.Fatalf("goals %+v, funnels %+v: want the 5 goals and 2 funnels given", m.Config.Goals, m.Config.Funnels)
	}
	r := rigOf(t, m)

	// The plan starts now, or at tomorrow's first minute when today has
	// no room left for it: every hit then lies in one UTC day, and none
	// before an hour the aggregator has already closed.
	span := hits[len(hits)-1].at
	anchor := time.Now().UTC().Truncate(time.Second)
	if midnight := anchor.Truncate(24 * time.Hour).Add(24 * time.Hour); anchor.Add(span + 10*time.Minute).After(midnight) {
		anchor = midnight.Add(time.Minute)
	}
	if closed {
		anchor = anchor.Truncate(24*time.Hour).AddDate(0, 0, -2).Add(30 * time.Minute)
	}
	clock.Store(anchor.UnixNano())

	granted := r.consent(true, true, siteA)
	rejected := r.consent(false, false, siteA)
	optout := r.optOut()
	want := 0
	for _, h := range hits {
		b := browser{IP: h.v.ip, UA: h.v.ua, Lang: "en-US,en;q=0.9", Country: "DE"}
		switch h.v.kind {
		case kindGranted, kindBot:
			b.Cookie = granted
		case kindLater:
			if h.forwarded() {
				b.Cookie = granted
			}
		case kindRejected:
			b.Cookie = rejected
		case kindGPC:
			b.Cookie = granted
			b.Header = map[string]string{"Sec-GPC": "1"}
		case kindOptOut:
			b.Cookie = optout + "; " + granted
		}
		if h.forwarded() && h.counted() {
			want++
		}
		clock.Store(anchor.Add(h.at).UnixNano())
		r.mustCollect(b, h.query())
	}
	// Google got exactly the consented hits.
	eventually(t, 30*time.Second, "the forward queue to drain", func() bool { return collected(r.up.requests()) >= want })
	time.Sleep(200 * time.Millisecond)
	if got := collected(r.up.requests()); got != want {
		t.Errorf("Google received %d hits, want the %d consented ones", got, want)
	}
	if err := m.Flusher.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if late := m.Aggregator.Stats().Late; late != 0 {
		t.Errorf("%d hits counted as late", late)
	}
	if closed {
		if err := m.Rollups.Check(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := m.Rollups.Derive(t.Context()); err != nil {
			t.Fatal(err)
		}
		if f := m.Rollups.Frontier(); !f.After(anchor) {
			t.Fatalf("rollup frontier %v: the plan's day %v is not rolled up", f, anchor)
		}
		for _, tbl := range []consentproxy.Table{consentproxy.TableGoals, consentproxy.TableFunnels} {
			name := store.RollupTable(tbl, store.Daily)
			res, err := m.Store.Query(t.Context(), "SELECT count() FROM "+name+" FINAL WHERE site = ? AND start = toDate(?)", siteA, anchor.Format(time.DateOnly))
			if err != nil || len(res.Rows) != 1 || res.Rows[0][0] == "0" {
				t.Fatalf("%s of %s: %v %v", name, anchor.Format(time.DateOnly), res, err)
			}
		}
	}
	return m, anchor
}

func collected(reqs []upstreamReq) int {
	n := 0
	for _, q := range reqs {
		if strings.HasPrefix(q.URI, "/g/collect") {
			n++
		}
	}
	return n
}

// checkTruth asks every query of truthQueries, each a subtest.
func checkTruth(t *testing.T, r *rig, anchor time.Time, visits []*truthVisit) {
	for _, tq := range truthQueries(visits, anchor) {
		t.Run(tq.name, func(t *testing.T) { checkQuery(t, r, anchor.Format(time.DateOnly), tq) })
	}
}

// checkQuery compares the API's rows with the expected ones, exactly.
func checkQuery(t *testing.T, r *rig, day string, tq truthQuery) {
	got := apiTruth(t, r, day, tq)
	want := tq.want.render(tq.metrics...)
	var lines []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			lines = append(lines, "missing "+k+": want "+w)
		} else if g != w {
			lines = append(lines, "row "+k+": got "+g+", want "+w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			lines = append(lines, "extra row "+k+": "+g)
		}
		for _, a := range tq.mustAbsent {
			if slices.Contains(strings.Split(k, "|"), a) {
				lines = append(lines, "row "+k+" must not be there")
			}
		}
	}
	slices.Sort(lines)
	if len(lines) > 0 {
		t.Errorf("%s: %d discrepancies (row: metrics %v):\n  %s\nquery: %s", tq.site, len(lines), tq.metrics, strings.Join(lines, "\n  "), tq.body(day))
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(want)) {
		b.WriteString("\n  " + k + ": " + want[k])
	}
	t.Logf("%s %v:%s", tq.site, tq.metrics, b.String())
}

// body is the query's JSON.
func (tq truthQuery) body(day string) string {
	q := map[string]any{"site": tq.site, "metrics": tq.metrics, "date_range": []string{day, day}, "timezone": "UTC", "limit": 10000}
	if tq.dims != nil {
		q["dimensions"] = tq.dims
	}
	if tq.filters != nil {
		q["filters"] = tq.filters
	}
	b, _ := json.Marshal(q)
	return string(b)
}

// apiTruth asks /api/v1/query and returns its rows as render does.
func apiTruth(t *testing.T, r *rig, day string, tq truthQuery) map[string]string {
	t.Helper()
	body := tq.body(day)
	auth := map[string]string{"Authorization": "Bearer " + apiToken, "Content-Type": "application/json"}
	status, resp, _ := r.client.do(http.MethodPost, "/api/v1/query", auth, body)
	if status != http.StatusOK {
		t.Fatalf("%s: %d %s\nquery: %s", tq.name, status, resp, body)
	}
	var res struct {
		Results []struct {
			Dimensions []string `json:"dimensions"`
			Metrics    []any    `json:"metrics"`
		} `json:"results"`
		Meta struct {
			SuppressedRows int `json:"suppressed_rows"`
		} `json:"meta"`
	}
	if err := json.Unmarshal([]byte(resp), &res); err != nil {
		t.Fatalf("%s: %v: %s", tq.name, err, resp)
	}
	if res.Meta.SuppressedRows != 0 {
		t.Errorf("%s: %d rows suppressed with --min-count 1", tq.name, res.Meta.SuppressedRows)
	}
	got := map[string]string{}
	for _, row := range res.Results {
		var cells []string
		for _, m := range row.Metrics {
			switch v := m.(type) {
			case nil:
				cells = append(cells, "null")
			case float64:
				cells = append(cells, strconv.FormatFloat(v, 'f', -1, 64))
			default:
				t.Fatalf("%s: metric %v (%T)", tq.name, m, m)
			}
		}
		k := strings.Join(row.Dimensions, "|")
		if _, dup := got[k]; dup {
			t.Errorf("%s: row %s twice", tq.name, k)
		}
		got[k] = strings.Join(cells, " ")
	}
	return got
}
