package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/clickhouse"
	"github.com/consentproxy/consentproxy/store/storetest"
)

// zooKeeperJar is Debian's ZooKeeper; its manifest names every dependency.
const zooKeeperJar = "/usr/share/java/zookeeper.jar"

// startZooKeeper runs a standalone ZooKeeper of this test alone on a
// loopback port and returns its address.
func startZooKeeper(t *testing.T) string {
	t.Helper()
	java, err := exec.LookPath("java")
	if _, serr := os.Stat(zooKeeperJar); serr != nil || err != nil {
		need(t, "ZooKeeper is not installed; run apt-get install -y --no-install-recommends zookeeper")
	}
	dir := t.TempDir()
	addr := canaryFreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	cfg := filepath.Join(dir, "zoo.cfg")
	conf := "tickTime=500\ndataDir=" + filepath.Join(dir, "data") + "\nclientPort=" + port +
		"\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n4lw.commands.whitelist=ruok\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, "zookeeper.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(java, "-Xmx256m", "-cp", zooKeeperJar, "org.apache.zookeeper.server.ZooKeeperServerMain", cfg)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start zookeeper: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	eventually(t, 30*time.Second, "ZooKeeper to answer ruok", func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return false
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(time.Second))
		c.Write([]byte("ruok"))
		b := make([]byte, 4)
		n, _ := c.Read(b)
		return string(b[:n]) == "imok"
	})
	return addr
}

// startReplicatedCluster starts n ClickHouse servers forming cluster name
// of one shard with n replicas, coordinated by the ZooKeeper at zk, and
// returns its "NAME=DSN" value and the nodes. scripts/clickhouse-server.sh
// makes the nodes; they are then restarted with replicas instead of shards.
func startReplicatedCluster(t *testing.T, zk, name string, n int) (string, []*privateServer) {
	t.Helper()
	bin := os.Getenv("CLICKHOUSE_SERVER_BIN")
	if bin == "" {
		bin = "/usr/sbin/clickhouse-server"
		if p, err := exec.LookPath("clickhouse-server"); err == nil {
			bin = p
		}
	}
	if _, err := os.Stat(bin); err != nil {
		need(t, "clickhouse-server is not installed; run apt-get install -y clickhouse-server clickhouse-client")
	}
	script := filepath.Join(repoRoot(t), "scripts", "clickhouse-server.sh")
	dir := filepath.Join(t.TempDir(), "ch")
	if out, err := exec.Command(script, "start-cluster", dir, name, fmt.Sprint(n)).CombinedOutput(); err != nil {
		t.Fatalf("%s start-cluster: %v\n%s", script, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
			t.Errorf("%s stop: %v\n%s", script, err, out)
		}
	})
	if out, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
		t.Fatalf("%s stop: %v\n%s", script, err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "cluster"))
	if err != nil {
		t.Fatal(err)
	}
	env := strings.TrimSpace(string(b))
	_, dsn, _ := strings.Cut(env, "=")
	cfg, err := clickhouse.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	zkHost, zkPort, _ := net.SplitHostPort(zk)
	var remote strings.Builder
	remote.WriteString("<yandex><remote_servers><" + name + "><shard><internal_replication>true</internal_replication>")
	for _, a := range cfg.Driver.Addr {
		h, p, _ := net.SplitHostPort(a)
		fmt.Fprintf(&remote, "<replica><host>%s</host><port>%s</port><user>%s</user><password>%s</password></replica>",
			h, p, cfg.Driver.Auth.Username, cfg.Driver.Auth.Password)
	}
	remote.WriteString("</shard></" + name + "></remote_servers></yandex>\n")
	var nodes []*privateServer
	for i, a := range cfg.Driver.Addr {
		s := &privateServer{dir: filepath.Join(dir, fmt.Sprintf("node%d", i+1)), addr: a, bin: bin}
		files := map[string]string{
			"remote_servers.xml": remote.String(),
			"macros.xml":         fmt.Sprintf("<yandex><macros><shard>01</shard><replica>node%d</replica></macros></yandex>\n", i+1),
			"zookeeper.xml": "<yandex><zookeeper><node><host>" + zkHost + "</host><port>" + zkPort +
				"</port></node><session_timeout_ms>10000</session_timeout_ms></zookeeper></yandex>\n",
		}
		for f, content := range files {
			if err := os.WriteFile(filepath.Join(s.dir, "etc", "config.d", f), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		s.restart(t)
		nodes = append(nodes, s)
	}
	// 18.16 segfaults (zkutil::ZooKeeper::createImpl) when the first ON
	// CLUSTER query comes before its DDL worker has created the queue in a
	// fresh ZooKeeper (2 runs in 8): wait for the queue on every node.
	for _, s := range nodes {
		opts := *cfg.Driver
		opts.Addr = []string{s.addr}
		conn, err := ch.Open(&opts)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, 30*time.Second, s.addr+" to see the DDL queue in ZooKeeper", func() bool {
			ctx, cancel := testContext(5 * time.Second)
			defer cancel()
			var n uint64
			err := conn.QueryRow(ctx, "SELECT count() FROM system.zookeeper WHERE path = '/clickhouse/task_queue' AND name = 'ddl'").Scan(&n)
			return err == nil && n == 1
		})
		conn.Close()
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for _, s := range nodes {
			b, _ := os.ReadFile(filepath.Join(s.dir, "log", "clickhouse-server.err.log"))
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("%s error log (tail):\n%s", s.addr, b)
		}
	})
	return env, nodes
}

