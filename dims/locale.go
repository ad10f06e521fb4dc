package dims

import "strings"

// Language reduces a language tag (GA4's ul, or an Accept-Language header)
// to its primary language subtag in lower case: "en-US" → "en",
// "de-CH,de;q=0.9" → "de", "zh_Hant_TW" → "zh". Region and script are
// dropped on purpose: the primary subtag is what "visitors by language"
// means, it keeps the table small, and the full tag adds fingerprinting
// detail for no reporting value (a consequence: zh-TW and zh-CN merge).
// Returns "" for anything that is not a 2–3 letter ISO 639 code, and for
// "und", "mul", "mis", "zxx" and private-use tags.
func Language(ul string) string {
	s := ul
	if i := strings.IndexAny(s, ",;"); i >= 0 {
		s = s[:i]
	}
	s = strings.Trim(s, " \t")
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) < 2 || len(s) > 3 {
		return ""
	}
	lower := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z':
			lower = false
		default:
			return ""
		}
	}
	if !lower {
		s = strings.ToLower(s)
	}
	switch s {
	case "und", "mul", "mis", "zxx":
		return ""
	}
	if s >= "qaa" && s <= "qtz" { // ISO 639-2 private use
		return ""
	}
	return s
}

var countries = loadCountries()

func loadCountries() map[string]string {
	b, err := dataFS.ReadFile("data/countries.txt")
	if err != nil {
		panic(err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if len(line) != 2 || line[0] < 'A' || line[0] > 'Z' || line[1] < 'A' || line[1] > 'Z' {
			continue // comments and blank lines; the test counts the codes
		}
		m[line] = line // the value is the canonical, non-aliasing string
	}
	m["UK"] = "GB" // exceptionally reserved for the United Kingdom; some CDNs send it
	return m
}

// Country validates a country code from a CDN header (CF-IPCountry,
// CloudFront-Viewer-Country, X-Vercel-IP-Country, …) or a GeoIP lookup:
// trimmed, upper-cased, "UK" read as "GB", and accepted only if it is an
// assigned ISO 3166-1 alpha-2 code or XK (Kosovo). Pseudo-codes such as
// "XX" (unknown), "T1" (Tor), "A1"/"A2" (proxy, satellite), "EU", "AP" or
// "ZZ" return "", since none of them is a country.
func Country(code string) string {
	s := strings.Trim(code, " \t")
	if len(s) != 2 {
		return ""
	}
	var b [2]byte
	for i := 0; i < 2; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[i] = c
	}
	return countries[string(b[:])] // no allocation: map lookup by converted key
}
