package uaparse

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// closed sets every Agent field must come from (versions are digits).
var (
	knownBrowsers = map[string]bool{"": true, "Android Browser": true, "Android WebView": true, "Safari (in-app)": true}
	knownOS       = map[string]bool{"": true, "Windows": true, "Windows Phone": true, "macOS": true, "iOS": true,
		"Android": true, "ChromeOS": true, "Linux": true, "BSD": true, "KaiOS": true}
	knownDevices = map[string]bool{"": true, Desktop: true, Mobile: true, Tablet: true}
	osVersions   = map[string]bool{"8.1": true, "Vista": true, "XP": true}
)

func init() {
	for _, t := range browserTokens {
		knownBrowsers[t.family] = true
	}
	for _, f := range libraryFamilies {
		knownBrowsers[f] = true
	}
	knownBrowsers["Chrome"], knownBrowsers["Internet Explorer"], knownBrowsers["Safari"] = true, true, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) <= 4
}

// FuzzParse checks that any header value yields a well-formed Agent: no
// panic, fields from the closed sets, digits-only versions, valid UTF-8, a
// bot with no other field, and the same answer cached and uncached.
func FuzzParse(f *testing.F) {
	for _, c := range loadCorpus(f) {
		f.Add(c.ua)
	}
	p := New(64)
	f.Fuzz(func(t *testing.T, ua string) {
		a := normalize(ua)
		if b := p.Parse(ua); b != a {
			t.Fatalf("cached %+v != uncached %+v", b, a)
		}
		if a.Bot && (a.Browser != "" || a.BrowserVersion != "" || a.OS != "" || a.OSVersion != "" || a.Device != "") {
			t.Fatalf("bot with fields: %+v", a)
		}
		if !knownBrowsers[a.Browser] || !knownOS[a.OS] || !knownDevices[a.Device] {
			t.Fatalf("field outside the closed sets: %+v", a)
		}
		if !isDigits(a.BrowserVersion) {
			t.Fatalf("browser version %q", a.BrowserVersion)
		}
		if v := a.OSVersion; !isDigits(v) && !osVersions[v] && !(strings.HasPrefix(v, "10.") && isDigits(v[3:])) {
			t.Fatalf("os version %q", v)
		}
		for _, s := range []string{a.Browser, a.BrowserVersion, a.OS, a.OSVersion, a.Device} {
			if !utf8.ValidString(s) || len(s) > 32 {
				t.Fatalf("bad field %q", s)
			}
		}
	})
}
