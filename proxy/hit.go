package proxy

import (
	"bytes"
	"errors"
	"unicode/utf8"

	consentproxy "github.com/consentproxy/consentproxy"
)

// Limits bound what one hit may carry. Zero fields take their defaults.
type Limits struct {
	// MaxEvents per request body. Default 25 (what gtag batches at most).
	MaxEvents int
	// MaxParams per event line or query. Default 256.
	MaxParams int
}

func (l Limits) withDefaults() Limits {
	if l.MaxEvents <= 0 {
		l.MaxEvents = 25
	}
	if l.MaxParams <= 0 {
		l.MaxParams = 256
	}
	return l
}

// Why a hit, or one event line of it, is refused. Each maps to a 4xx and a
// counter. What is merely unusual is not refused: control characters become
// spaces, and over-long values are cut on their way to Google (see
// Minimizer.MaxValue), so that no benign hit is ever lost.
var (
	errEncoding  = errors.New("malformed percent-encoding")
	errUTF8      = errors.New("not valid UTF-8")
	errTooMany   = errors.New("too many events")
	errParams    = errors.New("too many parameters")
	errEmptyName = errors.New("empty parameter name")
)

// param is one decoded key=value pair. Both slices point into Hit.buf.
type param struct {
	key, val []byte
}

// Hit is a parsed GA4 request: the query's shared parameters and zero or more
// event lines from the body. Parsing copies nothing it need not: a value with
// nothing to decode is a view of the query or body given to Parse, and only
// escaped values are decoded into a buffer the Hit owns. The caller keeps
// query and body unchanged while it uses the Hit (the handler does: Fiber
// reuses request memory only once the handler returns).
type Hit struct {
	buf    []byte
	shared []param
	params []param // every event's params, back to back
	events []int   // end offset in params of each event

	// Where the parameters every event is asked for are, as 1 + their index
	// in shared or params (0: absent), so that Get finds them without
	// scanning. Filled while parsing; a later duplicate overwrites, as the
	// last occurrence wins.
	sharedKnown [numKnown]int32
	eventKnown  [][numKnown]int32

	// idConflict: some list names tid twice with different values. Only the
	// last is checked and forwarded, but a hit that names two properties is
	// refused whole rather than guessed at (see collect).
	idConflict bool

	// badLines counts the body lines refused as malformed (their events are
	// dropped, the others kept); lineErr is the first one's reason.
	badLines int
	lineErr  error

	// obs is reused for every event's observation, so describing a hit to
	// the Recorder allocates nothing.
	obs consentproxy.Observation
}

// The parameters looked up for every event (see Hit.Get).
const (
	kTid = iota
	kEn
	kDl
	kDr
	kUl
	kEt
	kGcs
	kP
	kSs
	kFv
	kNsi
	numKnown
)

// knownKey returns the index of a known parameter name, or -1.
func knownKey(s string) int {
	switch s {
	case "tid":
		return kTid
	case "en":
		return kEn
	case "dl":
		return kDl
	case "dr":
		return kDr
	case "ul":
		return kUl
	case "_et":
		return kEt
	case "gcs":
		return kGcs
	case "_p":
		return kP
	case "_ss":
		return kSs
	case "_fv":
		return kFv
	case "_nsi":
		return kNsi
	}
	return -1
}

// Reset empties h for reuse, keeping its capacity.
func (h *Hit) Reset() {
	h.buf = h.buf[:0]
	h.shared = h.shared[:0]
	h.params = h.params[:0]
	h.events = h.events[:0]
	h.sharedKnown = [numKnown]int32{}
	h.eventKnown = h.eventKnown[:0]
	h.badLines, h.lineErr = 0, nil
	h.idConflict = false
}

// addEvent closes an event: its params are those appended to h.params since
// the previous one closed, and known says where its known ones are.
func (h *Hit) addEvent(known [numKnown]int32) {
	h.events = append(h.events, len(h.params))
	h.eventKnown = append(h.eventKnown, known)
}

// Parse reads a GA4 hit: shared parameters in query, events in body, one per
// line. An empty body means the query is itself the single event (gtag's GET
// form and single-event POSTs). A malformed query refuses the whole hit; a
// malformed body line only its own event (BadLines counts them), unless no
// line is left: a proxy that guesses at broken input forwards what nobody
// meant to send, but one bad event must not cost a batch its good ones.
func (h *Hit) Parse(query, body []byte, lim Limits) error {
	lim = lim.withDefaults()
	h.Reset()
	// Reserve once: decoding never grows a value, so the buffer never moves
	// and the slices taken into it stay valid.
	if need := len(query) + len(body); cap(h.buf) < need {
		h.buf = make([]byte, 0, need)
	}
	var err error
	if h.shared, err = h.parseArgs(h.shared, query, lim, &h.sharedKnown); err != nil {
		return err
	}
	body = bytes.TrimRight(body, "\r\n")
	if len(body) == 0 {
		h.addEvent([numKnown]int32{})
		return nil
	}
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if len(h.events) == lim.MaxEvents {
			return errTooMany
		}
		var known [numKnown]int32
		n := len(h.params)
		if h.params, err = h.parseArgs(h.params, line, lim, &known); err != nil {
			h.params = h.params[:n]
			if h.badLines++; h.lineErr == nil {
				h.lineErr = err
			}
			continue
		}
		h.addEvent(known)
	}
	if len(h.events) == 0 {
		if h.lineErr != nil {
			return h.lineErr
		}
		h.addEvent([numKnown]int32{})
	}
	return nil
}

