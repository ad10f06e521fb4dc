package proxy

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, query, body string
		events            []string // per event: "en=value" of the merged view, for checking
		err               error
		badLines          int
	}{
		{"query only", "v=2&tid=G-1&en=page_view", "", []string{"page_view"}, nil, 0},
		{"body lines", "v=2&tid=G-1", "en=a\nen=b\nen=c", []string{"a", "b", "c"}, nil, 0},
		{"line overrides query", "v=2&tid=G-1&en=q", "en=line\ndl=x", []string{"line", "q"}, nil, 0},
		{"CRLF lines and blank lines", "v=2", "en=a\r\n\r\nen=b\r\n", []string{"a", "b"}, nil, 0},
		{"empty lines only", "v=2&en=q", "\n\n", []string{"q"}, nil, 0},
		{"plus is a space", "en=a+b", "", []string{"a b"}, nil, 0},
		{"escaped", "en=%C3%A9v%C3%A9nement", "", []string{"événement"}, nil, 0},
		{"last duplicate wins", "en=first&en=second", "", []string{"second"}, nil, 0},
		{"key without value", "en=x&_ss&_fv", "", []string{"x"}, nil, 0},
		{"empty pairs skipped", "&&en=x&&", "", []string{"x"}, nil, 0},
		{"bad escape", "en=%G1", "", nil, errEncoding, 0},
		{"truncated escape", "en=%4", "", nil, errEncoding, 0},
		{"lone percent", "en=%", "", nil, errEncoding, 0},
		{"invalid UTF-8", "en=%ff", "", nil, errUTF8, 0},
		{"overlong UTF-8", "en=%c0%af", "", nil, errUTF8, 0},
		// Control characters are real pages' titles and parameters, not
		// attacks: they become spaces instead of costing the hit.
		{"NUL", "en=a%00", "", []string{"a "}, nil, 0},
		{"raw control byte", "en=a\x01", "", []string{"a "}, nil, 0},
		{"newline and tab in value", "en=x", "en=a%0Ab%09c", []string{"a b c"}, nil, 0},
		{"DEL", "en=%7f", "", []string{" "}, nil, 0},
		{"empty name", "=x", "", nil, errEmptyName, 0},
		{"too many events", "v=2", strings.Repeat("en=x\n", 26), nil, errTooMany, 0},
		{"25 events is fine", "v=2", strings.Repeat("en=x\n", 25), []string{"x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x"}, nil, 0},
		{"too many params", strings.Repeat("a=1&", 257), "", nil, errParams, 0},
		{"long values are kept (the Minimizer cuts them)", "en=" + strings.Repeat("a", 64<<10), "", []string{strings.Repeat("a", 64<<10)}, nil, 0},
		// A malformed line loses its own event only.
		{"bad line among good", "v=2", "en=a\nen=%G1\nen=c", []string{"a", "c"}, nil, 1},
		{"too many params on one line", "v=2", "en=a\n" + strings.Repeat("b=1&", 257) + "\nen=c", []string{"a", "c"}, nil, 1},
		{"every line bad", "v=2", "en=%G1\nen=%ff", nil, errEncoding, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Hit
			err := h.Parse([]byte(tt.query), []byte(tt.body), Limits{})
			if !errors.Is(err, tt.err) {
				t.Fatalf("Parse error %v, want %v", err, tt.err)
			}
			if bad, _ := h.BadLines(); bad != tt.badLines {
				t.Errorf("%d bad lines, want %d", bad, tt.badLines)
			}
			if err != nil {
				return
			}
			if h.NumEvents() != len(tt.events) {
				t.Fatalf("%d events, want %d", h.NumEvents(), len(tt.events))
			}
			for i, want := range tt.events {
				if got, _ := h.Get(i, "en"); string(got) != want {
					t.Errorf("event %d en=%q, want %q", i, got, want)
				}
			}
		})
	}
}

