package uaparse

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/consentproxy/consentproxy/uaparse/internal/botlist"
)

// tvTokens mark smart TVs, set-top boxes and streaming sticks. They are
// checked before the phone/tablet rules because TV UAs often also say
// Android or Linux, and an Android UA without "Mobile" would otherwise
// count as a tablet.
var tvTokens = tokens(
	"smarttv", "smart-tv", "smart tv", "hbbtv", "crkey", "chromecast", "googletv", "google tv",
	"android tv", "androidtv", "appletv", "apple tv", "tvos", "roku", "bravia", "netcast", "web0s",
	"opera tv", "philipstv", "viera", "freebox", "dtv", "tizen tv", "webos tv", "nettv",
	"; aft", "fire tv", "mibox", "shield android tv", "smart_tv", "tv safari", "; tv)", "; tv;",
	// Opera's TV SDK ("OMI/"), which also spells the OS "Andr0id"; Hisense's
	// VIDAA, TCL's WebKit, BrightSign players, Yandex's TV platform
	// ("<brand> Shell <model>"), Android TV boxes and Xiaomi's TVs. Each
	// was measured against device-detector's phone and tablet fixtures.
	" omi/", "andr0id", "vidaa", "tclwebkit", "brightsign", " shell ", "tv box", " atv", "mitv", "dvb",
)

// legacyMobileTokens mark feature phones and pre-smartphone mobile
// platforms (Symbian, BlackBerry, Series 40, BREW, J2ME, WAP browsers).
// Their OS is not one we report, but they are phones, not programs: without
// this the structural rule would call them bots.
var legacyMobileTokens = tokens(
	"symbian", "series60", "series40", "s60;", "nokia", "blackberry", "bb10", "playbook", "rim tablet",
	"midp", "cldc", "j2me", "brew", "bada", "wap", "up.browser", "netfront", "obigo", "opera mini",
	"ucweb", "uc browser", "dolfin", "openwave", "teleca", "polaris", "maemo", "meego", "palm", "webos",
	"windows ce", "windows mobile", "onebrowser", "iemobile", "firefox os", "mobile;", "tablet;", "sailfish",
)

// consoleTokens mark game consoles, handheld ones included.
var consoleTokens = tokens("playstation", "xbox", "nintendo", "dreamcast")

// tokenSet is a token list as bytes, matched against the lower-cased UA
// with bytes.Contains (SIMD-accelerated, no conversion per call).
type tokenSet [][]byte

func tokens(ts ...string) tokenSet {
	out := make(tokenSet, len(ts))
	for i, t := range ts {
		out[i] = []byte(t)
	}
	return out
}

func (ts tokenSet) in(lc []byte) bool {
	for _, t := range ts {
		if bytes.Contains(lc, t) {
			return true
		}
	}
	return false
}

// detectOS reads the platform comment. It works on the raw string because
// vendor spellings ("CPU iPhone OS 17_5 like Mac OS X", "Intel Mac OS X
// 10_15_7") would otherwise each become their own row.
// lc is ua lower-cased, for the case-insensitive device tokens.
func detectOS(ua string, lc []byte) (os, version, device string) {
	os, version, device = detectPlatform(ua)
	switch {
	case consoleTokens.in(lc):
		device = Console
	case tvTokens.in(lc):
		device = TV
	case os == "Android":
		if s, e := botlist.AndroidModel(lc); e > s {
			switch m := lc[s:e]; {
			case tvModel(m):
				device = TV
			case tabletModel(m):
				device = Tablet
			}
		}
	case device == "" && os == "" && legacyMobileTokens.in(lc):
		device = Mobile
	}
	return os, version, device
}

