package aggregate

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// Reference vectors of SipHash-2-4 (the paper's appendix and the reference
// implementation's vectors.h): key 00 01 … 0f, message 00 01 … (n-1).
func TestSipHashVectors(t *testing.T) {
	var key [16]byte
	for i := range key {
		key[i] = byte(i)
	}
	k0, k1 := binary.LittleEndian.Uint64(key[:8]), binary.LittleEndian.Uint64(key[8:])
	for n, want := range map[int]uint64{
		0:  0x726fdb47dd0e0e31,
		1:  0x74f839c593dc67fd,
		2:  0x0d6c8009d9a94f5a,
		3:  0x85676696d7fb7e2d,
		15: 0xa129ca6149be45e5,
	} {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(i)
		}
		var s sip
		s.init(k0, k1)
		s.writeBytes(msg)
		if got := s.sum64(); got != want {
			t.Errorf("len %d: %#x, want %#x", n, got, want)
		}
	}
}

// Streaming in arbitrary pieces, bytes or strings, gives the one-shot hash.
func TestSipHashStreaming(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		msg := make([]byte, r.IntN(80))
		for i := range msg {
			msg[i] = byte(r.Uint32())
		}
		k0, k1 := r.Uint64(), r.Uint64()
		var one sip
		one.init(k0, k1)
		one.writeBytes(msg)
		want := one.sum64()
		var s sip
		s.init(k0, k1)
		for rest := msg; len(rest) > 0; {
			n := r.IntN(len(rest)) + 1
			switch r.IntN(3) {
			case 0:
				s.writeBytes(rest[:n])
			case 1:
				s.writeString(string(rest[:n]))
			default:
				n = 1
				s.writeByte(rest[0])
			}
			rest = rest[n:]
		}
		if got := s.sum64(); got != want {
			t.Fatalf("len %d: streamed %#x, one-shot %#x", len(msg), got, want)
		}
		if len(msg) == 8 {
			if got := sipHash64(k0, k1, binary.LittleEndian.Uint64(msg)); got != want {
				t.Fatalf("sipHash64 %#x, want %#x", got, want)
			}
		}
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], 0xdeadbeef)
	var s sip
	s.init(3, 4)
	s.writeBytes(b[:])
	if got, want := sipHash64(3, 4, 0xdeadbeef), s.sum64(); got != want {
		t.Fatalf("sipHash64 %#x, want %#x", got, want)
	}
}

func TestHashSetMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var s hashSet
	m := map[uint64]bool{}
	for i := range 20000 {
		h := r.Uint64N(5000) // many repeats
		if i%1000 == 0 {
			h = 0 // zero is stored as 1
		}
		key := h
		if key == 0 {
			key = 1
		}
		if added := s.add(h); added == m[key] {
			t.Fatalf("add(%d) = %v with map %v", h, added, m[key])
		}
		m[key] = true
	}
	if s.len() != len(m) {
		t.Fatalf("len %d, map %d", s.len(), len(m))
	}
	for h := range m {
		if !s.has(h) {
			t.Fatalf("missing %d", h)
		}
	}
	if s.has(999999) {
		t.Fatal("has a non-member")
	}
	if got := s.appendTo(nil); len(got) != len(m) {
		t.Fatalf("appendTo %d", len(got))
	}
	if len(s.slots)*3 < s.n*4 {
		t.Fatalf("load above 3/4: %d in %d", s.n, len(s.slots))
	}
}

func BenchmarkSipBase(b *testing.B) {
	dk := deriveDayKeys(testSecret, 1)
	ua := "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"
	var sink uint64
	for b.Loop() {
		sink += dk.base("G-BENCH", netip.AddrFrom4([4]byte{1, 2, 3, 4}), ua)
	}
	_ = sink
}

func BenchmarkSipTable(b *testing.B) {
	dk := deriveDayKeys(testSecret, 1)
	var sink uint64
	for b.Loop() {
		sink += dk.tableHash(3, sink)
	}
}
