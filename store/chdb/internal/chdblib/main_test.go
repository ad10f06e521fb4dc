package chdblib

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

// testDir is the one storage directory of this test process: chDB runs a
// single directory per process, so tests share it and isolate by database.
var testDir string

func TestMain(m *testing.M) {
	if child := os.Getenv(childEnv); child != "" {
		exit(runChild(child))
	}
	dir, err := os.MkdirTemp("", "chdblib-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		exit(2)
	}
	testDir = dir
	code := m.Run()
	if err := Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "shutdown:", err)
	}
	os.RemoveAll(dir)
	exit(code)
}

// exit leaves the process the way a production binary does (exit_group).
// os.Exit would, under -race, run libc's exit(), whose atexit handlers tear
// chDB down while its threads still run: a crash after every test passed,
// in about one run of four. Data races still fail the test that saw them.
func exit(code int) { syscall.Exit(code) }

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