// TestClusterReplicated: two proxies on one shard of two replicas, with
// the production settings (--clickhouse-replicated and distributed DDL, both
// defaults), ZooKeeper coordinating. The known mix comes out exact through
// the Distributed tables, both replicas hold the same rows, a replica killed
// with SIGKILL costs nothing (writes and reads go to the other), and once
// it is back it catches up.
func TestClusterReplicated(t *testing.T) {
	start := time.Now()
	zk := startZooKeeper(t)
	env, nodes := startReplicatedCluster(t, zk, "consentproxy_repl", 2)
	t.Setenv("CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER", env)
	cl := freshCluster(t) // reads the variable just set; drops on every node
	args := []string{
		"--store=" + cl.dsn,
		"--clickhouse-cluster=" + cl.name,
		"--secret=" + uniqueName(t, "replicated-secret-"),
		"--measurement-ids=" + siteA + "," + siteB + "," + siteSplit,
	}
	// An installation of the previous release upgrades on Replicated
	// storage too, where the Null and Distributed tables are made again.
	t.Run("Upgrade", func(t *testing.T) {
		storetest.Upgrade(t, func(t *testing.T, o store.Options) (consentproxy.Store, store.Engine, error) {
			o.Cluster, o.Replicated = cl.name, true
			ctx, cancel := testContext(2 * time.Minute)
			defer cancel()
			s, err := clickhouse.Open(ctx, cl.dsn, o)
			if err != nil {
				return nil, nil, err
			}
			t.Cleanup(func() {
				ctx, cancel := testContext(time.Minute)
				defer cancel()
				_ = s.Engine().Exec(ctx, "DROP DATABASE IF EXISTS "+o.Database+" ON CLUSTER "+cl.name)
				s.Close()
			})
			return s, s.Engine(), nil
		})
	})
	// Retention drops partitions of Replicated tables on each shard (an
	// ALTER … ON CLUSTER of one races between the replicas in 18.16).
	t.Run("Retention", func(t *testing.T) {
		o := store.Options{Database: uniqueName(t, "cpret_"), Cluster: cl.name, Replicated: true}
		ctx, cancel := testContext(2 * time.Minute)
		defer cancel()
		s, err := clickhouse.Open(ctx, cl.dsn, o)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := testContext(time.Minute)
			defer cancel()
			_ = s.Engine().Exec(ctx, "DROP DATABASE IF EXISTS "+o.Database+" ON CLUSTER "+cl.name)
			s.Close()
		})
		storetest.Retention(t, s)
	})
	m0 := runMain(t, args, nil) // migrates: DDL ON CLUSTER through ZooKeeper
	t.Logf("ZooKeeper, 2 replicas and the first proxy (migrating) up in %v", time.Since(start).Round(time.Millisecond))
	m1 := runMain(t, args, nil)
	mains := []*Main{m0, m1}
	flush := func() {
		t.Helper()
		for _, m := range mains {
			// A write may meet a pooled connection to a killed replica; the
			// flusher keeps the batch and the next attempt goes elsewhere.
			eventually(t, 30*time.Second, "a flush to succeed", func() bool {
				ctx, cancel := testContext(10 * time.Second)
				defer cancel()
				return m.Flusher.Flush(ctx) == nil
			})
		}
	}
	ctx, cancel := testContext(time.Minute)
	defer cancel()
	s, err := clickhouse.Open(ctx, cl.dsn, store.Options{Cluster: cl.name, Replicated: true})
	if err != nil {
		t.Fatalf("open replicated store: %v", err)
	}
	defer s.Close()
	// same reports whether every replica's local totals equal want.
	same := func(want string) func() bool {
		return func() bool {
			for _, n := range nodes {
				var pv, ev, h int64
				err := cl.node(t, n.addr).QueryRow(ctx, "SELECT toInt64(sum(pageviews)), toInt64(sum(events)), toInt64(sum(hits)) FROM "+
					cl.db+".totals_local FINAL").Scan(&pv, &ev, &h)
				if err != nil || fmt.Sprintf("%d|%d|%d", pv, ev, h) != want {
					return false
				}
			}
			return true
		}
	}

	lb := &stickyLB{backends: []string{m0.Addr(), m1.Addr()}, collects: make([]int, 2)}
	c := newClient(t, "http://lb.invalid")
	c.hc.Transport = lb
	avoidMidnight(t, 2*time.Minute)
	tm := sendMix(t, c)
	flush()
	checkTables(t, storeQuerier(s), wantMix, tm)
	eventually(t, 30*time.Second, "both replicas to hold the mix", same("7|9|0"))

	// The DSN's first node dies: the driver fails over to the second, whose
	// Distributed tables write and read its own replica. Nothing is lost.
	nodes[0].kill(t)
	c0, c1 := rigOf(t, m0).client, rigOf(t, m1).client
	cookie := c0.consent(true, false, siteSplit)
	x := browser{IP: "203.0.113.70", UA: uaChromeWin, Lang: "en", Country: "DE", Cookie: cookie}
	c0.mustCollect(x, hit(siteSplit, "cid-x.1", "page_view", "https://split.example/both"))
	c1.mustCollect(x, hit(siteSplit, "cid-x.1", "page_view", "https://split.example/both"))
	flush()
	read := func(what string) {
		t.Helper()
		q := "SELECT sum(pageviews) AS pv, uniqArrayMerge(visitors) AS u FROM totals FINAL WHERE site = '" + siteSplit + "'"
		var got string
		eventually(t, 30*time.Second, what, func() bool {
			qctx, qcancel := testContext(10 * time.Second)
			defer qcancel()
			res, err := s.Query(qctx, q)
			got = joinRows(res.Rows)
			return err == nil && got == "2|1"
		})
	}
	read("exact reads with the first replica down")

	// It comes back and catches up from the replication log; then the
	// other replica dies, and the one that caught up answers for both.
	nodes[0].restart(t)
	eventually(t, 60*time.Second, "the restarted replica to catch up", same("9|11|0"))
	nodes[1].kill(t)
	read("exact reads from the replica that caught up")
	// The mix's outcomes with the split site's in ClickHouse's order
	// (after G-OTHER99).
	outcomes := slices.Insert(slices.Clone(wantMix["outcomes"]), 2, "G-SPLIT01|forwarded|2|0|0|0|0|0")
	checkSome(t, storeQuerier(s), map[string][]string{"outcomes": outcomes, "filtered": wantMix["filtered"]})
	// Both up again, so that the database can be dropped everywhere.
	nodes[1].restart(t)
	t.Logf("done in %v", time.Since(start).Round(time.Millisecond))
}
