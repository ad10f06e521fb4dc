package dims

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed data/*.txt
var dataFS embed.FS

// domainList is one compiled list of data/ (format in data/README.txt).
type domainList struct {
	hosts    map[string]bool // match the host or any subdomain
	anyTLD   map[string]bool // "google" for "google.*": exact host only
	names    map[string]bool // bare utm_source names
	numLines int
}

var (
	aiList     = mustList("ai.txt")
	emailList  = mustList("email.txt")
	searchList = mustList("search.txt")
	socialList = mustList("social.txt")
)

func mustList(name string) *domainList {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		panic(err) // embedded: cannot happen unless the build is broken
	}
	l, err := parseList(name, string(b))
	if err != nil {
		panic(err) // the lists are checked by tests; a bad edit must not ship
	}
	return l
}

func parseList(name, src string) (*domainList, error) {
	l := &domainList{hosts: map[string]bool{}, anyTLD: map[string]bool{}, names: map[string]bool{}}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '*') {
				return nil, fmt.Errorf("%s:%d: %q is not a lower-case host or name", name, n+1, line)
			}
		}
		l.numLines++
		switch {
		case strings.HasSuffix(line, ".*"):
			base := strings.TrimSuffix(line, ".*")
			if base == "" || strings.Contains(base, "*") {
				return nil, fmt.Errorf("%s:%d: bad wildcard %q", name, n+1, line)
			}
			l.anyTLD[base] = true
		case strings.Contains(line, "*"):
			return nil, fmt.Errorf("%s:%d: '*' only allowed as \".*\" suffix: %q", name, n+1, line)
		case strings.Contains(line, "."):
			if line[0] == '.' || line[len(line)-1] == '.' {
				return nil, fmt.Errorf("%s:%d: bad host %q", name, n+1, line)
			}
			l.hosts[line] = true
		default:
			l.names[line] = true
		}
	}
	return l, nil
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
	if len(l.anyTLD) > 0 {
		// "name.tld" or "name.sld.tld" with short TLD labels.
		if i := strings.IndexByte(host, '.'); i > 0 && l.anyTLD[host[:i]] && shortTLD(host[i+1:]) {
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