// TestParseReuse: a reused Hit forgets the previous request entirely.
func TestParseReuse(t *testing.T) {
	var h Hit
	if err := h.Parse([]byte("tid=G-1&uid=secret"), []byte("en=a\nen=b"), Limits{}); err != nil {
		t.Fatal(err)
	}
	if err := h.Parse([]byte("tid=G-2"), nil, Limits{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Get(0, "uid"); ok || h.NumEvents() != 1 {
		t.Fatalf("state leaked from the previous hit: %d events", h.NumEvents())
	}
}

// FuzzParse: no panic; accepted hits decode to valid UTF-8 without control
// bytes, their minimized form parses, and re-encoding and re-parsing a parsed
// hit gives the same hit.
func FuzzParse(f *testing.F) {
	f.Add("v=2&tid=G-TEST123&cid=1.2&en=page_view&dl=https%3A%2F%2Fsite.example%2F", "")
	f.Add("v=2&tid=G-TEST123&cid=1.2&sid=1", "en=page_view&dl=https%3A%2F%2Fx%2F\nen=scroll&epn.percent_scrolled=90")
	f.Add("en=%C3%A9&x=%zz", "a=b\r\n\r\nc")
	f.Add("tid=G-A&t%69d=G-B&tid=G-A", "tid=G-B&en=x&tid=G-B")
	f.Add("uafvl=Google%20Chrome;143.0.7499.194|Chromium;143.0.7499.194|Not%20A(Brand;24.0.0.0", "")
	f.Fuzz(func(t *testing.T, query, body string) {
		var h Hit
		if err := h.Parse([]byte(query), []byte(body), Limits{}); err != nil {
			return
		}
		check := func(ps []param) {
			for _, p := range ps {
				for _, b := range [][]byte{p.key, p.val} {
					if !utf8.Valid(b) || strings.ContainsFunc(string(b), func(r rune) bool { return r < 0x20 || r == 0x7f }) {
						t.Fatalf("accepted %q", b)
					}
				}
			}
		}
		check(h.Shared())
		var m Minimizer
		var again Hit
		var d drops
		q := m.appendParams(nil, h.Shared(), &d, false)
		var lines []byte
		for i := 0; i < h.NumEvents(); i++ {
			check(h.Event(i))
			if i > 0 {
				lines = append(lines, '\n')
			}
			lines = append(lines, appendRaw(nil, h.Event(i))...)
		}
		var minimized Hit
		if err := minimized.Parse(m.AppendShared(q[:0:0], h.Shared(), netip.MustParseAddr("203.0.113.9"), "US-CA", &d), nil, Limits{MaxParams: 1000}); err != nil {
			t.Fatalf("minimized query does not parse: %v", err)
		}
		if err := again.Parse(appendRaw(nil, h.Shared()), lines, Limits{}); err != nil {
			t.Fatalf("re-encoded hit does not parse: %v", err)
		}
		if len(again.Shared()) != len(h.Shared()) {
			t.Fatalf("shared params %d, then %d", len(h.Shared()), len(again.Shared()))
		}
		// The index of the known keys must answer what a scan answers.
		for i := 0; i < h.NumEvents(); i++ {
			for _, key := range []string{"tid", "en", "dl", "dr", "ul", "_et", "gcs", "_p", "_ss", "_fv", "_nsi"} {
				got, gotOK := h.Get(i, key)
				want, wantOK := lookup(h.Event(i), key)
				if !wantOK {
					want, wantOK = lookup(h.Shared(), key)
				}
				if gotOK != wantOK || string(got) != string(want) {
					t.Fatalf("event %d %s: index says %q %v, scan %q %v", i, key, got, gotOK, want, wantOK)
				}
			}
		}
		// No relay: unless the hit is refused for naming two ids, every
		// tid of a list is one value, and the minimizer forwards it once.
		lists := [][]param{h.Shared()}
		for i := 0; i < h.NumEvents(); i++ {
			lists = append(lists, h.Event(i))
		}
		for _, ps := range lists {
			var id []byte
			n := 0
			for _, p := range ps {
				if string(p.key) == "tid" {
					if n > 0 && !bytes.Equal(id, p.val) && !h.IDConflict() {
						t.Fatalf("tid %q and %q in one list, and no conflict reported", id, p.val)
					}
					id, n = p.val, n+1
				}
			}
			var out Hit
			if err := out.Parse(m.AppendEvent(nil, ps, &d), nil, Limits{MaxParams: 1000}); err != nil {
				t.Fatalf("minimized list does not parse: %v", err)
			}
			sent := 0
			for _, p := range out.Shared() {
				if string(p.key) == "tid" {
					if sent++; !bytes.Equal(p.val, id) {
						t.Fatalf("forwarded tid %q, the list's checked one is %q", p.val, id)
					}
				}
			}
			if sent != min(n, 1) {
				t.Fatalf("tid forwarded %d times from a list that names it %d times", sent, n)
			}
		}
	})
}

func TestIDConflict(t *testing.T) {
	for q, want := range map[[2]string]bool{
		{"tid=G-A&tid=G-B", ""}:              true,
		{"tid=G-A&t%69d=G-B", ""}:            true,
		{"tid=G-A&tid=G-A", ""}:              false,
		{"tid=G-A", "tid=G-B&en=x"}:          false, // query against line: checked one by one
		{"tid=G-A", "en=x\ntid=G-B&tid=G-A"}: true,
		{"TID=G-B&tid=G-A", ""}:              false, // another name, dropped on the way
	} {
		var h Hit
		body := q[1]
		if err := h.Parse([]byte(q[0]), []byte(body), Limits{}); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if h.IDConflict() != want {
			t.Errorf("%q: IDConflict %v, want %v", q, h.IDConflict(), want)
		}
	}
}

// appendRaw encodes params without any minimization.
func appendRaw(dst []byte, ps []param) []byte {
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = appendEscaped(dst, p.key)
		dst = append(dst, '=')
		dst = appendEscaped(dst, p.val)
	}
	return dst
}

// refDecode is the decoder's specification, byte by byte: %XX and '+'
// decoded, control characters made spaces, invalid UTF-8 refused.
func refDecode(s []byte) ([]byte, error) {
	var out []byte
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
			c = ' '
		}
		out = append(out, c)
	}
	if !utf8.Valid(out) {
		return nil, errUTF8
	}
	return out, nil
}

// FuzzDecode holds the fast decoder (views of plain values, runs copied at
// once) to the byte-by-byte specification.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"page_view", "https%3A%2F%2Fx.example%2F%3Fa%3D1", "a+b", "%C3%A9t%C3%A9", "caf\xc3\xa9", "\xff", "%", "a%4", "%00", "x\x01", "%7f", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var h Hit
		got, err := h.decode([]byte(s))
		want, wantErr := refDecode([]byte(s))
		if err != wantErr || string(got) != string(want) {
			t.Fatalf("decode(%q) = %q, %v; want %q, %v", s, got, err, want, wantErr)
		}
	})
}
