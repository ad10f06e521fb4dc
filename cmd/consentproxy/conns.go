package main

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

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

// peerListener admits at most limit open connections from one peer address
// (an IPv6 peer by its /64, which one subscriber usually holds whole), and
// closes a peer's connection beyond that as soon as it is accepted, before
// it costs a goroutine or a buffer. Trusted proxies are exempt: behind a CDN
// every visitor's connection comes from a handful of its addresses. Without
// it one address holding 10,000 idle connections filled --max-conns and
// /healthz answered 503 for everyone.
type peerListener struct {
	net.Listener
	limit   int
	trusted func(netip.Addr) bool

	mu      sync.Mutex
	open    map[netip.Addr]int
	refused atomic.Uint64
}

func newPeerListener(ln net.Listener, limit int, trusted []netip.Prefix) *peerListener {
	return &peerListener{Listener: ln, limit: limit, open: map[netip.Addr]int{}, trusted: func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}}
}

// peerKey is what the limit counts by: an IPv4 address, or an IPv6 /64.
func peerKey(a netip.Addr) netip.Addr {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

func (l *peerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
		if err != nil || l.limit <= 0 || l.trusted(ap.Addr().Unmap()) {
			return c, nil
		}
		k := peerKey(ap.Addr())
		l.mu.Lock()
		if l.open[k] >= l.limit {
			l.mu.Unlock()
			l.refused.Add(1)
			c.Close()
			continue
		}
		l.open[k]++
		l.mu.Unlock()
		return &peerConn{Conn: c, l: l, key: k}, nil
	}
}

// Refused is how many connections were closed for their peer's limit.
func (l *peerListener) Refused() uint64 { return l.refused.Load() }

// peerConn gives its peer's slot back once, when closed.
type peerConn struct {
	net.Conn
	l    *peerListener
	key  netip.Addr
	once sync.Once
}

func (c *peerConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		if c.l.open[c.key]--; c.l.open[c.key] <= 0 {
			delete(c.l.open, c.key)
		}
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}
