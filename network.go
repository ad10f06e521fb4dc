package consentproxy

import "net/netip"

// ClientNetwork is what every per-client limit counts a client address
// as: an IPv4 address whole (an IPv4-mapped IPv6 one unmapped first), an
// IPv6 address by its /64, without zone. A /64 is what one subscriber or
// one server is routinely given (RFC 6177) and every address in it is
// theirs to use, so a limit per /128 would let one host send at any rate by
// counting up its interface identifier.
func ClientNetwork(a netip.Addr) netip.Addr {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().Addr()
	}
	return a
}
