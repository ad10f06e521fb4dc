package chdblib

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"unsafe"
)

// The engine is process-wide. chDB boots one ClickHouse instance per process
// for one storage path: several connections may share that path, but a
// different path needs every connection closed first, which shuts the engine
// down and boots a new one — and chDB's own header warns that doing so
// repeatedly corrupts the allocator on some platforms. So the first Connect
// also opens a "keeper" connection that is never closed by Conn.Close: the
// engine stays up for the life of the process (or until Shutdown), stores can
// be opened, closed and reopened freely, and tests isolate themselves with a
// database per test instead of a directory per test.
var engine struct {
	mu     sync.Mutex
	path   string         // storage path the running engine booted with
	keeper unsafe.Pointer // chdb_connection*; nil when no engine runs
	open   int            // Conns not yet closed
}

// ErrOtherPath is returned when a Conn asks for a storage path other than the
// one the process's engine runs on while that engine is in use.
var ErrOtherPath = errors.New("chDB runs one storage path per process")

// Conn is one chDB connection. It is safe for concurrent use: chDB runs one
// statement at a time per connection, so calls are serialized.
type Conn struct {
	mu   sync.Mutex
	conn unsafe.Pointer // chdb_connection*; nil once closed
	path string
}

// Connect opens a connection to the engine storing its data under path (a
// directory, created if needed). settings are extra "--name=value"
// arguments; query-level settings apply to this connection only.
func Connect(path string, settings ...string) (*Conn, error) {
	if err := Load(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("chdb path %q: %w", path, err)
	}
	engine.mu.Lock()
	defer engine.mu.Unlock()
	if engine.keeper != nil && engine.path != abs {
		if engine.open > 0 {
			return nil, fmt.Errorf("%w: %s is open, cannot also open %s", ErrOtherPath, engine.path, abs)
		}
		shutdownLocked()
	}
	if engine.keeper == nil {
		k, err := connect(abs)
		if err != nil {
			return nil, err
		}
		engine.keeper, engine.path = k, abs
	}
	c, err := connect(abs, settings...)
	if err != nil {
		return nil, err
	}
	engine.open++
	conn := &Conn{conn: c, path: abs}
	return conn, nil
}

// connect calls chdb_connect with clickhouse-local style arguments.
func connect(path string, settings ...string) (unsafe.Pointer, error) {
	args := append([]string{"clickhouse", "--path=" + path}, settings...)
	// argv must be C-shaped: an array of pointers to NUL-terminated bytes.
	// The Go memory is pinned for the call; chDB copies what it keeps.
	var pin runtime.Pinner
	defer pin.Unpin()
	argv := make([]unsafe.Pointer, len(args)+1)
	for i, a := range args {
		b := append([]byte(a), 0)
		pin.Pin(&b[0])
		argv[i] = unsafe.Pointer(&b[0])
	}
	pin.Pin(&argv[0])
	var pp unsafe.Pointer
	restored := guardSignals(func() { pp = cConnect(int32(len(args)), unsafe.Pointer(&argv[0])) })
	loadMu.Lock()
	restoredSignals = append(restoredSignals, restored...)
	loadMu.Unlock()
	if pp == nil || *(*unsafe.Pointer)(pp) == nil {
		return nil, fmt.Errorf("chdb_connect --path=%s failed (is the directory writable, or used by another process?)", path)
	}
	return pp, nil
}

// Shutdown closes the engine's keeper connection, stopping the engine once
// no Conn is open. It is for processes that want the ~200 MB back before
// exit; everyone else can let process exit reap the engine.
func Shutdown() error {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	if engine.open > 0 {
		return fmt.Errorf("chdb shutdown: %d connection(s) still open", engine.open)
	}
	shutdownLocked()
	return nil
}

func shutdownLocked() {
	if engine.keeper == nil {
		return
	}
	cCloseConn(engine.keeper)
	engine.keeper, engine.path = nil, ""
}

// Path is the absolute storage path of the connection.
func (c *Conn) Path() string { return c.path }

// ErrClosed is returned by calls on a closed Conn.
var ErrClosed = errors.New("chdb connection is closed")

// Query runs one statement and returns its output in the given ClickHouse
// output format. The SQL may hold any bytes (chdb_query_n is length-based).
func (c *Conn) Query(sql, format string) ([]byte, error) {
	out, _, err := c.query(sql, format)
	return out, err
}

func (c *Conn) query(sql, format string) ([]byte, uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil, 0, ErrClosed
	}
	if sql == "" {
		return nil, 0, errors.New("chdb: empty query")
	}
	if format == "" {
		format = "TabSeparated"
	}
	out, rows, err := c.queryLocked(sql, format)
	var ce *Error
	if errors.As(err, &ce) {
		// chDB keeps whatever a failed statement had already written
		// (the first statements of a multi-statement text, the first
		// blocks of a SELECT that throws half-way) and prepends it to
		// the NEXT successful result on the connection — measured on
		// 26.7.3. One throw-away query drains it so that no caller
		// ever sees another query's rows.
		_, _, _ = c.queryLocked("SELECT 1", "Null")
	}
	return out, rows, err
}

func (c *Conn) queryLocked(sql, format string) ([]byte, uint64, error) {
	q := []byte(sql)
	f := []byte(format)
	res := cQueryN(*(*unsafe.Pointer)(c.conn), unsafe.Pointer(&q[0]), uintptr(len(q)), unsafe.Pointer(&f[0]), uintptr(len(f)))
	runtime.KeepAlive(q)
	runtime.KeepAlive(f)
	if res == nil {
		return nil, 0, errors.New("chdb: query returned no result")
	}
	defer cDestroyResult(res)
	if msg := cResultError(res); msg != "" {
		return nil, 0, &Error{Msg: msg}
	}
	n := cResultLength(res)
	var out []byte
	if n > 0 {
		buf := cResultBuffer(res)
		if buf == nil {
			return nil, 0, errors.New("chdb: result has a length but no buffer")
		}
		out = make([]byte, n)
		copy(out, unsafe.Slice((*byte)(buf), n))
	}
	return out, cResultRowsRead(res), nil
}

// Close closes the connection. The engine itself keeps running (see the
// engine variable); Close is idempotent.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil
	}
	engine.mu.Lock()
	defer engine.mu.Unlock()
	cCloseConn(c.conn)
	c.conn = nil
	engine.open--
	return nil
}

// Error is an error reported by the engine, e.g. a syntax error or an
// unknown table. Msg is chDB's text, which starts with "Code: N.".
type Error struct{ Msg string }

func (e *Error) Error() string { return trimNL(e.Msg) }

func trimNL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}
