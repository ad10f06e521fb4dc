// Command bench measures consentproxy against nginx as a plain proxy_pass on
// the same machine, in one run, with the same hit mix: requests/s, latency,
// hits delivered to a stub Google, peak memory and CPU per hit.
//
// Run it with `make bench` (which installs nginx and wrk first) or, with
// those installed, `go run ./bench`. See -help for the knobs; -long adds the
// memory run (RSS as hits grow, from 100k visitors).
//
// Why the hit mix matters: a benchmark of one repeated consented hit would
// measure a cache. The mix has thousands of distinct pages, user agents and
// visitor addresses, every consent state the proxy decides on, and bots.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

type options struct {
	targets      []string
	runs         int
	duration     time.Duration
	warmup       time.Duration
	threads      int
	connections  int
	templates    int
	visitors     int
	long         bool
	longHits     []int64
	out          string
	keep         bool
	profile      string
	proxyArgs    []string
	profileStore string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var o options
	var targets, longHits string
	flag.StringVar(&targets, "targets", "nginx,server,chdb", "targets in order: nginx, server (ClickHouse server store), chdb (embedded store), none (no store)")
	flag.IntVar(&o.runs, "runs", 3, "measurements per target; the table shows medians")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of one measurement")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "load before each measurement (caches, connections)")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.IntVar(&o.connections, "connections", 64, "wrk connections")
	flag.IntVar(&o.templates, "templates", 5000, "distinct hits in the mix")
	flag.IntVar(&o.visitors, "visitors", 20000, "distinct visitor addresses in the mix")
	flag.BoolVar(&o.long, "long", false, "also run the memory run: RSS of consentproxy (server store) as hits grow, 100k visitors")
	flag.StringVar(&longHits, "long-hits", "1000000,2000000,3000000", "hit counts at which the memory run reads RSS")
	flag.StringVar(&o.out, "out", ".cache/bench", "directory for the result tables and raw runs")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (configs, logs, data)")
	var proxyArgs string
	flag.StringVar(&proxyArgs, "proxy-args", "", "extra consentproxy flags, space-separated (e.g. \"--forward-workers 64\")")
	flag.StringVar(&o.profile, "profile", "", "instead of the comparison, profile the hot path in-process under the same load; profiles go to this directory")
	flag.StringVar(&o.profileStore, "profile-store", "", "with -profile: a clickhouse:// DSN to flush to (default: no store)")
	flag.Parse()
	o.targets = splitList(targets)
	o.proxyArgs = strings.Fields(proxyArgs)
	for _, s := range splitList(longHits) {
		var n int64
		if _, err := fmt.Sscan(s, &n); err != nil || n <= 0 {
			return fmt.Errorf("-long-hits: %q is not a positive count", s)
		}
		o.longHits = append(o.longHits, n)
	}
	if o.runs < 1 || o.threads < 1 || o.connections < o.threads {
		return errors.New("-runs, -threads must be positive and -connections at least -threads")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, err := newHarness(ctx, o)
	if err != nil {
		return err
	}
	defer h.close()
	if o.profile != "" {
		return h.profileRun(ctx, o.profile)
	}
	return h.run(ctx)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// harness owns everything a run starts: the temp dir, the stub, the
// ClickHouse server, the consentproxy binary.
type harness struct {
	o       options
	root    string // repository root
	tmp     string
	out     string
	stub    *stub
	secret  string
	bin     string
	chDir   string // clickhouse-server instance dir, when started
	chDSN   string
	nginx   string
	wrk     string
	sites   []string
	host    string
	mixData string
	started time.Time
}

func newHarness(ctx context.Context, o options) (*harness, error) {
	h := &harness{o: o, sites: []string{"G-BENCH0001", "G-BENCH0002"}, host: "shop.example", started: time.Now()}
	var err error
	if h.root, err = repoRoot(); err != nil {
		return nil, err
	}
	if h.wrk, err = exec.LookPath("wrk"); err != nil {
		return nil, errors.New("wrk not found: run `scripts/setup.sh bench` (apt-get install wrk nginx)")
	}
	for _, t := range o.targets {
		if o.profile != "" {
			break
		}
		switch t {
		case "nginx":
			if h.nginx, err = lookNginx(); err != nil {
				return nil, err
			}
		case "server", "chdb", "none":
		default:
			return nil, fmt.Errorf("unknown target %q (nginx, server, chdb, none)", t)
		}
	}
	h.out = o.out
	if !filepath.IsAbs(h.out) {
		h.out = filepath.Join(h.root, h.out)
	}
	if err := os.MkdirAll(h.out, 0o755); err != nil {
		return nil, err
	}
	if h.tmp, err = os.MkdirTemp("", "consentproxy-bench-"); err != nil {
		return nil, err
	}
	// nginx's workers drop root privileges when the master has them; they
	// must still reach the generated paths.
	if err := os.Chmod(h.tmp, 0o755); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			h.close()
		}
	}()
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return nil, err
	}
	h.secret = hex.EncodeToString(key[:])
	if err := os.WriteFile(filepath.Join(h.tmp, "secret"), []byte(h.secret+"\n"), 0o600); err != nil {
		return nil, err
	}
	if h.stub, err = startStub(); err != nil {
		return nil, fmt.Errorf("stub upstream: %w", err)
	}
	if h.needsProxy() {
		h.bin = filepath.Join(h.tmp, "consentproxy")
		logf("building consentproxy")
		build := exec.CommandContext(ctx, "go", "build", "-o", h.bin, "./cmd/consentproxy")
		build.Dir, build.Stdout, build.Stderr = h.root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("go build: %w", err)
		}
	}
	ok = true
	return h, nil
}

