// Package geoip maps a visitor's address to a country using a MaxMind DB
// (mmdb) file such as GeoLite2-Country.
//
// Privacy: the database never sees the full address. Country resolves the
// network the address belongs to (IPv4 /24, IPv6 /48), which is the
// granularity GeoIP country data is published at anyway, so accuracy is
// unaffected while the library, its caches and any debugging of it only ever
// handle an address shared by many people. Nothing here logs.
package geoip

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"github.com/oschwald/maxminddb-golang/v2"
)

// Prefix lengths the address is truncated to before the lookup. /24 and /48
// are the smallest blocks routed on the public internet, so no country
// boundary runs inside them.
const (
	IPv4Bits = 24
	IPv6Bits = 48
)

// DB is an open GeoIP database. It is safe for concurrent use; a nil *DB is a
// valid "no database" that resolves every address to "".
type DB struct {
	// mu keeps Close from unmapping the file under an in-flight lookup, which
	// would crash the process instead of failing one call.
	mu sync.RWMutex
	r  *maxminddb.Reader
}

// Open memory-maps the mmdb file at path. The file must not be rewritten in
// place while the DB is open; replace it atomically (rename) and reopen.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open geoip db: empty path")
	}
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open geoip db %q: %w", path, err)
	}
	return &DB{r: r}, nil
}

// Truncate returns the network address of ip's /24 (IPv4, including
// IPv4-mapped IPv6) or /48 (IPv6), without zone. It returns the zero Addr for
// an invalid ip. It is exported so callers and tests can see exactly what the
// database is asked.
func Truncate(ip netip.Addr) netip.Addr {
	if !ip.IsValid() {
		return netip.Addr{}
	}
	ip = ip.Unmap().WithZone("")
	bits := IPv6Bits
	if ip.Is4() {
		bits = IPv4Bits
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return netip.Addr{}
	}
	return p.Addr()
}

// Country returns the ISO 3166-1 alpha-2 code (upper case) of the country
// the truncated address is registered in, or "" when the address is invalid,
// not public, absent from the database, the record has no usable code, or the
// DB is nil or closed.
func (d *DB) Country(ip netip.Addr) string {
	if d == nil {
		return ""
	}
	a := Truncate(ip)
	// Private, loopback and similar ranges have no country; skipping them
	// saves a tree walk for local traffic (tests, health checks).
	if !a.IsValid() || a.IsPrivate() || a.IsLoopback() || a.IsUnspecified() ||
		a.IsLinkLocalUnicast() || a.IsMulticast() {
		return ""
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.r == nil {
		return ""
	}
	res := d.r.Lookup(a)
	if !res.Found() {
		return ""
	}
	var code string
	if err := res.DecodePath(&code, "country", "iso_code"); err != nil {
		// A record of another shape (e.g. an ASN database) is "unknown", not a
		// failure of the hit.
		return ""
	}
	return normCode(code)
}

// Locate returns the country and, with a City database, the first
// subdivision's ISO 3166-2 code after the country ("CA" for US-CA) of the
// truncated address, or "" for what the database does not say.
func (d *DB) Locate(ip netip.Addr) (country, subdivision string) {
	if d == nil {
		return "", ""
	}
	a := Truncate(ip)
	if !a.IsValid() || a.IsPrivate() || a.IsLoopback() || a.IsUnspecified() ||
		a.IsLinkLocalUnicast() || a.IsMulticast() {
		return "", ""
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.r == nil {
		return "", ""
	}
	res := d.r.Lookup(a)
	if !res.Found() {
		return "", ""
	}
	var rec struct {
		Country struct {
			ISOCode string `maxminddb:"iso_code"`
		} `maxminddb:"country"`
		Subdivisions []struct {
			ISOCode string `maxminddb:"iso_code"`
		} `maxminddb:"subdivisions"`
	}
	if err := res.Decode(&rec); err != nil {
		return "", ""
	}
	country = normCode(rec.Country.ISOCode)
	if country != "" && len(rec.Subdivisions) > 0 {
		subdivision = rec.Subdivisions[0].ISOCode
	}
	return country, subdivision
}

// normCode accepts exactly two ASCII letters and upper-cases them, so a
// malformed record can never add an odd value to the countries table.
func normCode(s string) string {
	if len(s) != 2 {
		return ""
	}
	var b [2]byte
	for i := 0; i < 2; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		default:
			return ""
		}
		b[i] = c
	}
	if b == [2]byte{s[0], s[1]} {
		return s
	}
	return string(b[:])
}

// Close releases the database. Lookups after Close return "". It is safe to
// call more than once.
func (d *DB) Close() error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.r == nil {
		return nil
	}
	err := d.r.Close()
	d.r = nil
	if err != nil {
		return fmt.Errorf("close geoip db: %w", err)
	}
	return nil
}
