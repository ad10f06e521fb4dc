package aggregate

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/dims"
)

// CountryLookup maps an IP address to an ISO 3166-1 alpha-2 code, or "".
// *geoip.DB satisfies it; the interface keeps this package free of GeoIP.
type CountryLookup interface {
	Country(ip netip.Addr) string
}

// Config configures an Aggregator. The zero value of every field but Secret
// means its default.
type Config struct {
	// Secret derives the daily visitor salt. Required, at least 16 bytes.
	// Every instance of a deployment must share it for their visitor
	// estimates to merge. No default.
	Secret []byte
	// CountWithoutConsent lets hits without consent (no_consent, denied) add
	// to the breakdown tables. The Go zero value is false; cmd passes the
	// --count-without-consent flag, whose default is true.
	CountWithoutConsent bool
	// Channels are the channel grouping's options (dims.Options). Default:
	// GA4's default channel group, AI assistants as referrals.
	Channels dims.Options
	// MaxKeys caps the distinct dimension values per table, site and hour;
	// further values are counted as consentproxy.Other. Default 10000.
	MaxKeys int
	// MaxSites caps the distinct sites per hour; further sites are counted as
	// consentproxy.Other. Default 1000.
	MaxSites int
	// MaxSessions bounds the in-memory session table; when it is full, the
	// least recently seen session is evicted (a later hit of it starts a new
	// visit). Default 200000.
	MaxSessions int
	// MaxVisitorHashes bounds the visitor hashes held in memory, summed
	// over every row. A row holds the hash of each distinct visitor it
	// counted, and the store replaces a row by its newer cumulative
	// version, so every flush re-sends whole sets: without a bound, memory,
	// batches and the spool grow with the visitors of an hour. Past the
	// bound, Collect ends an epoch: it writes every row whole one last
	// time and starts afresh under a new instance id (see Instance). Rows
	// of different instances add up, and ClickHouse merges their visitor
	// states, so totals and visitor counts stay exact. Default 2,000,000
	// (about 32 MiB of sets; 16 MiB on the wire at most per batch).
	MaxVisitorHashes int
	// SessionTimeout is the inactivity after which a visitor's next hit
	// starts a new visit. Default 30m.
	SessionTimeout time.Duration
	// Geo looks up a country when the hit carries none (no trusted CDN
	// header). Optional; default none, so such hits count country "".
	Geo CountryLookup
	// Goals and Funnels are the site owners' goals and funnels (the goals
	// and funnels tables). Default none: those tables stay empty.
	Goals   []Goal
	Funnels []Funnel
	// Properties are the event properties counted in event_props
	// (--event-properties). Default none.
	Properties []Property
	// PageCountries writes the page_countries breakdown (pages × the
	// visit's country; --breakdowns page_country). Default false.
	PageCountries bool
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Defaults, as documented on Config.
const (
	DefaultMaxKeys          = 10000
	DefaultMaxSites         = 1000
	DefaultMaxSessions      = 200000
	DefaultSessionTimeout   = 30 * time.Minute
	DefaultMaxVisitorHashes = 2_000_000

	// RealtimeWindow is how far back Realtime looks.
	RealtimeWindow = 5 * time.Minute

	maxShards       = 32
	minShardSession = 64
	maxEventName    = 40 // GA4's own limit
)

// Aggregator keeps the aggregate tables of the running hour(s) in memory. It
// is safe for concurrent use. See the package documentation for what each hit
// counts.
type Aggregator struct {
	cfg       Config
	base      string       // the process's random id
	instance  string       // base, then base.N in epoch N; guarded by collectMu
	held      atomic.Int64 // visitor hashes in memory after the last Collect
	epochs    atomic.Int64 // epochs ended: N
	salt      saltCache
	reg       *registry
	shards    []shard
	mask      uint64
	version   atomic.Uint64
	watermark atomic.Int64 // hours before it are dropped: their hits are late
	late      atomic.Uint64
	lostFix   atomic.Uint64 // bounce corrections whose bucket was gone
	goals     goalTable

	collectMu sync.Mutex
}

type shard struct {
	mu    sync.Mutex
	rows  map[rowKey]*row  // tables with several dims
	rows1 map[rowKey1]*row // tables with at most one dim: a cheaper key to hash
	dirty []*row
	sites map[siteHour]*siteReg // admitted sites, a cache of the registry
	sess  sessionTable
	// out caches the outcome row last used for each reason. Every hit
	// touches one, and finding it in rows1 means hashing two strings.
	out [consentproxy.NumReasons]*row
	_   [64]byte // keep neighbouring shards' locks off one cache line
}

type siteHour struct {
	site string
	hour int64
}

type row struct {
	key   rowKey
	m     consentproxy.Metrics
	vis   hashSet
	dirty bool
}

// New returns an Aggregator with a fresh random instance id.
func New(cfg Config) (*Aggregator, error) {
	if len(cfg.Secret) < 16 {
		return nil, errors.New("aggregate: secret must be at least 16 bytes")
	}
	if cfg.MaxKeys < 0 || cfg.MaxSites < 0 || cfg.MaxSessions < 0 || cfg.SessionTimeout < 0 || cfg.MaxVisitorHashes < 0 {
		return nil, errors.New("aggregate: limits must not be negative")
	}
	if cfg.MaxKeys == 0 {
		cfg.MaxKeys = DefaultMaxKeys
	}
	if cfg.MaxSites == 0 {
		cfg.MaxSites = DefaultMaxSites
	}
	if cfg.MaxSessions == 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.SessionTimeout == 0 {
		cfg.SessionTimeout = DefaultSessionTimeout
	}
	if cfg.MaxVisitorHashes == 0 {
		cfg.MaxVisitorHashes = DefaultMaxVisitorHashes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Secret = append([]byte(nil), cfg.Secret...)
	goals, err := compileGoals(cfg.Goals, cfg.Funnels, cfg.Properties)
	if err != nil {
		return nil, fmt.Errorf("aggregate: %w", err)
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, fmt.Errorf("aggregate: instance id: %w", err)
	}
	n := maxShards
	for n > 1 && cfg.MaxSessions < n*minShardSession {
		n /= 2
	}
	a := &Aggregator{
		cfg:    cfg,
		base:   hex.EncodeToString(id[:]),
		salt:   saltCache{secret: cfg.Secret},
		reg:    newRegistry(cfg.MaxSites, cfg.MaxKeys),
		shards: make([]shard, n),
		mask:   uint64(n - 1),
		goals:  goals,
	}
	for i := range a.shards {
		sh := &a.shards[i]
		sh.rows = make(map[rowKey]*row)
		sh.rows1 = make(map[rowKey1]*row)
		sh.sites = make(map[siteHour]*siteReg)
		sh.sess = newSessionTable(cfg.MaxSessions / n)
	}
	a.instance = a.base
	a.watermark.Store(math.MinInt64)
	return a, nil
}

var _ consentproxy.Recorder = (*Aggregator)(nil)

// Instance is this process's random id, written with every row so that rows
// of different processes add up and rows of one process replace each other.
// After an epoch ends (Config.MaxVisitorHashes) it is the id followed by
// "." and the epoch's number.
func (a *Aggregator) Instance() string {
	a.collectMu.Lock()
	defer a.collectMu.Unlock()
	return a.instance
}

// rowKey1 is rowKey for tables with at most one dimension.
type rowKey1 struct {
	tbl  uint8
	hour int64
	site string
	d    string
}

var multiDim = func() (m [numTables]bool) {
	for i, t := range tables {
		m[i] = len(t.Dims) > 1
	}
	return m
}()

func (sh *shard) lookup(k *rowKey) *row {
	if multiDim[k.tbl] {
		return sh.rows[*k]
	}
	return sh.rows1[rowKey1{k.tbl, k.hour, k.site, k.d[0]}]
}

func (sh *shard) forget(k *rowKey) {
	if multiDim[k.tbl] {
		delete(sh.rows, *k)
	} else {
		delete(sh.rows1, rowKey1{k.tbl, k.hour, k.site, k.d[0]})
	}
}

func (sh *shard) numRows() int { return len(sh.rows) + len(sh.rows1) }

// eachRow calls f with every row of the shard. The caller holds sh.mu.
func (sh *shard) eachRow(f func(*row)) {
	for _, r := range sh.rows {
		f(r)
	}
	for _, r := range sh.rows1 {
		f(r)
	}
}

// row returns the row for key parts, creating it within the caps. The caller
// holds sh.mu.
func (sh *shard) row(g *registry, tbl int, site string, hour int64, d dimKey) *row {
	k := rowKey{tbl: uint8(tbl), hour: hour, site: site, d: d}
	if r := sh.lookup(&k); r != nil {
		return r
	}
	sr := sh.sites[siteHour{site, hour}]
	if sr == nil {
		sr = g.site(site, hour)
		if sr.site == site {
			sh.sites[siteHour{sr.site, hour}] = sr
		}
	}
	k.site = sr.site
	k.d = sr.admit(g, tbl, d)
	if r := sh.lookup(&k); r != nil {
		return r
	}
	r := &row{key: k}
	if multiDim[tbl] {
		sh.rows[k] = r
	} else {
		sh.rows1[rowKey1{k.tbl, k.hour, k.site, k.d[0]}] = r
	}
	return r
}

func (sh *shard) touch(r *row) {
	if !r.dirty {
		r.dirty = true
		sh.dirty = append(sh.dirty, r)
	}
}

// hit adds one countable hit's per-hit counts to r.
func (sh *shard) hit(r *row, pv, engagedMS int64, h uint64) {
	r.m.Events++
	r.m.Pageviews += pv
	r.m.EngagementMS += engagedMS
	r.vis.add(h)
	sh.touch(r)
}

// Record counts one observation. It copies nothing it does not keep, keeps
// nothing that identifies a person, and does no I/O.
func (a *Aggregator) Record(o *consentproxy.Observation) {
	t := o.Time
	if t.IsZero() {
		t = a.cfg.Now()
	}
	unix := t.Unix()
	hour := hourOf(unix)
	if !o.Reason.Countable(a.cfg.CountWithoutConsent) {
		a.countOutcome(o.Site, hour, o.Reason)
		if o.Reason == consentproxy.ReasonBot || o.Reason == consentproxy.ReasonExcluded {
			a.countOnly(tFiltered, o.Site, hour, dimKey{o.Reason.String(), filterClass(o.Reason, o.Class)})
		}
		return
	}
	dk := a.salt.keys(dayOf(unix))
	base := dk.base(o.Site, o.IP, o.UserAgent)
	// Every event counts on its page (events by page are scrolls, clicks,
	// engagement: not only page views), page views also as page views.
	var pv int64
	var path string
	if o.Event == "page_view" {
		pv = 1
	}
	onPage := pv == 1 || o.Location != ""
	if onPage {
		path = dims.Path(o.Location)
	}
	event := eventName(o.Event)
	now := t.UnixNano()
	timeout := int64(a.cfg.SessionTimeout)

	sh := &a.shards[(base>>32)&a.mask]
	sh.mu.Lock()
	if hour < a.watermark.Load() {
		sh.mu.Unlock()
		a.late.Add(1)
		return
	}
	g := a.reg
	s := sh.sess.get(base)
	if s == nil || now-s.lastNS > timeout {
		// A new visit: resolve its dimensions without holding the lock,
		// then look again, since another hit of the visitor may have won.
		sh.mu.Unlock()
		ent := a.entry(o, path, onPage)
		sh.mu.Lock()
		if hour < a.watermark.Load() {
			sh.mu.Unlock()
			a.late.Add(1)
			return
		}
		s = sh.sess.get(base)
		if s == nil || now-s.lastNS > timeout {
			s = a.startSession(sh, s, dk, base, o.Site, hour, now, &ent)
		}
	}
	out := sh.outcome(g, o.Site, hour, o.Reason)
	out.m.Hits++
	sh.touch(out)

	sh.curRows(g, s, hour)
	if now > s.lastNS {
		ms := (now - s.lastNS) / int64(time.Millisecond)
		for _, j := range [...]int{sTotals, sSources, sEntry} {
			r := s.cur[j]
			r.m.DurationMS += ms
			sh.touch(r)
		}
		s.lastNS = now
	}
	// The visitor's hash goes into the session rows of an hour once: later
	// hits of the visit in that hour would only find it there already.
	for j, r := range s.cur {
		r.m.Events++
		r.m.Pageviews += pv
		r.m.EngagementMS += o.EngagementMS
		if !s.curSeen {
			r.vis.add(dk.tableHash(sessionTables[j], base))
		}
		sh.touch(r)
	}
	a.countVisit(sh, s, dk, base, hour, !s.curSeen, o.Reason == consentproxy.ReasonForwarded)
	if sg := a.goals.forSite(o.Site); sg != nil {
		if len(sg.goals) > 0 {
			a.countGoals(sh, s, sg, o, dk, base, hour, event, path, pv)
		}
		if len(sg.props) > 0 && o.Params != nil {
			a.countProps(sh, sg.props, o, s.site(), hour, event, dk.tableHash(tEventProps, base))
		}
	}
	if event == "purchase" && o.Params != nil {
		a.countRevenue(sh, s, o, hour, dk.tableHash(tRevenue, base))
	}
	s.curSeen = true
	sh.hit(sh.row(g, tEvents, o.Site, hour, dimKey{event}), pv, o.EngagementMS, dk.tableHash(tEvents, base))
	if onPage {
		r := sh.row(g, tPages, o.Site, hour, dimKey{path})
		sh.hit(r, pv, o.EngagementMS, dk.tableHash(tPages, base))
		a.flow(sh, s, dk, base, hour, path, pv == 1, event == "scroll")
		if pv == 1 && a.cfg.PageCountries {
			pc := sh.row(g, tPageCountries, s.site(), hour, dimKey{path, s.start[sCountries].key.d[0]})
			pc.m.Pageviews++
			pc.vis.add(dk.tableHash(tPageCountries, base))
			sh.touch(pc)
		}
		if pv == 1 {
			s.page = r // the visitor's current page, for RealtimeTop and flow
		}
	}
	if pv == 1 {
		if s.pageviews < 2 {
			s.pageviews++
			if s.pageviews == 2 {
				a.unbounce(sh, s)
			}
		}
	}
	sh.sess.touch(s)
	sh.mu.Unlock()
}

// entryDims are a visit's session-level dimensions, resolved at its first hit.
type entryDims struct {
	path          string
	src           dims.Source
	term, content string // utm_term, utm_content
	lang          string
	country       string
	region        string // "US-CA", or "" unless the trusted header said
	agent         consentproxy.Agent
}

func (a *Aggregator) entry(o *consentproxy.Observation, path string, havePath bool) entryDims {
	if !havePath {
		path = dims.Path(o.Location)
	}
	country := dims.Country(o.Country)
	if country == "" && a.cfg.Geo != nil && o.IP.IsValid() {
		country = dims.Country(a.cfg.Geo.Country(o.IP))
	}
	e := entryDims{
		path:    path,
		src:     dims.SourceWith(o.Location, o.Referrer, a.cfg.Channels),
		lang:    dims.Language(o.Language),
		country: country,
		agent:   o.Agent,
	}
	e.term, e.content = dims.UTMDetails(o.Location)
	e.region = regionOf(o.Region, country)
	return e
}

// startSession begins a visit (reusing s's slot when it had timed out) and
// counts Visits+1 and Bounces+1 in its start rows. The caller holds sh.mu.
func (a *Aggregator) startSession(sh *shard, s *session, dk *dayKeys, base uint64, site string, hour, now int64, e *entryDims) *session {
	if s == nil {
		s = sh.sess.add(base, now-int64(a.cfg.SessionTimeout))
	} else {
		*s = session{base: base, prev: s.prev, next: s.next, self: s.self}
	}
	g := a.reg
	ag := &e.agent
	keys := [numSessionRows]dimKey{
		sTotals:    {},
		sEntry:     {e.path},
		sSources:   {e.src.Referrer, e.src.Channel, e.src.UTMSource, e.src.UTMMedium, e.src.UTMCampaign},
		sDevices:   {ag.Browser, ag.BrowserVersion, ag.OS, ag.OSVersion, ag.Device},
		sCountries: {e.country},
		sLanguages: {e.lang},
	}
	for j := range keys {
		r := sh.row(g, sessionTables[j], site, hour, keys[j])
		r.m.Visits++
		r.m.Bounces++
		sh.touch(r)
		s.start[j] = r
		s.cur[j] = r
	}
	// Counted once, at the visit's start: its campaign's term and content,
	// its region. Their visitors are the start hour's, which is exact per
	// day (the salt changes at midnight, and so does the visit).
	h := dk.tableHash(tCampaignDetails, s.base)
	for _, x := range [...]struct {
		tbl int
		d   dimKey
		h   uint64
	}{
		{tCampaignDetails, dimKey{e.src.UTMSource, e.src.UTMCampaign, e.term, e.content}, h},
		{tRegions, dimKey{e.country, e.region}, dk.tableHash(tRegions, s.base)},
	} {
		r := sh.row(g, x.tbl, site, hour, x.d)
		r.m.Visits++
		r.vis.add(x.h)
		sh.touch(r)
	}
	s.lastNS = now
	return s
}

// curRows points s.cur at hour's rows of the visit's dimensions. The
// caller holds sh.mu.
func (sh *shard) curRows(g *registry, s *session, hour int64) {
	if s.cur[sTotals].key.hour == hour {
		return
	}
	for j, r := range s.start {
		s.cur[j] = sh.row(g, sessionTables[j], r.key.site, hour, r.key.d)
	}
	s.curSeen = false
	s.flags &^= visitGA4HourSet
}

// unbounce takes back the visit's bounce in the rows that counted it.
func (a *Aggregator) unbounce(sh *shard, s *session) {
	if s.start[sTotals].key.hour < a.watermark.Load() {
		a.lostFix.Add(1) // that hour was written and dropped; it keeps the bounce
		return
	}
	for _, r := range s.start {
		r.m.Bounces--
		sh.touch(r)
	}
}
