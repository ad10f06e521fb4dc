package uaparse

import (
	"strings"

	"github.com/mssola/useragent"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/uaparse/internal/botlist"
)

// Device classes, the root package's closed set (kept as aliases so callers
// of this package need not import both).
const (
	Desktop = consentproxy.DeviceDesktop
	Mobile  = consentproxy.DeviceMobile
	Tablet  = consentproxy.DeviceTablet
	TV      = consentproxy.DeviceTV
	Console = consentproxy.DeviceConsole
)

// MaxInputLen bounds how much of a User-Agent is looked at. Real browsers
// stay well below it; anything longer is cut before parsing so a hostile
// header cannot make parsing slow.
const MaxInputLen = 1024

// browserTokens map a product token to a browser family, checked in order
// on the raw UA. Chromium forks and in-app browsers append their own token
// to Chrome's (and iOS apps to Safari's), so the specific token must come
// before the generic one it co-occurs with: Edg/ before Chrome/, CriOS/
// before Safari, FBAV/ before "; wv)". noVersion families report no
// version: an app's own build number says nothing about its engine.
var browserTokens = []struct {
	token, family string
	noVersion     bool
}{
	// In-app browsers first: they wrap WebView or WKWebView and often also
	// carry a fork's or Chrome's token.
	{"FBAV/", "Facebook", false},
	{"FBAN/", "Facebook", true},
	{"FB_IAB/", "Facebook", true},
	{"Instagram ", "Instagram", false},
	{"MicroMessenger/", "WeChat", false},
	{"musical_ly", "TikTok", true},
	{"BytedanceWebview/", "TikTok", true},
	{"TikTok ", "TikTok", true},
	{"Snapchat/", "Snapchat", false},
	{"Snapchat ", "Snapchat", true},
	{"[Pinterest/", "Pinterest", true},
	{"Pinterest for ", "Pinterest", true},
	{"LinkedInApp", "LinkedIn", true},
	{"Twitter for ", "Twitter", true},
	{"TwitterAndroid", "Twitter", true},
	{" Line/", "Line", false},
	{"GSA/", "Google App", false},
	// Chromium forks, then the rest.
	{"SamsungBrowser/", "Samsung Internet", false},
	{"EdgA/", "Edge", false},
	{"EdgiOS/", "Edge", false},
	{"Edg/", "Edge", false},
	{"Edge/", "Edge", false},
	{"OPR/", "Opera", false},
	{"OPX/", "Opera", false},
	{"OPiOS/", "Opera", false},
	{"OPT/", "Opera", false},
	{"Opera Mini/", "Opera Mini", false},
	{"Opera Mobi/", "Opera", true},
	{"YaBrowser/", "Yandex", false},
	{"YaSearchBrowser/", "Yandex", false},
	{"UCBrowser/", "UC Browser", false},
	{"UCWEB", "UC Browser", true},
	{"UC Browser", "UC Browser", false},
	{"Vivaldi/", "Vivaldi", false},
	{"Whale/", "Whale", false},
	{"Brave/", "Brave", false},
	{"DuckDuckGo/", "DuckDuckGo", false},
	{"Ddg/", "DuckDuckGo", false},
	{"coc_coc_browser/", "Coc Coc", false},
	{"MiuiBrowser/", "Mi Browser", false},
	{"XiaoMi/MiuiBrowser/", "Mi Browser", false},
	{"HuaweiBrowser/", "Huawei Browser", false},
	{"HeyTapBrowser/", "HeyTap Browser", false},
	{"QQBrowser/", "QQ Browser", false},
	{"MQQBrowser/", "QQ Browser", false},
	{"QQBrowser", "QQ Browser", true},
	{"Puffin/", "Puffin", false},
	{"Silk/", "Silk", false},
	{"FxiOS/", "Firefox", false},
	{"Firefox/", "Firefox", false},
	{"CriOS/", "Chrome", false},
	{"Chromium/", "Chromium", false},
}

