package dims

import (
	"embed"
	"fmt"
	"strings"
)

// The lists are data, not code, so a maintainer can refresh them from their
// upstreams without a code change (formats and upstreams in data/README.txt).
//
//go:embed data/*.txt data/*.csv
var dataFS embed.FS

// domainList is one compiled host list of data/ (format in data/README.txt).
type domainList struct {
	hosts    map[string]bool // match the host or any subdomain
	anyTLD   map[string]bool // "google" for "google.*": exact host only
	names    map[string]bool // bare utm_source names
	numLines int
}

var (
	aiList    = mustList("ai.txt")
	emailList = mustList("email.txt")

	// categories is Google's source-category list: GA4 source → category.
	categories = mustCategories("ga4_source_categories.csv")
	// engines maps referrer hosts to the source and medium GA4 derives.
	engines = mustEngines("engines.txt")
	// spammers is the referrer-spam host set.
	spammers = mustHostSet("spammers.txt")
)

func mustRead(name string) string {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		panic(err) // embedded: cannot happen unless the build is broken
	}
	return string(b)
}

func mustList(name string) *domainList {
	l, err := parseList(name, mustRead(name))
	if err != nil {
		panic(err) // the lists are checked by tests; a bad edit must not ship
	}
	return l
}

// dataLines yields the trimmed, non-blank, non-comment lines of a list.
func dataLines(src string, f func(n int, line string) error) error {
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if err := f(n+1, line); err != nil {
			return err
		}
	}
	return nil
}

func parseList(name, src string) (*domainList, error) {
	l := &domainList{hosts: map[string]bool{}, anyTLD: map[string]bool{}, names: map[string]bool{}}
	err := dataLines(src, func(n int, line string) error {
		for i := 0; i < len(line); i++ {
			c := line[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '*') {
				return fmt.Errorf("%s:%d: %q is not a lower-case host or name", name, n, line)
			}
		}
		l.numLines++
		switch {
		case strings.HasSuffix(line, ".*"):
			base := strings.TrimSuffix(line, ".*")
			if base == "" || strings.Contains(base, "*") || base[0] == '.' || strings.HasSuffix(base, ".") {
				return fmt.Errorf("%s:%d: bad wildcard %q", name, n, line)
			}
			l.anyTLD[base] = true
		case strings.Contains(line, "*"):
			return fmt.Errorf("%s:%d: '*' only allowed as \".*\" suffix: %q", name, n, line)
		case strings.Contains(line, "."):
			if line[0] == '.' || line[len(line)-1] == '.' {
				return fmt.Errorf("%s:%d: bad host %q", name, n, line)
			}
			l.hosts[line] = true
		default:
			l.names[line] = true
		}
		return nil
	})
	return l, err
}

