package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/clickhouse"
)

// siteSplit is the site of the visitor who reaches both proxies.
const siteSplit = "G-SPLIT01"

// testCluster is the 2-shard cluster of CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER
// ("NAME=DSN", the DSN naming every node) with one fresh database on it.
type testCluster struct {
	name, dsn string // dsn carries the database as its path
	db        string
	nodes     []string
	cfg       clickhouse.Config
}

// freshCluster prepares a database on the test cluster and drops it from
// every node (the cluster has no ZooKeeper, so nothing runs ON CLUSTER)
// when the test ends. Register it before the Mains, so they close first.
func freshCluster(t *testing.T) *testCluster {
	t.Helper()
	v := os.Getenv("CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER")
	if v == "" {
		need(t, "CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER is unset; run scripts/clickhouse-server.sh start-cluster .cache/chc test2 2 && export CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER=$(cat .cache/chc/cluster)")
	}
	name, dsn, ok := strings.Cut(v, "=")
	if !ok {
		t.Fatalf("CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER=%q: want NAME=DSN", v)
	}
	c := &testCluster{name: name, db: uniqueName(t, "cmdcluster_")}
	// The DSN lists hosts comma-separated, which url.URL cannot rebuild:
	// splice the database in as text.
	base, query, _ := strings.Cut(dsn, "?")
	scheme, rest, _ := strings.Cut(base, "://")
	hosts, _, _ := strings.Cut(rest, "/")
	c.dsn = scheme + "://" + hosts + "/" + c.db
	if query != "" {
		c.dsn += "?" + query
	}
	var err error
	if c.cfg, err = clickhouse.ParseDSN(c.dsn); err != nil {
		t.Fatalf("cluster DSN: %v", err)
	}
	c.nodes = c.cfg.Driver.Addr
	if len(c.nodes) < 2 {
		t.Fatalf("cluster DSN names %d nodes, want 2", len(c.nodes))
	}
	t.Cleanup(func() {
		ctx, cancel := testContext(30 * time.Second)
		defer cancel()
		for _, n := range c.nodes {
			if err := c.node(t, n).Exec(ctx, "DROP DATABASE IF EXISTS "+c.db); err != nil {
				t.Errorf("drop %s on %s: %v", c.db, n, err)
			}
		}
	})
	return c
}

