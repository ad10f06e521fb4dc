package main

import (
	"net"
	"sync"

	"github.com/valyala/fasthttp"
)

// connTracker knows the server's open client connections, so that
// shutdown can cut off those still open when its share of the drain
// deadline is spent. fasthttp's graceful shutdown waits for active
// connections, and counts a fresh connection as active for its first
// seconds, so a single slow or idle client would otherwise use up the
// deadline that the final flush and the forward queue need.
type connTracker struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func newConnTracker() *connTracker { return &connTracker{conns: map[net.Conn]struct{}{}} }

// state is the server's ConnState hook. Only opening and closing take the
// lock; the per-request active/idle transitions cost nothing.
func (t *connTracker) state(c net.Conn, s fasthttp.ConnState) {
	switch s {
	case fasthttp.StateNew:
		t.mu.Lock()
		t.conns[c] = struct{}{}
		t.mu.Unlock()
	case fasthttp.StateClosed, fasthttp.StateHijacked:
		t.mu.Lock()
		delete(t.conns, c)
		t.mu.Unlock()
	}
}

// closeAll closes every connection still open and returns how many.
func (t *connTracker) closeAll() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.conns)
	for c := range t.conns {
		c.Close()
		delete(t.conns, c)
	}
	return n
}