// normalize turns one raw User-Agent into an Agent. It is the cache-miss
// path. Every string it returns is either a constant or freshly formatted
// digits, so the Agent never points into ua's memory.
func normalize(ua string) consentproxy.Agent {
	if len(ua) > MaxInputLen {
		ua = ua[:MaxInputLen]
	}
	ua = strings.TrimSpace(ua)
	if ua == "" || implausible(ua) {
		// No real browser omits its User-Agent or sends a monster.
		return bot(consentproxy.BotOther)
	}
	var buf [MaxInputLen]byte
	lc := botlist.Lower(buf[:], ua) // once, for every case-insensitive check
	if c := crawlers.Match(lc); c != "" {
		return bot(c)
	}
	var a consentproxy.Agent
	a.OS, a.OSVersion, a.Device = detectOS(ua, lc)
	a.Browser, a.BrowserVersion = detectBrowser(ua, a.OS)
	if a.Browser == "" && a.OS == "" && a.Device == "" {
		// Structural rule: every browser names its platform or itself; a UA
		// doing neither is a program, whatever product name it picked.
		if looksLikeLibrary(ua) {
			return bot(consentproxy.BotLibrary)
		}
		return bot(consentproxy.BotOther)
	}
	return a
}

// bot is the Agent of a non-visitor: the class and nothing else, so no
// field of a bot's UA reaches the devices table.
func bot(class string) consentproxy.Agent {
	return consentproxy.Agent{Bot: true, BotClass: class}
}

// looksLikeLibrary reports a UA that starts with a "name/version" product
// other than the Mozilla/Opera browser prefixes (curl/8.0, okhttp/4.12,
// Go-http-client/1.1, python-requests/2.31 (...)): what HTTP libraries send.
func looksLikeLibrary(ua string) bool {
	slash := strings.IndexByte(ua, '/')
	if slash <= 0 || slash+1 >= len(ua) || ua[slash+1] < '0' || ua[slash+1] > '9' {
		return false
	}
	name := ua[:slash]
	if strings.ContainsAny(name, " ;()") || name == "Mozilla" || name == "Opera" {
		return false
	}
	return true
}

// Structure limits of a plausible browser UA. Real ones have at most about
// five comments and thirty words (in-app browsers are the largest); the
// limits leave wide margin. Beyond them the string is forged.
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

func detectBrowser(ua, os string) (family, version string) {
	for _, t := range browserTokens {
		if t.family == "Firefox" && strings.Contains(ua, "Trident/") {
			continue // an Internet Explorer claiming to be Firefox
		}
		if i := strings.Index(ua, t.token); i >= 0 {
			if t.noVersion {
				return t.family, ""
			}
			return t.family, major(ua[i+len(t.token):])
		}
	}
	chrome := strings.Index(ua, "Chrome/")
	// Android WebView marks itself with "; wv)"; older ones only by the
	// stock browser's "Version/4.0" next to Chrome's token.
	if chrome >= 0 && (strings.Contains(ua, "; wv)") || os == "Android" && strings.Contains(ua, "Version/4.0")) {
		return "Android WebView", major(ua[chrome+len("Chrome/"):])
	}
	if chrome >= 0 {
		return "Chrome", major(ua[chrome+len("Chrome/"):])
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
	if strings.Contains(ua, "chromeframe/") {
		// Internet Explorer with the Chrome Frame plug-in rendered in Chrome.
		return "Chrome", ""
	}
	if i := strings.Index(ua, "MSIE "); i >= 0 {
		return "Internet Explorer", major(ua[i+len("MSIE "):])
	}
	if os == "iOS" || os == "macOS" {
		if strings.Contains(ua, "Safari/") {
			if i := strings.Index(ua, "Version/"); i >= 0 {
				return "Safari", major(ua[i+len("Version/"):])
			}
			if !strings.Contains(ua, "Mobile/") {
				return "Safari", "" // Safari 1–2 had no Version/ token
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
	if strings.HasPrefix(ua, "Opera/") {
		// Presto Opera (up to 12) puts its real version after "Version/".
		if i := strings.Index(ua, "Version/"); i >= 0 {
			return "Opera", major(ua[i+len("Version/"):])
		}
		return "Opera", major(ua[len("Opera/"):])
	}
	switch os {
	case "Windows", "macOS", "Linux", "ChromeOS":
		// Desktop platforms only: on TVs, phones and feature phones
		// useragent's guesses (Tizen as "Android Browser", a TV's WebKit as
		// Safari) are wrong more often than right.
		return libraryBrowser(ua)
	}
	return "", ""
}

// libraryFamilies are the names of mssola/useragent's browser detection we
// accept for a UA none of the tokens above recognized (old and odd
// spellings of the families we know). Any other name it reports is a
// product's self-chosen name, which may carry an app or user identifier,
// so it becomes "".
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

// libraryBrowser is the last resort, useragent's parser: it allocates, but
// only the rare UA no token matched gets here, and only on a cache miss.
func libraryBrowser(ua string) (family, version string) {
	name, v := useragent.New(ua).Browser()
	f, ok := libraryFamilies[name]
	if !ok {
		return "", ""
	}
	return f, major(v)
}
