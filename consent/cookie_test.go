package consent

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	keyA = []byte("0123456789abcdef0123456789abcdef")
	keyB = []byte("fedcba9876543210fedcba9876543210")
)

func mustCodec(t testing.TB, now time.Time, keys ...[]byte) *Codec {
	t.Helper()
	c, err := NewCodec(keys, 182*24*time.Hour, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCodecRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c := mustCodec(t, now, keyA)
	for _, cats := range []Categories{{}, {Analytics: true}, {Marketing: true}, {Analytics: true, Marketing: true}} {
		r, err := c.NewRecord("2026-11", cats)
		if err != nil {
			t.Fatal(err)
		}
		v := c.Encode(r, "example.com")
		got, err := c.Decode(v, "example.com")
		if err != nil {
			t.Fatalf("Decode(%q): %v", v, err)
		}
		if got != r {
			t.Fatalf("round trip: got %+v, want %+v", got, r)
		}
		if strings.ContainsAny(v, " ;,\"\\") {
			t.Fatalf("cookie value %q needs quoting", v)
		}
	}
}

func TestCodecRefuses(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c := mustCodec(t, now, keyA)
	r, _ := c.NewRecord("1", Categories{Analytics: true})
	good := c.Encode(r, "example.com")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	old := mustCodec(t, now.Add(-183*24*time.Hour), keyA)
	oldRec, _ := old.NewRecord("1", Categories{Analytics: true})
	future := mustCodec(t, now.Add(time.Hour), keyA)
	futRec, _ := future.NewRecord("1", Categories{Analytics: true})
	tests := []struct {
		name, v, scope string
		want           error
	}{
		{"other site", good, "evil.example", ErrSignature},
		{"tampered categories", strings.Replace(good, ".a.", ".am.", 1), "example.com", ErrSignature},
		{"tampered revision", strings.Replace(good, ".1.a.", ".2.a.", 1), "example.com", ErrSignature},
		{"tampered signature", flip(good, len(good)-3), "example.com", ErrSignature},
		{"tampered id", flip(good, 3), "example.com", ErrSignature},
		{"signed with another key", mustCodec(t, now, keyB).Encode(r, "example.com"), "example.com", ErrSignature},
		{"truncated", good[:len(good)-5], "example.com", ErrMalformed},
		{"empty", "", "example.com", ErrMalformed},
		{"garbage", "hello", "example.com", ErrMalformed},
		{"version 2", "2" + good[1:], "example.com", ErrMalformed},
		{"too long", good + strings.Repeat("x", 300), "example.com", ErrMalformed},
		{"expired", old.Encode(oldRec, "example.com"), "example.com", ErrExpired},
		{"from the future", future.Encode(futRec, "example.com"), "example.com", ErrFuture},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Decode(tt.v, tt.scope)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCodecRotation(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	before := mustCodec(t, now, keyA)
	r, _ := before.NewRecord("1", Categories{Analytics: true})
	v := before.Encode(r, "example.com")

	during := mustCodec(t, now, keyB, keyA) // new key signs, old one still verifies
	if _, err := during.Decode(v, "example.com"); err != nil {
		t.Fatalf("old cookie during grace period: %v", err)
	}
	if nv := during.Encode(r, "example.com"); nv == v {
		t.Fatal("new cookies must be signed with the new key")
	}
	after := mustCodec(t, now, keyB) // old key retired
	if _, err := after.Decode(v, "example.com"); !errors.Is(err, ErrSignature) {
		t.Fatalf("old cookie after rotation: %v, want ErrSignature", err)
	}
}

func TestStateOf(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c := mustCodec(t, now, keyA)
	enc := func(rev string, cats Categories) string {
		r, _ := c.NewRecord(rev, cats)
		return c.Encode(r, "example.com")
	}
	tests := []struct {
		name, cookie, scope string
		want                State
	}{
		{"missing", "", "example.com", StateMissing},
		{"granted", enc("3", Categories{Analytics: true}), "example.com", StateGranted},
		{"marketing only", enc("3", Categories{Marketing: true}), "example.com", StateDenied},
		{"rejected", enc("3", Categories{}), "example.com", StateDenied},
		{"older revision", enc("2", Categories{Analytics: true}), "example.com", StateInvalid},
		{"foreign scope", enc("3", Categories{Analytics: true}), "other.example", StateInvalid},
		{"garbage", "x.y.z", "example.com", StateInvalid},
	}
	for _, tt := range tests {
		if got := c.StateOf(tt.cookie, tt.scope, "3"); got != tt.want {
			t.Errorf("%s: StateOf = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNewCodecValidates(t *testing.T) {
	if _, err := NewCodec(nil, time.Hour, nil); err == nil {
		t.Error("no keys accepted")
	}
	if _, err := NewCodec([][]byte{[]byte("short")}, time.Hour, nil); err == nil {
		t.Error("short key accepted")
	}
	if _, err := NewCodec([][]byte{keyA}, 0, nil); err == nil {
		t.Error("zero max age accepted")
	}
}

// FuzzDecode: no input panics, and whatever decodes re-encodes to itself, so
// there is exactly one valid spelling of every cookie.
func FuzzDecode(f *testing.F) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c := mustCodec(f, now, keyA)
	r, _ := c.NewRecord("1", Categories{Analytics: true})
	f.Add(c.Encode(r, "example.com"))
	f.Add("1.AAAAAAAAAAAAAAAAAAAAAA.1795785844.1.am.AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("1.....")
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		rec, err := c.Decode(v, "example.com")
		if err != nil {
			return
		}
		if got := c.Encode(rec, "example.com"); got != v {
			t.Fatalf("decoded %q but re-encodes as %q", v, got)
		}
	})
}
