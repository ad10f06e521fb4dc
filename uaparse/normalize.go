package uaparse

import (
	"strconv"
	"strings"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/mssola/useragent"
)

// Device classes. The set is closed so the devices table never grows a
// column value the dashboards do not know.
const (
	Desktop = "desktop"
	Mobile  = "mobile"
	Tablet  = "tablet"
)

// MaxInputLen bounds how much of a User-Agent is looked at. Real browsers
// stay well below it; anything longer is cut before parsing so a hostile
// header cannot make the (allocation-heavy) parser slow.
const MaxInputLen = 1024

// browserToken maps a product token to a browser family. useragent reports
// the last recognizable product, which is wrong for the many Chromium forks
// and in-app browsers that append their own token, so these tokens are
// checked first, in order: a more specific token must come before the
// generic one it co-occurs with (Edg/ before Chrome/, CriOS/ before Safari).
var browserTokens = []struct {
	token, family string
}{
	{"SamsungBrowser/", "Samsung Internet"},
	{"EdgA/", "Edge"},
	{"EdgiOS/", "Edge"},
	{"Edg/", "Edge"},
	{"Edge/", "Edge"},
	{"OPR/", "Opera"},
	{"OPiOS/", "Opera"},
	{"OPT/", "Opera"},
	{"YaBrowser/", "Yandex"},
	{"YaSearchBrowser/", "Yandex"},
	{"UCBrowser/", "UC Browser"},
	{"Vivaldi/", "Vivaldi"},
	{"DuckDuckGo/", "DuckDuckGo"},
	{"coc_coc_browser/", "Coc Coc"},
	{"MiuiBrowser/", "Mi Browser"},
	{"HuaweiBrowser/", "Huawei Browser"},
	{"Silk/", "Silk"},
	{"FBAV/", "Facebook"},
	{"Instagram ", "Instagram"},
	{"GSA/", "Google App"},
	{"FxiOS/", "Firefox"},
	{"Firefox/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"Chromium/", "Chromium"},
}

// libraryFamilies maps useragent's browser names to ours for UAs none of the
// tokens above recognized. Names not listed become "" so an arbitrary
// product name (which may carry an app or user identifier) is never counted.
var libraryFamilies = map[string]string{
	"Chrome":            "Chrome",
	"Firefox":           "Firefox",
	"Safari":            "Safari",
	"Edge":              "Edge",
	"Opera":             "Opera",
	"Internet Explorer": "Internet Explorer",
	"Chromium":          "Chromium",
	"YaBrowser":         "Yandex",
	"Coc Coc":           "Coc Coc",
	"DuckDuckGo":        "DuckDuckGo",
	"Google App":        "Google App",
	"Android":           "Android Browser",
}

// normalize turns one raw User-Agent into an Agent. It is the cache-miss
// path: correctness over speed. Every string it returns is either a constant
// or freshly formatted digits, so the Agent never points into ua's memory.
func normalize(ua string) consentproxy.Agent {
	if len(ua) > MaxInputLen {
		ua = ua[:MaxInputLen]
	}
	ua = strings.TrimSpace(ua)
	if ua == "" || implausible(ua) || isCrawler(ua) {
		// No real browser omits its User-Agent or sends a monster.
		return consentproxy.Agent{Bot: true}
	}
	lib, ok := libraryParse(ua)
	if !ok || lib.Bot() {
		return consentproxy.Agent{Bot: true}
	}
	var a consentproxy.Agent
	a.OS, a.OSVersion, a.Device = detectOS(ua)
	a.Browser, a.BrowserVersion = detectBrowser(ua, a.OS, lib)
	return a
}

// Structure limits of a plausible browser UA. Real ones have at most about
// five comments and thirty words (in-app browsers are the largest); the
// limits leave wide margin. Beyond them the string is forged, and parsing it
// would cost the library hundreds of microseconds per distinct value.
const (
	maxParens = 12
	maxWords  = 80
)

func implausible(ua string) bool {
	parens, words := 0, 0
	for i := 0; i < len(ua); i++ {
		switch ua[i] {
		case '(', '[':
			parens++
		case ' ':
			words++
		}
	}
	return parens > maxParens || words > maxWords
}

// libraryParse runs useragent, turning a panic on hostile input into "not a
// browser": a string that crashes a parser did not come from a browser.
func libraryParse(ua string) (lib *useragent.UserAgent, ok bool) {
	defer func() {
		if recover() != nil {
			lib, ok = nil, false
		}
	}()
	return useragent.New(ua), true
}

func detectBrowser(ua, os string, lib *useragent.UserAgent) (family, version string) {
	for _, t := range browserTokens {
		if i := strings.Index(ua, t.token); i >= 0 {
			return t.family, major(ua[i+len(t.token):])
		}
	}
	// Android WebView marks itself with "; wv)" and carries Chrome's version.
	if strings.Contains(ua, "; wv)") {
		if i := strings.Index(ua, "Chrome/"); i >= 0 {
			return "Android WebView", major(ua[i+len("Chrome/"):])
		}
	}
	if i := strings.Index(ua, "Chrome/"); i >= 0 {
		return "Chrome", major(ua[i+len("Chrome/"):])
	}
	if i := strings.Index(ua, "Trident/"); i >= 0 {
		// IE 8–11 report a Trident version that maps 1:1 to the IE version
		// even in compatibility mode, where the MSIE token lies.
		switch major(ua[i+len("Trident/"):]) {
		case "7":
			return "Internet Explorer", "11"
		case "6":
			return "Internet Explorer", "10"
		case "5":
			return "Internet Explorer", "9"
		case "4":
			return "Internet Explorer", "8"
		}
	}
	if i := strings.Index(ua, "MSIE "); i >= 0 {
		return "Internet Explorer", major(ua[i+len("MSIE "):])
	}
	if os == "iOS" || os == "macOS" {
		if strings.Contains(ua, "Safari/") {
			if i := strings.Index(ua, "Version/"); i >= 0 {
				return "Safari", major(ua[i+len("Version/"):])
			}
		}
		if os == "iOS" && strings.Contains(ua, "AppleWebKit/") && strings.Contains(ua, "Mobile/") {
			// A WKWebView inside an app: WebKit is Safari's, the app is unknown.
			return "Safari (in-app)", ""
		}
	}
	if os == "Android" && strings.Contains(ua, "Version/") && strings.Contains(ua, "Safari/") {
		// Pre-Chrome stock browser: its "Version/" is the browser's own.
		i := strings.Index(ua, "Version/")
		return "Android Browser", major(ua[i+len("Version/"):])
	}
	name, v := lib.Browser()
	if fam, ok := libraryFamilies[name]; ok {
		if fam == "Safari" && os != "iOS" && os != "macOS" {
			// WebKit on a console or TV is not Safari.
			return "", ""
		}
		return fam, major(v)
	}
	return "", ""
}

// detectOS reads the platform comment. It works on the raw string instead of
// useragent's OS fields because those keep vendor spellings ("CPU iPhone OS
// 17_5 like Mac OS X", "Intel Mac OS X 10_15_7") that would each become their
// own row.
func detectOS(ua string) (os, version, device string) {
	switch {
	case strings.Contains(ua, "Windows Phone"):
		return "Windows Phone", majorAfter(ua, "Windows Phone "), Mobile
	case strings.Contains(ua, "iPad"):
		return "iOS", iosVersion(ua), Tablet
	case strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPod"):
		return "iOS", iosVersion(ua), Mobile
	case strings.Contains(ua, "Android"):
		return "Android", majorAfter(ua, "Android "), androidDevice(ua)
	case strings.Contains(ua, "KAIOS") || strings.Contains(ua, "KaiOS"):
		return "KaiOS", "", Mobile
	case strings.Contains(ua, "CrOS "):
		return "ChromeOS", "", Desktop
	case strings.Contains(ua, "Windows NT"):
		return "Windows", windowsVersion(majorMinorAfter(ua, "Windows NT ")), Desktop
	case strings.Contains(ua, "Macintosh") || strings.Contains(ua, "Mac OS X"):
		return "macOS", macVersion(ua), Desktop
	case strings.Contains(ua, "SMART-TV") || strings.Contains(ua, "SmartTV") ||
		strings.Contains(ua, "Tizen") || strings.Contains(ua, "Web0S") || strings.Contains(ua, "webOS"):
		// TV and console platforms: not a class we report.
		return "", "", ""
	case strings.Contains(ua, "FreeBSD") || strings.Contains(ua, "OpenBSD") || strings.Contains(ua, "NetBSD"):
		return "BSD", "", Desktop
	case strings.Contains(ua, "Linux") || strings.Contains(ua, "X11"):
		return "Linux", "", Desktop
	case strings.Contains(ua, "Windows"):
		return "Windows", "", Desktop
	}
	return "", "", ""
}

// androidDevice follows Google's own convention: Chrome and Firefox put
// "Mobile" in phone UAs and leave it out on tablets. Kindle Fire (KF…)
// devices are tablets whatever they send.
func androidDevice(ua string) string {
	if strings.Contains(ua, "; KF") || strings.Contains(ua, "Kindle") {
		return Tablet
	}
	if strings.Contains(ua, "Mobile") {
		return Mobile
	}
	return Tablet
}

// iosVersion reads "iPhone OS 17_5" or "CPU OS 17_5" (iPad).
func iosVersion(ua string) string {
	if v := majorAfter(ua, "iPhone OS "); v != "" {
		return v
	}
	return majorAfter(ua, "CPU OS ")
}

// macVersion reports the marketing version: "10.x" for Mac OS X (where the
// minor number was the release: 10.15 is Catalina), the major number from
// 11 on. Browsers froze the UA at 10.15(.7) when Big Sur shipped, so "10.15"
// really means "10.15 or later"; we keep it rather than invent a version.
func macVersion(ua string) string {
	i := strings.Index(ua, "Mac OS X ")
	if i < 0 {
		return ""
	}
	rest := ua[i+len("Mac OS X "):]
	maj, n := leadingInt(rest)
	if n == 0 {
		return ""
	}
	if maj != 10 {
		if maj > 99 {
			return ""
		}
		return strconv.Itoa(maj)
	}
	rest = rest[n:]
	if rest == "" || (rest[0] != '_' && rest[0] != '.') {
		return "10"
	}
	minor, m := leadingInt(rest[1:])
	if m == 0 || minor > 99 {
		return "10"
	}
	return "10." + strconv.Itoa(minor)
}

// windowsVersion maps the NT kernel version to the marketing name. NT 10.0
// covers both Windows 10 and 11: the UA cannot tell them apart (only client
// hints can), so it is reported as "10".
func windowsVersion(nt string) string {
	switch nt {
	case "10.0":
		return "10"
	case "6.3":
		return "8.1"
	case "6.2":
		return "8"
	case "6.1":
		return "7"
	case "6.0":
		return "Vista"
	case "5.1", "5.2":
		return "XP"
	case "5.0":
		return "2000"
	}
	return ""
}

// majorMinorAfter returns "N.M" digits following token, or "".
func majorMinorAfter(ua, token string) string {
	i := strings.Index(ua, token)
	if i < 0 {
		return ""
	}
	rest := ua[i+len(token):]
	maj, n := leadingInt(rest)
	if n == 0 || n >= len(rest) || rest[n] != '.' {
		return ""
	}
	minor, m := leadingInt(rest[n+1:])
	if m == 0 {
		return ""
	}
	return strconv.Itoa(maj) + "." + strconv.Itoa(minor)
}

func majorAfter(ua, token string) string {
	i := strings.Index(ua, token)
	if i < 0 {
		return ""
	}
	return major(ua[i+len(token):])
}

// maxMajor rejects absurd version numbers, which only forged UAs send, so
// they cannot add rows to the devices table.
const maxMajor = 9999

// major formats the leading decimal number of s, "" when there is none.
// Formatting (instead of slicing s) drops leading zeros and guarantees the
// result does not share memory with the request.
func major(s string) string {
	v, n := leadingInt(s)
	if n == 0 || v > maxMajor {
		return ""
	}
	return strconv.Itoa(v)
}

// leadingInt parses up to 5 leading ASCII digits; n is how many were read.
func leadingInt(s string) (v, n int) {
	for n < len(s) && n < 5 && s[n] >= '0' && s[n] <= '9' {
		v = v*10 + int(s[n]-'0')
		n++
	}
	if n == 5 && len(s) > 5 && s[5] >= '0' && s[5] <= '9' {
		return 0, 0 // more than 5 digits: not a version
	}
	return v, n
}
