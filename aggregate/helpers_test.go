package aggregate

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
)

var testSecret = []byte("test-secret-0123456789abcdef")

// t0 is 10:00 UTC on an ordinary day.
var t0 = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func newTestAgg(t testing.TB, cfg Config) (*Aggregator, *clock) {
	t.Helper()
	c := &clock{t: t0}
	if cfg.Secret == nil {
		cfg.Secret = testSecret
	}
	if cfg.Now == nil {
		cfg.Now = c.Now
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a, c
}

// visitor is one test person: the identifying inputs of the visitor hash and
// the attributes the proxy would have derived.
type visitor struct {
	ip      string
	ua      string
	agent   consentproxy.Agent
	country string
	lang    string
}

var (
	alice = visitor{ip: "203.0.113.7", ua: "Mozilla/5.0 (alice)", country: "DE", lang: "de-DE",
		agent: consentproxy.Agent{Browser: "Firefox", BrowserVersion: "126", OS: "Linux", Device: "desktop"}}
	bob = visitor{ip: "2001:db8::1", ua: "Mozilla/5.0 (bob)", country: "FR", lang: "fr",
		agent: consentproxy.Agent{Browser: "Safari", BrowserVersion: "17", OS: "iOS", OSVersion: "17", Device: "mobile"}}
	carol = visitor{ip: "198.51.100.9", ua: "Mozilla/5.0 (carol)", country: "DE", lang: "en-US",
		agent: consentproxy.Agent{Browser: "Chrome", BrowserVersion: "126", OS: "Windows", OSVersion: "10", Device: "desktop"}}
)

func (v visitor) obs(at time.Time, site string, r consentproxy.Reason, event, url, ref string) *consentproxy.Observation {
	return &consentproxy.Observation{
		Time: at, Site: site, Reason: r, Event: event, Location: url, Referrer: ref,
		Language: v.lang, Country: v.country, UserAgent: v.ua, IP: netip.MustParseAddr(v.ip), Agent: v.agent,
	}
}

func (v visitor) pv(at time.Time, site, url string) *consentproxy.Observation {
	return v.obs(at, site, consentproxy.ReasonForwarded, "page_view", url, "")
}

// tableHash is what the aggregator should store for v in table tbl on at's day.
func (v visitor) tableHash(at time.Time, secret []byte, site string, tbl int) uint64 {
	dk := deriveDayKeys(secret, dayOf(at.Unix()))
	return dk.tableHash(tbl, dk.base(site, netip.MustParseAddr(v.ip), v.ua))
}

// rowID names a row: table|site|HH:MM|dim,dim.
func rowID(table, site string, hour time.Time, d ...string) string {
	return fmt.Sprintf("%s|%s|%s|%s", table, site, hour.UTC().Format("15:04"), strings.Join(d, ","))
}

func index(b consentproxy.Batch) map[string]consentproxy.Row {
	m := make(map[string]consentproxy.Row)
	for _, tr := range b.Tables {
		for _, r := range tr.Rows {
			id := rowID(tr.Table.Name, r.Site, r.Hour, r.Dims...)
			if _, dup := m[id]; dup {
				panic("duplicate row " + id)
			}
			m[id] = r
		}
	}
	return m
}

func tablesIn(b consentproxy.Batch) []string {
	var names []string
	for _, tr := range b.Tables {
		names = append(names, tr.Table.Name)
	}
	return names
}

// sameHashes compares visitor hash lists as sets.
func sameHashes(got []uint64, want ...uint64) bool {
	g := slices.Clone(got)
	w := slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

// fakeStore is a consentproxy.Store with ReplacingMergeTree(version)
// semantics per (instance, table, key): a stand-in for the interface, to
// inject failures into the flusher. Real engines are tested in store/.
type fakeStore struct {
	mu      sync.Mutex
	failN   int // fail this many more writes
	writes  int
	calls   int
	rows    map[string]storedRow
	noDeadl bool // a write arrived without a deadline
	times   []time.Time
	failed  []bool
}

type storedRow struct {
	version uint64
	row     consentproxy.Row
}

func newFakeStore(failN int) *fakeStore {
	return &fakeStore{failN: failN, rows: make(map[string]storedRow)}
}

func (s *fakeStore) Write(ctx context.Context, b consentproxy.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.times = append(s.times, time.Now())
	s.failed = append(s.failed, s.failN > 0)
	if _, ok := ctx.Deadline(); !ok {
		s.noDeadl = true
	}
	if s.failN > 0 {
		s.failN--
		return errors.New("fake store: connection refused")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.writes++
	for _, tr := range b.Tables {
		for _, r := range tr.Rows {
			k := b.Instance + "|" + rowID(tr.Table.Name, r.Site, r.Hour, r.Dims...)
			if old, ok := s.rows[k]; !ok || b.Version > old.version {
				s.rows[k] = storedRow{version: b.Version, row: r}
			}
		}
	}
	return nil
}

func (s *fakeStore) setFail(n int) {
	s.mu.Lock()
	s.failN = n
	s.mu.Unlock()
}

// sum totals the stored rows of one table across instances and keys.
func (s *fakeStore) sum(table string) (m consentproxy.Metrics, visitors int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[uint64]bool)
	for k, sr := range s.rows {
		if strings.SplitN(k, "|", 3)[1] != table {
			continue
		}
		m.Add(sr.row.Metrics)
		for _, h := range sr.row.Visitors {
			seen[h] = true
		}
	}
	return m, len(seen)
}

func (s *fakeStore) Query(context.Context, string, ...any) (consentproxy.Result, error) {
	return consentproxy.Result{}, errors.New("fake store: no queries")
}
func (s *fakeStore) DropBefore(context.Context, time.Time) error { return nil }
func (s *fakeStore) Ping(context.Context) error                  { return nil }
func (s *fakeStore) Close() error                                { return nil }

func tableIndex(name string) int {
	for i, tb := range tables {
		if tb.Name == name {
			return i
		}
	}
	panic("no table " + name)
}

// params is an event's parameters, as the proxy's Hit gives them.
type params map[string]string

func (p params) Param(_ int, name string) (string, bool) {
	v, ok := p[name]
	return v, ok
}