// matchHost reports whether the lower-case host is on the list.
func (l *domainList) matchHost(host string) bool {
	if host == "" {
		return false
	}
	for h := host; ; {
		if l.hosts[h] {
			return true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	return matchAnyTLD(l.anyTLD, host)
}

// matchAnyTLD reports whether host is "base.tld" for a base in set ("google"
// or "mail.ionos") and a short TLD (see shortTLD). Exact: a subdomain of
// google.de is not google.*.
func matchAnyTLD(set map[string]bool, host string) bool {
	if len(set) == 0 {
		return false
	}
	for i := 0; i < len(host); i++ {
		if host[i] == '.' && set[host[:i]] && shortTLD(host[i+1:]) {
			return true
		}
	}
	return false
}

// shortTLD accepts "de", "com", "co.uk", "com.br": one or two labels of 2–3
// letters. It keeps "google.*" from matching google.example.org.
func shortTLD(s string) bool {
	first, second, two := strings.Cut(s, ".")
	if !shortLabel(first) {
		return false
	}
	return !two || shortLabel(second)
}

func shortLabel(l string) bool {
	if len(l) < 2 || len(l) > 3 {
		return false
	}
	for i := 0; i < len(l); i++ {
		if l[i] < 'a' || l[i] > 'z' {
			return false
		}
	}
	return true
}

// matchSource matches a normalized utm_source: a bare name, or a host.
func (l *domainList) matchSource(src string) bool {
	if src == "" {
		return false
	}
	if l.names[src] {
		return true
	}
	if strings.IndexByte(src, '.') > 0 {
		return l.matchHost(strings.TrimPrefix(src, "www."))
	}
	return false
}

// category is a source category of Google's list.
type category uint8

const (
	catNone category = iota
	catSearch
	catShopping
	catSocial
	catVideo
)

func mustCategories(name string) map[string]category {
	m, err := parseCategories(name, mustRead(name))
	if err != nil {
		panic(err)
	}
	return m
}

// parseCategories reads Google's list as CSV: "source,SOURCE_CATEGORY_X".
// Sources are lower-cased: GA4 compares them case-insensitively and our
// utm_source is lower case already ("Google Shopping" → "google shopping").
func parseCategories(name, src string) (map[string]category, error) {
	m := map[string]category{}
	err := dataLines(src, func(n int, line string) error {
		s, c, ok := strings.Cut(line, ",")
		s = strings.ToLower(strings.TrimSpace(s))
		if !ok || s == "" {
			return fmt.Errorf("%s:%d: want source,category: %q", name, n, line)
		}
		var cat category
		switch strings.TrimSpace(c) {
		case "source_category":
			return nil // the header
		case "SOURCE_CATEGORY_SEARCH":
			cat = catSearch
		case "SOURCE_CATEGORY_SHOPPING":
			cat = catShopping
		case "SOURCE_CATEGORY_SOCIAL":
			cat = catSocial
		case "SOURCE_CATEGORY_VIDEO":
			cat = catVideo
		default:
			return fmt.Errorf("%s:%d: unknown category %q", name, n, c)
		}
		if old, dup := m[s]; dup && old != cat {
			return fmt.Errorf("%s:%d: %q is in two categories", name, n, s)
		}
		m[s] = cat
		return nil
	})
	return m, err
}

// engine is what GA4 derives from a referrer host of engines.txt.
type engine struct{ source, medium string }

// engineTable is engines.txt compiled; see lookup for the match order.
type engineTable struct {
	exact  map[string]engine // "bing.com": that host only
	subs   map[string]engine // "*.search.yahoo.com": that host and its subdomains
	anyTLD map[string]engine // "google.*", "images.google.*": under a short TLD
}

func mustEngines(name string) *engineTable {
	t, err := parseEngines(name, mustRead(name))
	if err != nil {
		panic(err)
	}
	return t
}

// parseEngines reads lines of "source medium pattern...".
func parseEngines(name, src string) (*engineTable, error) {
	t := &engineTable{exact: map[string]engine{}, subs: map[string]engine{}, anyTLD: map[string]engine{}}
	err := dataLines(src, func(n int, line string) error {
		f := strings.Fields(line)
		if len(f) < 3 || (f[1] != "organic" && f[1] != "referral") {
			return fmt.Errorf("%s:%d: want \"source organic|referral pattern...\": %q", name, n, line)
		}
		e := engine{f[0], f[1]}
		for _, p := range f[2:] {
			sub := strings.HasPrefix(p, "*.")
			base := strings.TrimPrefix(p, "*.")
			l, err := parseList(name, base) // same character rules
			if err != nil || l.numLines != 1 || len(l.names) != 0 || (sub && len(l.anyTLD) != 0) {
				return fmt.Errorf("%s:%d: bad pattern %q", name, n, p)
			}
			switch {
			case sub:
				t.subs[base] = e
			case len(l.anyTLD) != 0:
				t.anyTLD[strings.TrimSuffix(base, ".*")] = e
			default:
				t.exact[base] = e
			}
		}
		return nil
	})
	return t, err
}

// lookup finds the engine of a normalized host: the exact host, else the
// nearest "*.parent" pattern, else a "name.*" pattern. No allocation.
func (t *engineTable) lookup(host string) (engine, bool) {
	if e, ok := t.exact[host]; ok {
		return e, true
	}
	for h := host; ; {
		if e, ok := t.subs[h]; ok {
			return e, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	for i := 0; i < len(host); i++ {
		if host[i] == '.' {
			if e, ok := t.anyTLD[host[:i]]; ok && shortTLD(host[i+1:]) {
				return e, true
			}
		}
	}
	return engine{}, false
}

func mustHostSet(name string) map[string]struct{} {
	m, err := parseHostSet(name, mustRead(name))
	if err != nil {
		panic(err)
	}
	return m
}

// parseHostSet reads one host per line, lower-cased (the spam list has a few
// upper-case entries).
func parseHostSet(name, src string) (map[string]struct{}, error) {
	m := map[string]struct{}{}
	err := dataLines(src, func(n int, line string) error {
		h := strings.TrimPrefix(strings.ToLower(line), "www.")
		for i := 0; i < len(h); i++ {
			c := h[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
				return fmt.Errorf("%s:%d: %q is not a host", name, n, line)
			}
		}
		if h == "" || h[0] == '.' || h[len(h)-1] == '.' || !strings.Contains(h, ".") {
			return fmt.Errorf("%s:%d: %q is not a host", name, n, line)
		}
		m[h] = struct{}{}
		return nil
	})
	return m, err
}
