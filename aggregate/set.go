package aggregate

// hashSet is an open-addressing set of non-zero uint64 visitor hashes. A row
// of a popular page holds tens of thousands of them; a map[uint64]struct{}
// would cost about three times the memory and allocate on growth in smaller
// steps. Zero marks an empty slot, so a hash that happens to be zero is
// stored as 1 (a 2^-64 bias in an estimate that is approximate anyway).
type hashSet struct {
	slots []uint64 // len is 0 or a power of two
	n     int
}

const minSetSlots = 4

// add inserts h and reports whether it was new.
func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if len(s.slots) == 0 {
		s.slots = make([]uint64, minSetSlots)
	} else if (s.n+1)*4 > len(s.slots)*3 { // keep the load at or below 3/4
		s.grow()
	}
	if s.insert(h) {
		s.n++
		return true
	}
	return false
}

func (s *hashSet) insert(h uint64) bool {
	mask := uint64(len(s.slots) - 1)
	// The hashes are SipHash outputs, so their low bits are already uniform.
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return false
		case 0:
			s.slots[i] = h
			return true
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]uint64, len(old)*2)
	for _, h := range old {
		if h != 0 {
			s.insert(h)
		}
	}
}

func (s *hashSet) has(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if len(s.slots) == 0 {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

func (s *hashSet) len() int { return s.n }

// appendTo appends the members, in slot order, to dst.
func (s *hashSet) appendTo(dst []uint64) []uint64 {
	for _, h := range s.slots {
		if h != 0 {
			dst = append(dst, h)
		}
	}
	return dst
}
