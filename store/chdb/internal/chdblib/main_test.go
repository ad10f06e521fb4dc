package chdblib

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

// testDir is the one storage directory of this test process: chDB runs a
// single directory per process, so tests share it and isolate by database.
var testDir string

func TestMain(m *testing.M) {
	if child := os.Getenv(childEnv); child != "" {
		os.Exit(runChild(child))
	}
	dir, err := os.MkdirTemp("", "chdblib-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	testDir = dir
	code := m.Run()
	if err := Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "shutdown:", err)
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireLib loads the library or ends the test: a failure in CI (where the
// setup step must have run), a skip naming the setup command elsewhere.
func requireLib(t testing.TB) {
	t.Helper()
	err := Load()
	if err == nil {
		return
	}
	if errors.Is(err, ErrLibraryMissing) && os.Getenv("CI") != "true" {
		t.Skipf("chDB library not installed; run %s: %v", SetupCommand, err)
	}
	t.Fatalf("chDB library: %v", err)
}
