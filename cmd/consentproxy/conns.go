package main

import (
	"cmp"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	consentproxy "github.com/consentproxy/consentproxy"
)

// connTracker knows the server's open client connections, so that
// shutdown can cut off those still open when its share of the drain
// deadline is spent (fasthttp's graceful shutdown waits for active
// connections, and counts a fresh connection as active for its first
// seconds, so a single slow or idle client would otherwise use up the
// deadline that the final flush and the forward queue need), and so that
// under pressure the idle ones make room (see shed).
type connTracker struct {
	conns sync.Map // net.Conn → *connInfo
	open  atomic.Int64
	shed  atomic.Uint64 // idle connections closed under pressure
	now   func() time.Time
}

// connInfo is when a connection last became idle (opened, or done with a
// request), in unix nanoseconds; 0 while it serves a request.
type connInfo struct{ idleSince atomic.Int64 }

func newConnTracker() *connTracker { return &connTracker{now: time.Now} }

// state is the server's ConnState hook. The per-request transitions cost a
// lock-free map read and an atomic store.
func (t *connTracker) state(c net.Conn, s fasthttp.ConnState) {
	switch s {
	case fasthttp.StateNew:
		ci := &connInfo{}
		ci.idleSince.Store(t.now().UnixNano())
		t.conns.Store(c, ci)
		t.open.Add(1)
	case fasthttp.StateActive:
		if v, ok := t.conns.Load(c); ok {
			v.(*connInfo).idleSince.Store(0)
		}
	case fasthttp.StateIdle:
		if v, ok := t.conns.Load(c); ok {
			v.(*connInfo).idleSince.Store(t.now().UnixNano())
		}
	case fasthttp.StateClosed, fasthttp.StateHijacked:
		if _, ok := t.conns.LoadAndDelete(c); ok {
			t.open.Add(-1)
		}
	}
}

// shedIdle closes connections idle for longer than minIdle, oldest first,
// until at most target stay open, when more than high are open: under
// pressure a connection that sends nothing gives its slot to one that
// will, instead of holding it until --read-timeout or --idle-timeout. A
// connection serving a request is never closed. It returns how many it
// closed.
func (t *connTracker) shedIdle(high, target int, minIdle time.Duration) int {
	if t.open.Load() <= int64(high) {
		return 0
	}
	type idle struct {
		c     net.Conn
		since int64
	}
	var cands []idle
	before := t.now().Add(-minIdle).UnixNano()
	t.conns.Range(func(k, v any) bool {
		if since := v.(*connInfo).idleSince.Load(); since != 0 && since <= before {
			cands = append(cands, idle{k.(net.Conn), since})
		}
		return true
	})
	slices.SortFunc(cands, func(a, b idle) int { return cmp.Compare(a.since, b.since) })
	n := max(0, min(len(cands), int(t.open.Load())-target))
	for _, c := range cands[:n] {
		c.c.Close()
	}
	t.shed.Add(uint64(n))
	return n
}

// closeAll closes every connection still open and returns how many.
func (t *connTracker) closeAll() int {
	n := 0
	t.conns.Range(func(k, _ any) bool {
		k.(net.Conn).Close()
		t.conns.Delete(k)
		t.open.Add(-1)
		n++
		return true
	})
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

func newPeerListener(ln net.Listener, limit int, trusted func(netip.Addr) bool) *peerListener {
	return &peerListener{Listener: ln, limit: limit, open: map[netip.Addr]int{}, trusted: trusted}
}

func (l *peerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
		if err != nil || l.limit <= 0 || l.trusted(ap.Addr()) {
			return c, nil
		}
		k := consentproxy.ClientNetwork(ap.Addr())
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
