package stats

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/consentproxy/consentproxy"
)

// TestTimezoneCanonicalOnly: only canonical IANA names are accepted. The
// rest of a zoneinfo directory (right/…, posix/…, localtime) loads with
// time.LoadLocation but is unknown to ClickHouse, which made those queries
// 500s (issue 14); they, "Local" and paths are a 400 now.
func TestTimezoneCanonicalOnly(t *testing.T) {
	tests := []struct {
		zone string
		ok   bool
	}{
		{"UTC", true},
		{"Europe/Berlin", true},
		{"America/Argentina/Buenos_Aires", true},
		{"America/Port-au-Prince", true},
		{"Etc/GMT+5", true},
		{"EST5EDT", true},
		{"right/UTC", false},
		{"right/Europe/Berlin", false},
		{"posix/Europe/Berlin", false},
		{"posixrules", false},
		{"localtime", false},
		{"Local", false},
		{"../etc/passwd", false},
		{"Europe/../UTC", false},
		{"/etc/localtime", false},
		{"/usr/share/zoneinfo/UTC", false},
		{"Europe//Berlin", false},
		{"Europe/Berlin/", false},
		{"zone.tab", false},
		{"Mars/Base", false}, // the right shape, but no such zone
		{"Europe/" + strings.Repeat("X", 64), false},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc, err := loadZone(tt.zone)
			if tt.ok {
				if err != nil || loc.String() != tt.zone {
					t.Fatalf("loadZone(%q) = %v, %v; want the zone", tt.zone, loc, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("loadZone(%q) accepted (%v)", tt.zone, loc)
			}
			if consentproxy.ErrorCode(err) != consentproxy.EINVALID || !strings.Contains(err.Error(), "canonical names only") {
				t.Fatalf("loadZone(%q): %v; want EINVALID naming the rule", tt.zone, err)
			}
		})
	}
}

// TestTimezoneRefusedWith400: through the API, a non-canonical zone is a
// 400 with the message, before any engine is asked.
func TestTimezoneRefusedWith400(t *testing.T) {
	app := newApp(t, Config{Store: nilStore{}, Now: func() time.Time { return fixNow }})
	for _, zone := range []string{"right/UTC", "posix/Europe/Berlin", "localtime", "Local", "../etc/passwd"} {
		a := get(t, app, "/api/v1/query?site=G-1&metrics=visitors&timezone="+url.QueryEscape(zone))
		if a.status != 400 || !strings.Contains(a.body, "not an IANA time zone name") {
			t.Errorf("timezone %q: %d %q; want 400 naming the rule", zone, a.status, a.body)
		}
	}
}
