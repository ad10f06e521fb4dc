package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildDir holds the binary built for this run; TestMain removes it.
var buildDir string

func TestMain(m *testing.M) {
	var err error
	buildDir, err = os.MkdirTemp("", "consentproxy-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(buildDir)
	os.Exit(code)
}

// missing skips a test whose dependency is absent, or fails it in CI, where
// a skipped browser test would pass silently.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...) + " (run scripts/setup.sh)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// chromiumPath finds Debian's chromium, or $CONSENTPROXY_CHROMIUM.
func chromiumPath(t testing.TB) string { return browserPath(t, "CONSENTPROXY_CHROMIUM", "chromium") }

// browserPath finds the browser named by the environment variable env, or
// the program name on $PATH; missing either way, the test skips (fails in CI).
func browserPath(t testing.TB, env, name string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			missing(t, "%s=%s: %v", env, p, err)
		}
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "%s is not installed", name)
	}
	return p
}

// repoRoot is the module root: the tests run in e2e/.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above e2e/: %v", err)
	}
	return root
}

// axeSource returns axe-core's axe.min.js from .cache/axe (or $CONSENTPROXY_AXE).
func axeSource(t testing.TB) string {
	t.Helper()
	p := os.Getenv("CONSENTPROXY_AXE")
	if p == "" {
		p = filepath.Join(repoRoot(t), ".cache", "axe", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		missing(t, "axe-core not found: %v", err)
	}
	return string(b)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildTook time.Duration
)

// proxyBinary builds ./cmd/consentproxy once per test run, the first time a
// test needs it, so runs where every test skips build nothing.
// $CONSENTPROXY_E2E_BIN names a prebuilt binary instead.
func proxyBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CONSENTPROXY_E2E_BIN"); p != "" {
		return p // a binary built elsewhere, e.g. by CI's build step
	}
	root := repoRoot(t)
	buildOnce.Do(func() {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		binPath = filepath.Join(buildDir, "consentproxy")
		cmd := exec.CommandContext(ctx, goTool(), "build", "-o", binPath, "./cmd/consentproxy")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/consentproxy: %w\n%s", err, out)
		}
		buildTook = time.Since(start)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// goTool is the go command running the tests: go test puts its GOROOT/bin
// first on PATH.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

// screenshotDir is $CONSENTPROXY_SCREENSHOTS, created if needed, or a
// temporary directory that lives as long as the test.
func screenshotDir(t testing.TB) string {
	t.Helper()
	dir := strings.TrimSpace(os.Getenv("CONSENTPROXY_SCREENSHOTS"))
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot dir: %v", err)
	}
	return dir
}
