// Package chdblib is a small, lazy binding of libchdb (embedded ClickHouse)
// over purego, without cgo.
//
// It exists instead of github.com/chdb-io/chdb-go because that package
// dlopens the 566 MB library in its init() and panics when it is absent, so
// merely linking it would make every consentproxy binary — including
// server-only deployments — depend on the library. Here nothing happens until
// the embedded store is actually opened, and a missing library is an error
// that names the setup command.
package chdblib

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// SetupCommand is what a user runs to obtain the library.
const SetupCommand = "scripts/fetch-chdb.sh"

// ErrLibraryMissing reports that libchdb.so could not be found. Callers test
// for it with errors.Is to tell "not installed" from "broken".
var ErrLibraryMissing = errors.New("libchdb.so not found")

// Environment variables, shared with scripts/fetch-chdb.sh.
const (
	// EnvLib names the library file directly; it wins over every default.
	EnvLib = "CONSENTPROXY_CHDB_LIB"
	// EnvDir is the cache directory the fetch script writes to (default
	// .cache/chdb under the repository root).
	EnvDir = "CONSENTPROXY_CHDB_DIR"
)

const (
	defaultCacheDir = ".cache/chdb"
	libName         = "libchdb.so"
)

// The C entry points. Pointers stay unsafe.Pointer so that no uintptr ever
// round-trips into a pointer (go vet's unsafeptr check), and strings coming
// back are copied by purego.
var (
	cVersion        func() string
	cSetSignals     func(enabled int32)
	cConnect        func(argc int32, argv unsafe.Pointer) unsafe.Pointer
	cCloseConn      func(conn unsafe.Pointer)
	cQueryN         func(conn, q unsafe.Pointer, qlen uintptr, f unsafe.Pointer, flen uintptr) unsafe.Pointer
	cResultBuffer   func(res unsafe.Pointer) unsafe.Pointer
	cResultLength   func(res unsafe.Pointer) uintptr
	cResultError    func(res unsafe.Pointer) string
	cResultRowsRead func(res unsafe.Pointer) uint64
	cDestroyResult  func(res unsafe.Pointer)
	// cClassify is optional: chdb_classify_query_n arrived in 26.7.2.
	cClassify func(conn, q unsafe.Pointer, qlen uintptr, db unsafe.Pointer, dblen uintptr, out unsafe.Pointer) int32
)

var (
	loadMu     sync.Mutex
	loadedPath string
	// restoredSignals lists signals whose Go handlers a chDB call changed
	// and we put back (see guardSignals); reported by the tests.
	restoredSignals []string
)

// Locate returns the library path to load: $CONSENTPROXY_CHDB_LIB if set,
// else the fetch script's cache directory searched from the working
// directory and from the executable's directory upwards (so tests in any
// package, `go run` and a built binary next to the repo all find it). The
// error lists every place looked at.
func Locate() (string, error) {
	if p := os.Getenv(EnvLib); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v; run %s (or make setup) or fix the variable",
				ErrLibraryMissing, EnvLib, p, err, SetupCommand)
		}
		return p, nil
	}
	var tried []string
	for _, c := range candidates() {
		tried = append(tried, c)
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w (looked in %s); run %s (or make setup) to download it, or set %s to its path",
		ErrLibraryMissing, strings.Join(tried, ", "), SetupCommand, EnvLib)
}

func candidates() []string {
	dir := defaultCacheDir
	if d := os.Getenv(EnvDir); d != "" {
		if filepath.IsAbs(d) {
			return []string{filepath.Join(d, libName)}
		}
		dir = d
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range starts {
		for d := s; ; d = filepath.Dir(d) {
			c := filepath.Join(d, dir, libName)
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return out
}

// Load dlopens the library once per process. A failed load is not
// remembered, so fetching the library and retrying works without a restart.
func Load() error {
	loadMu.Lock()
	defer loadMu.Unlock()
	if loadedPath != "" {
		return nil
	}
	path, err := Locate()
	if err != nil {
		return err
	}
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return fmt.Errorf("load %s: %w (re-run %s --verify to check the file)", path, err, SetupCommand)
	}
	syms := []struct {
		fn       any
		name     string
		optional bool
	}{
		{&cVersion, "chdb_version", false},
		{&cSetSignals, "chdb_set_signal_handlers_enabled", false},
		{&cConnect, "chdb_connect", false},
		{&cCloseConn, "chdb_close_conn", false},
		{&cQueryN, "chdb_query_n", false},
		{&cResultBuffer, "chdb_result_buffer", false},
		{&cResultLength, "chdb_result_length", false},
		{&cResultError, "chdb_result_error", false},
		{&cResultRowsRead, "chdb_result_rows_read", false},
		{&cDestroyResult, "chdb_destroy_query_result", false},
		{&cClassify, "chdb_classify_query_n", true},
	}
	for _, s := range syms {
		addr, err := purego.Dlsym(h, s.name)
		if err != nil {
			if s.optional {
				continue
			}
			// purego would panic in RegisterLibFunc; an old or foreign
			// library must be an error instead.
			return fmt.Errorf("load %s: symbol %s missing (need chDB >= 26.3; run %s): %w", path, s.name, SetupCommand, err)
		}
		purego.RegisterFunc(s.fn, addr)
	}
	// ClickHouse installs handlers for SIGSEGV & co. on connect; with them a
	// Go nil dereference after connecting hangs the process instead of
	// panicking. The opt-out must come before the first chdb_connect, and
	// older builds reset the host's handlers as a side effect, so ours are
	// put back around the call (see signals_linux.go).
	restoredSignals = append(restoredSignals, guardSignals(func() { cSetSignals(0) })...)
	loadedPath = path
	return nil
}

// Path is the loaded library's path ("" before Load succeeds).
func Path() string {
	loadMu.Lock()
	defer loadMu.Unlock()
	return loadedPath
}

// Version is chdb_version(): the chDB release, not the ClickHouse version.
func Version() (string, error) {
	if err := Load(); err != nil {
		return "", err
	}
	return cVersion(), nil
}
