package aggregate

import (
	"encoding/binary"
	"math/bits"
)

// sip is a streaming SipHash-2-4 state (Aumasson & Bernstein, 2012). It lives
// on the caller's stack, so hashing a visitor's pieces (site, IP, user agent)
// needs neither a concatenation buffer nor an allocation.
type sip struct {
	v0, v1, v2, v3 uint64
	tail           uint64 // pending bytes, little-endian
	ntail          int    // number of pending bytes (0..7)
	length         uint64 // total bytes written
}

func (s *sip) init(k0, k1 uint64) {
	s.v0 = k0 ^ 0x736f6d6570736575
	s.v1 = k1 ^ 0x646f72616e646f6d
	s.v2 = k0 ^ 0x6c7967656e657261
	s.v3 = k1 ^ 0x7465646279746573
	s.tail, s.ntail, s.length = 0, 0, 0
}

// rnd is one SipRound, on values so that the compiler inlines it and keeps
// the state in registers.
func rnd(v0, v1, v2, v3 uint64) (uint64, uint64, uint64, uint64) {
	v0 += v1
	v1 = bits.RotateLeft64(v1, 13)
	v1 ^= v0
	v0 = bits.RotateLeft64(v0, 32)
	v2 += v3
	v3 = bits.RotateLeft64(v3, 16)
	v3 ^= v2
	v0 += v3
	v3 = bits.RotateLeft64(v3, 21)
	v3 ^= v0
	v2 += v1
	v1 = bits.RotateLeft64(v1, 17)
	v1 ^= v2
	v2 = bits.RotateLeft64(v2, 32)
	return v0, v1, v2, v3
}

// block compresses one 8-byte word (c = 2 rounds).
func (s *sip) block(m uint64) {
	v0, v1, v2, v3 := s.v0, s.v1, s.v2, s.v3^m
	v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
	v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
	s.v0, s.v1, s.v2, s.v3 = v0^m, v1, v2, v3
}

func (s *sip) writeByte(c byte) {
	s.tail |= uint64(c) << (8 * s.ntail)
	s.ntail++
	s.length++
	if s.ntail == 8 {
		s.block(s.tail)
		s.tail, s.ntail = 0, 0
	}
}

// writeString feeds s's bytes. It takes a string, not a []byte, so that the
// request-memory strings of an Observation are hashed in place.
func (s *sip) writeString(p string) {
	s.length += uint64(len(p))
	i := 0
	if s.ntail > 0 {
		for ; i < len(p) && s.ntail < 8; i++ {
			s.tail |= uint64(p[i]) << (8 * s.ntail)
			s.ntail++
		}
		if s.ntail < 8 {
			return
		}
		s.block(s.tail)
		s.tail, s.ntail = 0, 0
	}
	// The bulk loop keeps the state in locals (block is not inlined).
	v0, v1, v2, v3 := s.v0, s.v1, s.v2, s.v3
	for ; i+8 <= len(p); i += 8 {
		m := uint64(p[i]) | uint64(p[i+1])<<8 | uint64(p[i+2])<<16 | uint64(p[i+3])<<24 |
			uint64(p[i+4])<<32 | uint64(p[i+5])<<40 | uint64(p[i+6])<<48 | uint64(p[i+7])<<56
		v3 ^= m
		v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
		v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
		v0 ^= m
	}
	s.v0, s.v1, s.v2, s.v3 = v0, v1, v2, v3
	for ; i < len(p); i++ {
		s.tail |= uint64(p[i]) << (8 * s.ntail)
		s.ntail++
	}
}

func (s *sip) writeBytes(p []byte) {
	s.length += uint64(len(p))
	i := 0
	if s.ntail > 0 {
		for ; i < len(p) && s.ntail < 8; i++ {
			s.tail |= uint64(p[i]) << (8 * s.ntail)
			s.ntail++
		}
		if s.ntail < 8 {
			return
		}
		s.block(s.tail)
		s.tail, s.ntail = 0, 0
	}
	for ; i+8 <= len(p); i += 8 {
		s.block(binary.LittleEndian.Uint64(p[i:]))
	}
	for ; i < len(p); i++ {
		s.tail |= uint64(p[i]) << (8 * s.ntail)
		s.ntail++
	}
}

func (s *sip) sum64() uint64 {
	s.block(s.tail | (s.length&0xff)<<56)
	v0, v1, v2, v3 := s.v0, s.v1, s.v2^0xff, s.v3 // d = 4 rounds
	v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
	v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
	v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
	v0, v1, v2, v3 = rnd(v0, v1, v2, v3)
	return v0 ^ v1 ^ v2 ^ v3
}

// sipHash64 hashes one 64-bit value (8 bytes, little-endian): the per-table
// derivation of a visitor hash. It is the general algorithm unrolled for that
// fixed length.
func sipHash64(k0, k1, m uint64) uint64 {
	var s sip
	s.init(k0, k1)
	s.block(m)
	s.length = 8
	return s.sum64()
}
