package uaparse

import (
	"strings"
	"testing"
	"unicode/utf8"

	consentproxy "github.com/consentproxy/consentproxy"
)

// closed sets every Agent field must come from (versions are digits).
var (
	knownBrowsers = map[string]bool{"": true, "Android Browser": true, "Android WebView": true, "Safari (in-app)": true}
	knownOS       = map[string]bool{"": true, "Windows": true, "Windows Phone": true, "macOS": true, "iOS": true,
		"Android": true, "ChromeOS": true, "Linux": true, "BSD": true, "KaiOS": true, "Tizen": true, "webOS": true}
	knownDevices = map[string]bool{"": true, Desktop: true, Mobile: true, Tablet: true, TV: true, Console: true}
	knownClasses = map[string]bool{}
	osVersions   = map[string]bool{"8.1": true, "Vista": true, "XP": true}
)

func init() {
	for _, t := range browserTokens {
		knownBrowsers[t.family] = true
	}
	knownBrowsers["Chrome"], knownBrowsers["Internet Explorer"], knownBrowsers["Safari"] = true, true, true
	knownBrowsers["Opera"] = true
	for _, c := range consentproxy.BotClasses() {
		knownClasses[c] = true
	}
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
// bot with a class and no other field, a visitor without a class, and the
// same answer cached and uncached.
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
		if a.Bot != knownClasses[a.BotClass] {
			t.Fatalf("bot class %q with Bot=%v", a.BotClass, a.Bot)
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
