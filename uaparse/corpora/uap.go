package corpora

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// browserFamilies maps uap family names onto ours. Families not listed are
// ones uaparse deliberately does not report (it keeps a closed list of
// browsers that matter for a site's audience: old mobile browsers like
// NetFront, Obigo or BlackBerry, mail clients, media players, niche forks
// and Chrome-based apps without a token of their own); they are left out of
// the agreement instead of counted as errors.
var browserFamilies = map[string]string{
	"Chrome": "Chrome", "Chrome Mobile": "Chrome", "Chrome Mobile iOS": "Chrome", "Chrome Frame": "Chrome",
	"Chrome Mobile WebView": "Android WebView",
	"Firefox":               "Firefox", "Firefox Mobile": "Firefox", "Firefox iOS": "Firefox", "Firefox Beta": "Firefox",
	"Safari": "Safari", "Mobile Safari": "Safari",
	"Mobile Safari UI/WKWebView": "Safari (in-app)",
	"Edge":                       "Edge", "Edge Mobile": "Edge",
	"Opera": "Opera", "Opera Mobile": "Opera", "Opera Mini": "Opera Mini",
	"Samsung Internet":  "Samsung Internet",
	"Yandex Browser":    "Yandex",
	"UC Browser":        "UC Browser",
	"Vivaldi":           "Vivaldi",
	"Whale":             "Whale",
	"DuckDuckGo Mobile": "DuckDuckGo",
	"Coc Coc":           "Coc Coc",
	"MiuiBrowser":       "Mi Browser",
	"Huawei Browser":    "Huawei Browser",
	"Facebook":          "Facebook",
	"Instagram":         "Instagram",
	"WeChat":            "WeChat",
	"LINE":              "Line",
	"Snapchat":          "Snapchat",
	"Pinterest":         "Pinterest",
	"LinkedIn":          "LinkedIn",
	"Twitter":           "Twitter",
	"Google":            "Google App",
	"IE":                "Internet Explorer",
	"Android":           "Android Browser",
	"Amazon Silk":       "Silk",
	"Chromium":          "Chromium",
	"QQ Browser":        "QQ Browser", "QQ Browser Mobile": "QQ Browser",
	"Puffin": "Puffin",
	"Brave":  "Brave",
}

// osFamilies maps uap OS names onto ours; unlisted ones (Symbian,
// BlackBerry OS, Windows CE/Mobile, BREW, Firefox OS, …) are not reported.
var osFamilies = map[string]string{
	"Windows": "Windows", "Windows 10": "Windows", "Windows 8.1": "Windows", "Windows 8": "Windows",
	"Windows 7": "Windows", "Windows Vista": "Windows", "Windows XP": "Windows", "Windows 2000": "Windows",
	"Windows NT": "Windows", "Windows NT 4.0": "Windows",
	"Windows Phone": "Windows Phone",
	"Mac OS X":      "macOS", "Mac OS": "macOS",
	"iOS":       "iOS",
	"Android":   "Android",
	"Chrome OS": "ChromeOS", "ChromeOS": "ChromeOS",
	"Linux": "Linux", "Ubuntu": "Linux", "Fedora": "Linux", "Debian": "Linux", "Mandriva": "Linux",
	"Gentoo": "Linux", "Red Hat": "Linux", "SUSE": "Linux", "Slackware": "Linux", "Linux Mint": "Linux",
	"FreeBSD": "BSD", "OpenBSD": "BSD", "NetBSD": "BSD",
	"KaiOS": "KaiOS",
	"Tizen": "Tizen",
	"webOS": "webOS",
}

// MapBrowser returns our family for a uap browser family; ok is false for
// families we do not report.
func MapBrowser(uap string) (string, bool) { f, ok := browserFamilies[uap]; return f, ok }

// MapOS is MapBrowser for OS families.
func MapOS(uap string) (string, bool) { f, ok := osFamilies[uap]; return f, ok }

// uapBotFamily reports the fixture families that are bots, libraries or
// native app HTTP stacks rather than browsers.
func uapBotFamily(f string) bool {
	switch f {
	case "Spider", "CFNetwork", "Python Requests", "PyAMF", "Java", "curl", "Wget", "PhantomJS",
		"Other": // "Other" is uap's unknown, not a browser

		return true
	}
	l := strings.ToLower(f)
	return strings.HasSuffix(l, "bot") || strings.Contains(l, "monitor") || strings.Contains(l, "spider")
}

// Ref is uap-core's reference parser (regexes.yaml), used to label real
// browser UAs that come without a family.
type Ref struct {
	ua, os []rule
}

type rule struct {
	re   *regexp.Regexp
	repl string // family replacement, "$1" substituted
}

// UAPCore loads uap-core's regexes.yaml. Every regex there is RE2-compatible.
func UAPCore(dir string) (*Ref, error) {
	b, err := read(dir, "uap-core/regexes.yaml")
	if err != nil {
		return nil, err
	}
	var doc struct {
		UA []map[string]string `yaml:"user_agent_parsers"`
		OS []map[string]string `yaml:"os_parsers"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	compile := func(in []map[string]string, key string) ([]rule, error) {
		out := make([]rule, 0, len(in))
		for _, m := range in {
			src := m["regex"]
			if m["regex_flag"] == "i" {
				src = "(?i)" + src
			}
			re, err := regexp.Compile(src)
			if err != nil {
				return nil, err
			}
			out = append(out, rule{re, m[key]})
		}
		return out, nil
	}
	r := &Ref{}
	if r.ua, err = compile(doc.UA, "family_replacement"); err != nil {
		return nil, err
	}
	if r.os, err = compile(doc.OS, "os_replacement"); err != nil {
		return nil, err
	}
	return r, nil
}

func apply(rules []rule, ua string) string {
	for _, r := range rules {
		m := r.re.FindStringSubmatch(ua)
		if m == nil {
			continue
		}
		if r.repl == "" {
			if len(m) > 1 {
				return m[1]
			}
			return "Other"
		}
		out := r.repl
		if strings.Contains(out, "$1") && len(m) > 1 {
			out = strings.ReplaceAll(out, "$1", m[1])
		}
		return out
	}
	return "Other"
}

// Browser is uap-core's browser family for ua.
func (r *Ref) Browser(ua string) string { return apply(r.ua, ua) }

// OS is uap-core's OS family for ua.
func (r *Ref) OS(ua string) string { return apply(r.os, ua) }