// node is a plain connection to one node, without a default database, to
// look behind the Distributed tables.
func (c *testCluster) node(t testing.TB, addr string) ch.Conn {
	t.Helper()
	opts := *c.cfg.Driver
	opts.Addr = []string{addr}
	opts.Auth.Database = ""
	conn, err := ch.Open(&opts)
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// open opens the cluster store as an operator's query tool would: reads go
// through the Distributed tables.
func (c *testCluster) open(t testing.TB) consentproxy.Store {
	t.Helper()
	ctx, cancel := testContext(time.Minute)
	defer cancel()
	s, err := clickhouse.Open(ctx, c.dsn, store.Options{Cluster: c.name, LocalDDL: true})
	if err != nil {
		t.Fatalf("open cluster store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// shardOf is the residue that the Distributed insert table's sharding key,
// cityHash64(instance), gives instance on a cluster of equally weighted
// shards: different residues, different shards.
func (c *testCluster) shardOf(t testing.TB, instance string) uint64 {
	t.Helper()
	ctx, cancel := testContext(10 * time.Second)
	defer cancel()
	var r uint64
	if err := c.node(t, c.nodes[0]).QueryRow(ctx, "SELECT toUInt64(cityHash64(?) % ?)", instance, uint64(len(c.nodes))).Scan(&r); err != nil {
		t.Fatalf("cityHash64: %v", err)
	}
	return r
}

// stickyLB is a load balancer in front of several proxies, as an HTTP
// transport: it pins a visitor (X-Forwarded-For) to one proxy by hash and
// spreads everything else round robin.
type stickyLB struct {
	backends []string // host:port
	mu       sync.Mutex
	next     int
	collects []int // /g/collect requests per backend
}

func (lb *stickyLB) RoundTrip(req *http.Request) (*http.Response, error) {
	lb.mu.Lock()
	i := lb.next % len(lb.backends)
	if ip := req.Header.Get("X-Forwarded-For"); ip != "" {
		h := fnv.New32a()
		h.Write([]byte(ip))
		i = int(h.Sum32() % uint32(len(lb.backends)))
	} else {
		lb.next++
	}
	if req.URL.Path == "/g/collect" {
		lb.collects[i]++
	}
	lb.mu.Unlock()
	r := req.Clone(req.Context())
	r.URL.Host, r.Host = lb.backends[i], lb.backends[i]
	return http.DefaultTransport.RoundTrip(r)
}

// TestClusterTwoProxies runs two proxies (same --secret, own instance ids)
// on one 2-shard ClickHouse 18.16 cluster behind a sticky load balancer,
// sends the known mix across both and checks every table exactly through
// the Distributed tables. A visitor who reaches both proxies on one day
// counts once in visitors, though the proxies write to different shards;
// visits are per proxy (sessions live in each process's memory). Each
// proxy's API answers with the cluster-wide numbers.
func TestClusterTwoProxies(t *testing.T) {
	cl := freshCluster(t)
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte("tokens:\n  - name: test\n    token: "+apiToken+"\n    sites: ["+siteA+", "+siteSplit+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{
		"--store=" + cl.dsn,
		"--clickhouse-cluster=" + cl.name,
		"--clickhouse-replicated=false",
		"--clickhouse-distributed-ddl=false",
		"--secret=" + uniqueName(t, "cluster-secret-"),
		"--measurement-ids=" + siteA + "," + siteB + "," + siteSplit,
		"--api-tokens=@" + tokens,
		"--min-count=1", // the mix is small; suppression has its own tests
	}
	start := time.Now()
	m0 := runMain(t, args, nil)
	// The instances must land on different shards, or the cross-shard
	// merge of visitor states would go untested: restart the second proxy
	// until cityHash64(instance) puts it on the other shard (a coin flip).
	var m1 *Main
	try := 0
	for ; ; try++ {
		m1 = runMain(t, args, nil)
		if cl.shardOf(t, m1.Aggregator.Instance()) != cl.shardOf(t, m0.Aggregator.Instance()) {
			break
		}
		if try == 10 {
			t.Fatal("11 instances in a row hash to the first proxy's shard")
		}
		if err := rigOf(t, m1).close(t); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("two proxies up in %v (%d restarts of the second to reach the other shard)", time.Since(start).Round(time.Millisecond), try)
	mains := []*Main{m0, m1}
	flush := func() {
		t.Helper()
		for _, m := range mains {
			ctx, cancel := testContext(30 * time.Second)
			err := m.Flusher.Flush(ctx)
			cancel()
			if err != nil {
				t.Fatalf("flush: %v", err)
			}
			if st := m.Flusher.Stats(); st.WriteFailures != 0 || st.Spooled != 0 {
				t.Fatalf("flusher %+v: want no failures, nothing spooled\nlogs:\n%s", st, rigOf(t, m).logs.String())
			}
		}
	}

	// The known mix through the load balancer: each visitor sticks to one
	// proxy, consent cookies come from either.
	lb := &stickyLB{backends: []string{m0.Addr(), m1.Addr()}, collects: make([]int, 2)}
	c := newClient(t, "http://lb.invalid")
	c.hc.Transport = lb
	avoidMidnight(t, time.Minute)
	tm := sendMix(t, c)
	t.Logf("collect requests per proxy: %v", lb.collects)
	if lb.collects[0] == 0 || lb.collects[1] == 0 {
		t.Fatalf("the load balancer sent every hit to one proxy: %v", lb.collects)
	}
	flush()
	s := cl.open(t)
	checkTables(t, storeQuerier(s), wantMix, tm)

	// One visitor (same address, same browser, same day) through both
	// proxies, with a cookie the first one signed; a second visitor through
	// the second proxy only.
	c0, c1 := rigOf(t, m0).client, rigOf(t, m1).client
	cookie := c0.consent(true, false, siteSplit)
	x := browser{IP: "203.0.113.70", UA: uaChromeWin, Lang: "en", Country: "DE", Cookie: cookie}
	y := browser{IP: "203.0.113.71", UA: uaIPhone, Lang: "en", Country: "DE", Cookie: cookie}
	c0.mustCollect(x, hit(siteSplit, "cid-x.1", "page_view", "https://split.example/both"))
	c1.mustCollect(x, hit(siteSplit, "cid-x.1", "page_view", "https://split.example/both"))
	c1.mustCollect(y, hit(siteSplit, "cid-y.1", "page_view", "https://split.example/both"))
	flush()

	where := " FINAL WHERE site = '" + siteSplit + "'"
	got := storeQuerier(s)(t, []string{
		"SELECT sum(pageviews) AS pv, sum(visits) AS vi, uniqArrayMerge(visitors) AS u FROM totals" + where,
		"SELECT path, sum(pageviews) AS pv, uniqArrayMerge(visitors) AS u FROM pages" + where + " GROUP BY path",
		"SELECT reason, sum(hits) AS h FROM outcomes" + where + " GROUP BY reason",
	})
	// 3 pageviews; 3 visits (x has one on each proxy); 2 visitors, not 3.
	// All forwarded: the second proxy accepted the first one's cookie.
	for i, want := range []string{"3|3|2", "/both|3|2", "forwarded|3"} {
		if g := joinRows(got[i].Rows); g != want {
			t.Errorf("split visitor, %v: %q, want %q", got[i].Columns, g, want)
		}
	}
	// Each shard holds one proxy's rows of that visitor: the uniq states
	// were merged across shards, not within one.
	ctx, cancel := testContext(30 * time.Second)
	defer cancel()
	seen := map[string]string{}
	for _, n := range cl.nodes {
		rows, err := cl.node(t, n).Query(ctx, "SELECT DISTINCT instance FROM "+cl.db+".totals_local WHERE site = ?", siteSplit)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		var inst []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			inst = append(inst, s)
			seen[s] = n
		}
		rows.Close()
		if len(inst) != 1 {
			t.Errorf("shard %s holds the split visitor's rows of %d instances %v, want 1", n, len(inst), inst)
		}
	}
	for _, m := range mains {
		if seen[m.Aggregator.Instance()] == "" {
			t.Errorf("no shard holds rows of instance %s", m.Aggregator.Instance())
		}
	}

	// Either proxy's API answers with the cluster's numbers.
	pages := `{"site":"` + siteA + `","metrics":["pageviews","visitors"],"dimensions":["page"],"date_range":"today","timezone":"UTC","order_by":[["pageviews","desc"],["page","asc"]]}`
	split := `{"site":"` + siteSplit + `","metrics":["visitors","pageviews","visits"],"date_range":"today","timezone":"UTC"}`
	want := []string{
		"/pricing=3,3 /=1,1 /blog/post-1=1,1 /signup=1,1", // wantMix's pages of siteA
		"=2,3,3",
	}
	var answers [2][]string
	for i, c := range []*client{c0, c1} {
		for j, q := range []string{pages, split} {
			a := apiRows(t, c, q)
			answers[i] = append(answers[i], a)
			if a != want[j] {
				t.Errorf("proxy %d API %s: %s, want %s", i, q, a, want[j])
			}
		}
	}
	if strings.Join(answers[0], ";") != strings.Join(answers[1], ";") {
		t.Errorf("the proxies' APIs disagree: %v vs %v", answers[0], answers[1])
	}
	if el := time.Since(start); el > time.Minute {
		t.Errorf("took %v, the budget is 60s", el)
	}
}

// apiRows posts query to /api/v1/query and returns its rows as
// "dims=metric,metric …".
func apiRows(t testing.TB, c *client, query string) string {
	t.Helper()
	h := map[string]string{"Authorization": "Bearer " + apiToken, "Content-Type": "application/json"}
	status, body, _ := c.do(http.MethodPost, "/api/v1/query", h, query)
	if status != http.StatusOK {
		t.Fatalf("query %s: %d %s", query, status, body)
	}
	var res struct {
		Results []struct {
			Dimensions []string  `json:"dimensions"`
			Metrics    []float64 `json:"metrics"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	var rows []string
	for _, r := range res.Results {
		ms := make([]string, len(r.Metrics))
		for i, m := range r.Metrics {
			ms[i] = fmt.Sprint(m)
		}
		rows = append(rows, strings.Join(r.Dimensions, ",")+"="+strings.Join(ms, ","))
	}
	return strings.Join(rows, " ")
}
