package aggregate

// Session-level rows: the tables whose row a session chooses once, at its
// first hit (entry page, source, device, country, language), plus totals.
const (
	sTotals = iota
	sEntry
	sSources
	sDevices
	sCountries
	sLanguages
	numSessionRows
)

var sessionTables = [numSessionRows]int{
	sTotals:    tTotals,
	sEntry:     tEntryPages,
	sSources:   tSources,
	sDevices:   tDevices,
	sCountries: tCountries,
	sLanguages: tLanguages,
}

// session is one visitor's visit on one site. It holds no string of its own:
// its dimensions are those of the rows it started in, whose keys are the
// registry's canonical copies, so a new session allocates nothing.
type session struct {
	base      uint64 // the visitor's daily hash; already covers the site
	lastNS    int64
	prev      int32 // towards the most recently seen; -1 at the head
	next      int32 // towards the least recently seen; -1 at the tail
	self      int32 // this slot
	pageviews uint8 // counts to 2 and stays there
	curSeen   bool  // the visitor's hashes are in the cur rows
	flags     uint8 // visit*: what the visit's goals rows already counted

	// goals are the site's goals the visit reached (bit i: goal i), and
	// funnel each funnel's steps reached so far, in order (countGoals).
	goals  uint64
	funnel [MaxFunnels]uint8
	// page is the pages row of the visit's latest page view (its key is
	// the path), for the realtime top pages; nil before one.
	page *row

	// start are the rows that got Visits+1 and Bounces+1; a bounce is taken
	// back in exactly these rows. Their keys also give the visit's site,
	// start hour and dimensions.
	start [numSessionRows]*row
	// cur are the same dimensions' rows in the hour of the latest hit, where
	// per-hit counts and durations go. Caching them spares six map lookups
	// per hit.
	cur [numSessionRows]*row
}

// session.flags.
const (
	visitCounted    = 1 << iota // Visits+1 in its "(visits)" row
	visitGA4        = 1 << iota // Visits+1 in its "(ga4)" row
	visitGA4HourSet             // its hash is in the current hour's "(ga4)" row
	visitPurchased              // Visits+1 in its revenue row
)

// site is the canonical site of the visit's rows (may be (other)).
func (s *session) site() string { return s.start[sTotals].key.site }

// sessionChunk is how many sessions are allocated at once: growing a table
// by chunks wastes at most one chunk, where doubling a slice would waste up
// to half the table.
const sessionChunk = 256

// sessionTable is a bounded LRU of sessions in one shard: a slot array, an
// index by visitor hash and a doubly linked list through the slots.
type sessionTable struct {
	max        int
	idx        map[uint64]int32
	chunks     [][]session // slot i is chunks[i/sessionChunk][i%sessionChunk]
	n          int32       // slots in use or free
	free       []int32
	head, tail int32
	evicted    uint64 // live sessions pushed out because the table was full
}

func newSessionTable(max int) sessionTable {
	return sessionTable{max: max, idx: make(map[uint64]int32, max), head: -1, tail: -1}
}

func (t *sessionTable) len() int { return len(t.idx) }

func (t *sessionTable) slot(i int32) *session {
	return &t.chunks[i/sessionChunk][i%sessionChunk]
}

// get returns the session of base, or nil.
func (t *sessionTable) get(base uint64) *session {
	if i, ok := t.idx[base]; ok {
		return t.slot(i)
	}
	return nil
}

func (t *sessionTable) unlink(i int32) {
	s := t.slot(i)
	if s.prev >= 0 {
		t.slot(s.prev).next = s.next
	} else {
		t.head = s.next
	}
	if s.next >= 0 {
		t.slot(s.next).prev = s.prev
	} else {
		t.tail = s.prev
	}
	s.prev, s.next = -1, -1
}

func (t *sessionTable) pushFront(i int32) {
	s := t.slot(i)
	s.prev, s.next = -1, t.head
	if t.head >= 0 {
		t.slot(t.head).prev = i
	}
	t.head = i
	if t.tail < 0 {
		t.tail = i
	}
}

// touch marks s as the most recently seen.
func (t *sessionTable) touch(s *session) {
	i := s.self
	if t.head == i {
		return
	}
	t.unlink(i)
	t.pushFront(i)
}

// add makes a fresh session for base, evicting the least recently seen one
// when the table is full. expiredBefore tells whether the evicted one was
// still live (for Stats).
func (t *sessionTable) add(base uint64, expiredBefore int64) *session {
	var i int32
	switch {
	case len(t.free) > 0:
		i = t.free[len(t.free)-1]
		t.free = t.free[:len(t.free)-1]
	case int(t.n) < t.max:
		if int(t.n)%sessionChunk == 0 {
			t.chunks = append(t.chunks, make([]session, min(sessionChunk, t.max-int(t.n))))
		}
		i = t.n
		t.n++
	default:
		i = t.tail
		if t.slot(i).lastNS >= expiredBefore {
			t.evicted++
		}
		t.unlink(i)
		delete(t.idx, t.slot(i).base)
	}
	*t.slot(i) = session{base: base, prev: -1, next: -1, self: i}
	t.idx[base] = i
	t.pushFront(i)
	return t.slot(i)
}

// sweep removes sessions last seen before cutoff, from the tail, so that
// idle sessions stop pinning rows of closed buckets.
func (t *sessionTable) sweep(cutoff int64) {
	for t.tail >= 0 && t.slot(t.tail).lastNS < cutoff {
		i := t.tail
		t.unlink(i)
		delete(t.idx, t.slot(i).base)
		*t.slot(i) = session{prev: -1, next: -1, self: i}
		t.free = append(t.free, i)
	}
}

// countSince counts the sessions of site seen at or after cutoff, walking
// from the most recently seen.
func (t *sessionTable) countSince(site string, cutoff int64) int {
	n := 0
	for i := t.head; i >= 0; i = t.slot(i).next {
		s := t.slot(i)
		if s.lastNS < cutoff {
			break
		}
		if s.site() == site {
			n++
		}
	}
	return n
}
