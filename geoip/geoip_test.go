package geoip

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// testNetworks is a GeoLite2-Country-shaped fixture. The /32 and /64 entries
// are finer than the truncation, so the lookups that hit them must miss.
var testNetworks = []struct {
	cidr string
	rec  mmdbtype.Map
}{
	{"81.2.69.0/24", country("GB")},
	{"89.160.20.0/22", country("SE")},
	{"1.2.3.4/32", country("AU")},         // finer than /24: never matched
	{"175.16.199.0/24", country("cn")},    // lower case in the DB: upper-cased
	{"67.43.156.0/24", country("USA")},    // malformed code: ""
	{"216.160.83.0/24", mmdbtype.Map{}},   // record without a country: ""
	{"2a02:cf40::/32", country("DE")},     // covers the /48 of the lookups
	{"2a03:5678:9:1::/64", country("FR")}, // finer than /48: never matched
	{"12.34.56.0/24", city("US", "CA")},   // a City record
}

func city(code, sub string) mmdbtype.Map {
	m := country(code)
	m["subdivisions"] = mmdbtype.Slice{mmdbtype.Map{"iso_code": mmdbtype.String(sub)}}
	return m
}

func TestLocate(t *testing.T) {
	db := openTest(t)
	for ip, want := range map[string][2]string{
		"12.34.56.78":  {"US", "CA"},
		"175.16.199.9": {"CN", ""},
		"10.0.0.1":     {"", ""},
		"192.0.2.1":    {"", ""},
	} {
		c, s := db.Locate(netip.MustParseAddr(ip))
		if [2]string{c, s} != want {
			t.Errorf("Locate(%s) = %s %s, want %v", ip, c, s, want)
		}
	}
	var none *DB
	if c, s := none.Locate(netip.MustParseAddr("12.34.56.78")); c != "" || s != "" {
		t.Error("nil DB located an address")
	}
}

func country(code string) mmdbtype.Map {
	return mmdbtype.Map{
		"country": mmdbtype.Map{
			"iso_code":   mmdbtype.String(code),
			"geoname_id": mmdbtype.Uint32(1),
		},
	}
}

// buildDB writes the fixture to a temp file with the same metadata shape as
// GeoLite2-Country (IPv6 tree with IPv4 aliases, 24-bit records).
func buildDB(t testing.TB) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: "GeoLite2-Country",
		RecordSize:   24,
		IPVersion:    6,
	})
	if err != nil {
		t.Fatalf("new tree: %v", err)
	}
	for _, n := range testNetworks {
		_, ipnet, err := net.ParseCIDR(n.cidr)
		if err != nil {
			t.Fatalf("parse %s: %v", n.cidr, err)
		}
		if err := tree.Insert(ipnet, n.rec); err != nil {
			t.Fatalf("insert %s: %v", n.cidr, err)
		}
	}
	path := filepath.Join(t.TempDir(), "country.mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatalf("write mmdb: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(buildDB(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestCountry(t *testing.T) {
	db := openTest(t)
	cases := []struct {
		ip   string
		want string
	}{
		{"81.2.69.142", "GB"},
		{"81.2.69.1", "GB"},
		{"::ffff:81.2.69.142", "GB"}, // IPv4-mapped IPv6 is treated as IPv4
		{"89.160.23.255", "SE"},
		// The DB has 1.2.3.4/32 only. The lookup asks for 1.2.3.0, so even
		// the exact address is not found: resolution finer than /24 is lost.
		{"1.2.3.4", ""},
		{"175.16.199.10", "CN"},
		{"67.43.156.1", ""},
		{"216.160.83.56", ""},
		{"8.8.8.8", ""}, // absent
		{"2a02:cf40:1:2:3:4:5:6", "DE"},
		{"2a02:cf40:ffff::1", "DE"},
		// Only 2a03:5678:9:1::/64 is in the DB; the /48 network address
		// 2a03:5678:9:: lies outside it.
		{"2a03:5678:9:1::1", ""},
		{"10.1.2.3", ""},
		{"127.0.0.1", ""},
		{"::1", ""},
		{"fe80::1%eth0", ""},
		{"0.0.0.0", ""},
	}
	for _, c := range cases {
		if got := db.Country(netip.MustParseAddr(c.ip)); got != c.want {
			t.Errorf("Country(%s) = %q, want %q", c.ip, got, c.want)
		}
	}
	if got := db.Country(netip.Addr{}); got != "" {
		t.Errorf("Country(invalid) = %q, want empty", got)
	}
}

// TestFineEntriesExistUntruncated proves the misses above come from the
// truncation, not from a broken fixture: the raw reader finds them.
func TestFineEntriesExistUntruncated(t *testing.T) {
	db := openTest(t)
	for _, s := range []string{"1.2.3.4", "2a03:5678:9:1::1"} {
		var code string
		res := db.r.Lookup(netip.MustParseAddr(s))
		if err := res.DecodePath(&code, "country", "iso_code"); err != nil || code == "" {
			t.Fatalf("fixture lookup %s: code %q err %v; the truncation test proves nothing", s, code, err)
		}
	}
}

func TestTruncate(t *testing.T) {
	cases := map[string]string{
		"81.2.69.142":           "81.2.69.0",
		"255.255.255.255":       "255.255.255.0",
		"::ffff:81.2.69.142":    "81.2.69.0",
		"2a02:cf40:1:2:3:4:5:6": "2a02:cf40:1::",
		"2a03:5678:9:1::1%eth0": "2a03:5678:9::",
		"ffff:ffff:ffff:ffff::": "ffff:ffff:ffff::",
	}
	for in, want := range cases {
		if got := Truncate(netip.MustParseAddr(in)); got.String() != want {
			t.Errorf("Truncate(%s) = %s, want %s", in, got, want)
		}
	}
	if got := Truncate(netip.Addr{}); got.IsValid() {
		t.Errorf("Truncate(invalid) = %s, want invalid", got)
	}
}

func TestNilAndClosed(t *testing.T) {
	var nilDB *DB
	if got := nilDB.Country(netip.MustParseAddr("81.2.69.142")); got != "" {
		t.Errorf("nil DB Country = %q", got)
	}
	if err := nilDB.Close(); err != nil {
		t.Errorf("nil DB Close: %v", err)
	}
	db, err := Open(buildDB(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := db.Country(netip.MustParseAddr("81.2.69.142")); got != "GB" {
		t.Fatalf("before close: %q", got)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if got := db.Country(netip.MustParseAddr("81.2.69.142")); got != "" {
		t.Errorf("after close: %q, want empty", got)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.mmdb")); err == nil || !strings.Contains(err.Error(), "open geoip db") {
		t.Errorf("missing file: err = %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.mmdb")
	if err := os.WriteFile(junk, []byte("not a maxmind database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(junk); err == nil {
		t.Error("Open(junk) succeeded")
	}
}

// TestConcurrentCloseIsSafe runs lookups while the DB closes; under -race and
// without the lock this would read an unmapped file.
func TestConcurrentCloseIsSafe(t *testing.T) {
	db, err := Open(buildDB(t))
	if err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr("81.2.69.142")
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				if c := db.Country(ip); c != "GB" && c != "" {
					t.Errorf("Country = %q", c)
					return
				}
			}
		}()
	}
	_ = db.Close()
	wg.Wait()
}

func BenchmarkCountry(b *testing.B) {
	db := openTest(b)
	ip := netip.MustParseAddr("81.2.69.142")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if db.Country(ip) != "GB" {
			b.Fatal("wrong country")
		}
	}
}
