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
	// MaxValue is the longest decoded value accepted. Default 8 KiB.
	MaxValue int
}

func (l Limits) withDefaults() Limits {
	if l.MaxEvents <= 0 {
		l.MaxEvents = 25
	}
	if l.MaxParams <= 0 {
		l.MaxParams = 256
	}
	if l.MaxValue <= 0 {
		l.MaxValue = 8 << 10
	}
	return l
}

// Why a hit is refused. Each maps to a 4xx and a counter.
var (
	errEncoding  = errors.New("malformed percent-encoding")
	errUTF8      = errors.New("not valid UTF-8")
	errTooMany   = errors.New("too many events")
	errParams    = errors.New("too many parameters")
	errValue     = errors.New("parameter value too long")
	errControl   = errors.New("control character in parameter")
	errEmptyName = errors.New("empty parameter name")
)

// param is one decoded key=value pair. Both slices point into Hit.buf.
type param struct {
	key, val []byte
}

// Hit is a parsed GA4 request: the query's shared parameters and zero or more
// event lines from the body. Values are percent-decoded into one buffer owned
// by the Hit, so nothing points into Fiber's request memory after Parse.
type Hit struct {
	buf    []byte
	shared []param
	params []param // every event's params, back to back
	events []int   // end offset in params of each event

	// obs is reused for every event's observation, so describing a hit to
	// the Recorder allocates nothing.
	obs consentproxy.Observation
}

// Reset empties h for reuse, keeping its capacity.
func (h *Hit) Reset() {
	h.buf = h.buf[:0]
	h.shared = h.shared[:0]
	h.params = h.params[:0]
	h.events = h.events[:0]
}

// Parse reads a GA4 hit: shared parameters in query, events in body, one per
// line. An empty body means the query is itself the single event (gtag's GET
// form and single-event POSTs). Anything malformed is refused as a whole: a
// proxy that guesses at broken input forwards what nobody meant to send.
func (h *Hit) Parse(query, body []byte, lim Limits) error {
	lim = lim.withDefaults()
	h.Reset()
	// Reserve once: decoding never grows a value, so the buffer never moves
	// and the slices taken into it stay valid.
	if need := len(query) + len(body); cap(h.buf) < need {
		h.buf = make([]byte, 0, need)
	}
	var err error
	if h.shared, err = h.parseArgs(h.shared, query, lim); err != nil {
		return err
	}
	body = bytes.TrimRight(body, "\r\n")
	if len(body) == 0 {
		h.events = append(h.events, 0)
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
		if h.params, err = h.parseArgs(h.params, line, lim); err != nil {
			return err
		}
		h.events = append(h.events, len(h.params))
	}
	if len(h.events) == 0 {
		h.events = append(h.events, 0)
	}
	return nil
}

func (h *Hit) parseArgs(dst []param, s []byte, lim Limits) ([]param, error) {
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
		key, err := h.decode(k, lim)
		if err != nil {
			return dst, err
		}
		if len(key) == 0 {
			return dst, errEmptyName
		}
		val, err := h.decode(v, lim)
		if err != nil {
			return dst, err
		}
		dst = append(dst, param{key: key, val: val})
	}
	return dst, nil
}

// decode percent-decodes s (with '+' as space, as browsers encode forms) into
// h.buf and checks the result is UTF-8 without control characters, which can
// never be legitimate in a GA parameter and could split lines or headers.
func (h *Hit) decode(s []byte, lim Limits) ([]byte, error) {
	start := len(h.buf)
	for i := 0; i < len(s); i++ {
		c := s[i]
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
			c = hi<<4 | lo
			i += 2
		case '+':
			c = ' '
		}
		if c < 0x20 || c == 0x7f {
			return nil, errControl
		}
		h.buf = append(h.buf, c)
	}
	out := h.buf[start:len(h.buf):len(h.buf)]
	if len(out) > lim.MaxValue {
		return nil, errValue
	}
	if !utf8.Valid(out) {
		return nil, errUTF8
	}
	return out, nil
}

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

// Get returns the value of key for event i: the event line's own value if it
// has one, else the query's. ok is false when neither has it.
func (h *Hit) Get(i int, key string) (val []byte, ok bool) {
	if v, ok := lookup(h.Event(i), key); ok {
		return v, true
	}
	return lookup(h.shared, key)
}

func lookup(ps []param, key string) ([]byte, bool) {
	for j := len(ps) - 1; j >= 0; j-- { // the last occurrence wins, as in URLSearchParams.set
		if string(ps[j].key) == key {
			return ps[j].val, true
		}
	}
	return nil, false
}