func (h *harness) needsProxy() bool {
	if h.o.profile != "" {
		return false
	}
	for _, t := range h.o.targets {
		if t != "nginx" {
			return true
		}
	}
	return h.o.long
}

func lookNginx() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", errors.New("nginx not found: run `scripts/setup.sh bench` (apt-get install nginx wrk)")
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/consentproxy/consentproxy\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the consentproxy repository")
		}
		dir = parent
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// startClickHouse starts a private ClickHouse server for the server-store
// target, once per harness run.
func (h *harness) startClickHouse(ctx context.Context) error {
	if h.chDSN != "" {
		return nil
	}
	dir := filepath.Join(h.tmp, "clickhouse")
	logf("starting clickhouse-server")
	// The script picks free ports at random; on a busy machine one may be
	// taken before the server binds it, so a failed start is tried again.
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		if err = os.RemoveAll(dir); err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, filepath.Join(h.root, "scripts/clickhouse-server.sh"), "start", dir)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err = cmd.Run(); err == nil {
			break
		}
		logf("clickhouse-server start %d/3 failed: %v", attempt, err)
	}
	if err != nil {
		return fmt.Errorf("clickhouse-server: %w", err)
	}
	h.chDir = dir
	b, err := os.ReadFile(filepath.Join(dir, "dsn"))
	if err != nil {
		return err
	}
	h.chDSN = strings.TrimSpace(string(b))
	return nil
}

func (h *harness) close() {
	if h.stub != nil {
		h.stub.close()
	}
	if h.chDir != "" {
		cmd := exec.Command(filepath.Join(h.root, "scripts/clickhouse-server.sh"), "stop", h.chDir)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			logf("stopping clickhouse-server: %v", err)
		}
		h.chDir = ""
	}
	if h.tmp != "" {
		if h.o.keep {
			logf("kept %s", h.tmp)
		} else if err := os.RemoveAll(h.tmp); err != nil {
			logf("removing %s: %v", h.tmp, err)
		}
		h.tmp = ""
	}
}

// newTarget makes target name, its directory fresh for every run.
func (h *harness) newTarget(ctx context.Context, name string, run int) (target, error) {
	dir := filepath.Join(h.tmp, fmt.Sprintf("%s-%d", name, run))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cp := &consentProxy{name: "consentproxy/" + name, bin: h.bin, dir: dir, upstream: h.stub.addr(),
		secretFile: filepath.Join(h.tmp, "secret"), site: strings.Join(h.sites, ","), args: h.o.proxyArgs}
	switch name {
	case "nginx":
		return &nginx{bin: h.nginx, dir: dir, upstream: h.stub.addr()}, nil
	case "server":
		if err := h.startClickHouse(ctx); err != nil {
			return nil, err
		}
		cp.store = h.chDSN
		return cp, nil
	case "none":
		cp.store = "none"
		return cp, nil
	case "chdb":
		lib := os.Getenv("CONSENTPROXY_CHDB_LIB")
		if lib == "" {
			lib = filepath.Join(h.root, ".cache/chdb/libchdb.so")
		}
		if _, err := os.Stat(lib); err != nil {
			return nil, fmt.Errorf("chDB library missing (%s): run scripts/setup.sh chdb", lib)
		}
		cp.env = []string{"CONSENTPROXY_CHDB_LIB=" + lib}
		cp.store = "chdb://" + filepath.Join(dir, "chdb")
		return cp, nil
	}
	return nil, fmt.Errorf("unknown target %q", name)
}