func detectPlatform(ua string) (os, version, device string) {
	switch {
	case strings.Contains(ua, "Windows Phone") || strings.Contains(ua, "ZuneWP7") || strings.Contains(ua, "; wds "):
		return "Windows Phone", majorAfter(ua, "Windows Phone "), Mobile
	case strings.Contains(ua, "iPad"):
		return "iOS", iosVersion(ua), Tablet
	case strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPod"):
		return "iOS", iosVersion(ua), Mobile
	case strings.Contains(ua, "Android"):
		return "Android", majorAfter(ua, "Android "), androidDevice(ua)
	case strings.HasPrefix(ua, "IUC(") || strings.Contains(ua, "(iOS;"):
		// UC Browser's own format: "IUC(U;iOS 5.1.1;…" and "JUC (Linux; U; 2.3.6;…".
		return "iOS", majorAfter(ua, "iOS "), Mobile
	case strings.HasPrefix(ua, "JUC (") || strings.HasPrefix(ua, "JUC(") || strings.Contains(ua, "; Adr "):
		return "Android", "", Mobile
	case strings.Contains(ua, "Silk/"):
		// Kindle Fire's Silk in its desktop-like mode drops "Android".
		return "Android", "", Tablet
	case strings.Contains(ua, "KAIOS") || strings.Contains(ua, "KaiOS"):
		return "KaiOS", "", Mobile
	case strings.Contains(ua, "CrOS "):
		return "ChromeOS", "", Desktop
	case strings.Contains(ua, "Tizen"):
		if strings.Contains(ua, "Mobile") || strings.Contains(ua, "mobile") {
			return "Tizen", "", Mobile
		}
		return "Tizen", "", ""
	case strings.Contains(ua, "Web0S") || strings.Contains(ua, "webOS") || strings.Contains(ua, "hpwOS"):
		return "webOS", "", ""
	case strings.Contains(ua, "Windows NT"):
		return "Windows", windowsVersion(majorMinorAfter(ua, "Windows NT ")), Desktop
	case strings.Contains(ua, "Macintosh") || strings.Contains(ua, "Mac OS X") || strings.Contains(ua, "Mac_P"):
		return "macOS", macVersion(ua), Desktop
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

// tvModel reports whether an Android UA's device model reads like a TV's:
// a screen size in inches before the series ("32H700GU", "U43F8000Q",
// "VHIX-43U169MSY"), or the words box, uhd or 4k. Android TVs and boxes
// often say neither "TV" nor anything else but their model; device-detector
// knows them from a model list per brand, which we do not keep. Measured on
// its fixtures, the rule makes 316 more of its 3,131 TVs TVs and 2 of its
// 31,700 phones and tablets TVs; a prefix of two or more letters must end
// in a dash because MS50A4000 is a phone.
func tvModel(m []byte) bool {
	if hasWord(m, true, "box", "uhd", "4k") {
		return true
	}
	// Optional prefix: one letter, or two to four letters and a dash.
	i := 0
	for i < len(m) && i < 4 && isLetter(m[i]) {
		i++
	}
	switch {
	case i == 1:
	case i >= 2 && i < len(m) && m[i] == '-':
		i++
	default:
		i = 0
	}
	// Size 24..89, then 1-4 letters, 2-5 digits, then letters and digits.
	if i+2 > len(m) || !isDigit(m[i]) || !isDigit(m[i+1]) || m[i] < '2' || m[i] == '2' && m[i+1] < '4' {
		return false
	}
	i += 2
	n := 0
	for i < len(m) && isLetter(m[i]) {
		i, n = i+1, n+1
	}
	if n < 1 || n > 4 {
		return false
	}
	d := 0
	for i < len(m) && isDigit(m[i]) {
		i, d = i+1, d+1
	}
	if d < 2 || d > 5 {
		return false
	}
	for ; i < len(m); i++ {
		if !isLetter(m[i]) && !isDigit(m[i]) {
			return false
		}
	}
	return true
}

// tabletModel reports whether an Android UA's device model names a tablet
// whatever the browser says ("Mobile" comes from many tablets' WebViews):
// Samsung's Galaxy Tab series (SM-T, SM-P, SM-X), Lenovo's TB- series, or
// the word tab or tablet. On device-detector's fixtures it moves 135 of its
// tablets from mobile to tablet, and 2 of its phones to tablet.
func tabletModel(m []byte) bool {
	if len(m) < 3 {
		return false
	}
	if len(m) > 4 && (string(m[:4]) == "sm-t" || string(m[:4]) == "sm-p" || string(m[:4]) == "sm-x") && isDigit(m[4]) {
		return true
	}
	if bytes.HasPrefix(m, []byte("lenovo ")) {
		m = m[len("lenovo "):]
	}
	if len(m) > 3 && string(m[:2]) == "tb" && (m[2] == '-' || isDigit(m[2])) {
		return true
	}
	return hasWord(m, false, "tab", "tablet")
}

// hasWord reports whether the lower-cased model m holds one of words as a
// whole word: a run of letters, or of letters and digits when digits is set.
func hasWord(m []byte, digits bool, words ...string) bool {
	for ws := 0; ws < len(m); {
		we := ws
		for we < len(m) && (isLetter(m[we]) || digits && isDigit(m[we])) {
			we++
		}
		for _, w := range words {
			if string(m[ws:we]) == w { // no allocation
				return true
			}
		}
		ws = we + 1
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