// IDConflict reports whether a list of the hit names tid twice with
// different values.
func (h *Hit) IDConflict() bool { return h.idConflict }

// BadLines is how many body lines Parse refused, and why the first was.
func (h *Hit) BadLines() (int, error) { return h.badLines, h.lineErr }

// parseArgs appends the pairs of s to dst, noting in known where the known
// parameters are (as 1 + their index in dst).
func (h *Hit) parseArgs(dst []param, s []byte, lim Limits, known *[numKnown]int32) ([]param, error) {
	n := 0
	for len(s) > 0 {
		pair := s
		if i := bytes.IndexByte(s, '&'); i >= 0 {
			pair, s = s[:i], s[i+1:]
		} else {
			s = nil
		}
		if len(pair) == 0 {
			continue
		}
		if n++; n > lim.MaxParams {
			return dst, errParams
		}
		k, v := pair, []byte(nil)
		if i := bytes.IndexByte(pair, '='); i >= 0 {
			k, v = pair[:i], pair[i+1:]
		}
		key, err := h.decode(k)
		if err != nil {
			return dst, err
		}
		if len(key) == 0 {
			return dst, errEmptyName
		}
		val, err := h.decode(v)
		if err != nil {
			return dst, err
		}
		if k := knownKey(b2s(key)); k >= 0 {
			if k == kTid && known[k] > 0 && !bytes.Equal(dst[known[k]-1].val, val) {
				h.idConflict = true
			}
			known[k] = int32(len(dst) + 1)
		}
		dst = append(dst, param{key: key, val: val})
	}
	return dst, nil
}

// decode percent-decodes s (with '+' as space, as browsers encode forms) and
// checks the result is UTF-8. Control characters become spaces: real pages
// put tabs and newlines into titles and event parameters, and gtag sends
// them as they are, but none may split a line or a header on the way on.
//
// Most values (ids, event names, numbers, flags) are printable ASCII with
// nothing to decode: those are returned as a view of s, capped so that an
// append cannot write into what follows, and being ASCII they need no UTF-8
// check. Only the rest are decoded, into h.buf.
func (h *Hit) decode(s []byte) ([]byte, error) {
	i := 0
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	if i == len(s) {
		return s[:len(s):len(s)], nil
	}
	start := len(h.buf)
	for {
		// Copy the run of plain bytes up to i, then decode one byte.
		h.buf = append(h.buf, s[:i]...)
		if i == len(s) {
			break
		}
		c, n := s[i], 1
		switch c {
		case '%':
			if i+2 >= len(s) {
				return nil, errEncoding
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return nil, errEncoding
			}
			c, n = hi<<4|lo, 3
		case '+':
			c = ' '
		}
		if c < 0x20 || c == 0x7f {
			c = ' '
		}
		h.buf = append(h.buf, c)
		s = s[i+n:]
		for i = 0; i < len(s) && plainByte[s[i]]; i++ {
		}
	}
	out := h.buf[start:len(h.buf):len(h.buf)]
	if !utf8.Valid(out) {
		return nil, errUTF8
	}
	return out, nil
}

// plainByte marks the bytes a value may hold as they are: printable ASCII
// but '%' and '+', which decode to something else.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '%' && c != '+'
	}
	return t
}()

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// NumEvents is the number of events in the hit (at least one).
func (h *Hit) NumEvents() int { return len(h.events) }

// Event returns event i's own parameters (without the shared ones).
func (h *Hit) Event(i int) []param {
	start := 0
	if i > 0 {
		start = h.events[i-1]
	}
	return h.params[start:h.events[i]]
}

// Shared returns the query's parameters.
func (h *Hit) Shared() []param { return h.shared }

// Param is Get as a string (a view of the hit's memory, valid while the
// handler runs), for the aggregator: *Hit is a consentproxy.ParamSource.
func (h *Hit) Param(i int, key string) (string, bool) {
	v, ok := h.Get(i, key)
	return b2s(v), ok
}

var _ consentproxy.ParamSource = (*Hit)(nil)

// Get returns the value of key for event i: the event line's own value if it
// has one, else the query's. ok is false when neither has it.
func (h *Hit) Get(i int, key string) (val []byte, ok bool) {
	if k := knownKey(key); k >= 0 {
		if j := h.eventKnown[i][k]; j > 0 {
			return h.params[j-1].val, true
		}
		if j := h.sharedKnown[k]; j > 0 {
			return h.shared[j-1].val, true
		}
		return nil, false
	}
	if v, ok := lookup(h.Event(i), key); ok {
		return v, true
	}
	return lookup(h.shared, key)
}

// has reports whether event i (or the query) names key.
func (h *Hit) has(i int, key string) bool {
	_, ok := h.Get(i, key)
	return ok
}

// sharedValue returns the query's own value of key (the last occurrence).
func (h *Hit) sharedValue(key string) ([]byte, bool) { return lookup(h.shared, key) }

func lookup(ps []param, key string) ([]byte, bool) {
	for j := len(ps) - 1; j >= 0; j-- { // the last occurrence wins, as in URLSearchParams.set
		if string(ps[j].key) == key {
			return ps[j].val, true
		}
	}
	return nil, false
}
