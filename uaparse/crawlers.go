package uaparse

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed crawlers.txt
var crawlersTxt string

// crawlerSet is the compiled crawlers.txt: unanchored patterns bucketed by
// their first byte, so a scan costs one bucket probe per input byte instead
// of one substring search per pattern.
type crawlerSet struct {
	anchored []string
	byFirst  [256][]string
}

var crawlers = mustCompileCrawlers(crawlersTxt)

func mustCompileCrawlers(src string) *crawlerSet {
	cs, err := compileCrawlers(src)
	if err != nil {
		// The file is embedded and checked by tests; a bad edit must stop
		// the build's tests, not silently disable bot detection.
		panic(err)
	}
	return cs
}

// compileCrawlers parses the crawler list format (see crawlers.txt).
func compileCrawlers(src string) (*crawlerSet, error) {
	cs := &crawlerSet{}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		anchored := line[0] == '^'
		if anchored {
			line = line[1:]
		}
		if line == "" {
			return nil, fmt.Errorf("crawlers.txt line %d: empty pattern", n+1)
		}
		for i := 0; i < len(line); i++ {
			if line[i] >= 0x80 || line[i] < 0x20 {
				return nil, fmt.Errorf("crawlers.txt line %d: pattern %q is not printable ASCII", n+1, line)
			}
		}
		p := strings.ToLower(line)
		if anchored {
			cs.anchored = append(cs.anchored, p)
		} else {
			cs.byFirst[p[0]] = append(cs.byFirst[p[0]], p)
		}
	}
	return cs, nil
}

// match reports whether any pattern occurs in ua, case-insensitively.
func (cs *crawlerSet) match(ua string) bool {
	for _, p := range cs.anchored {
		if hasPrefixFold(ua, p) {
			return true
		}
	}
	for i := 0; i < len(ua); i++ {
		for _, p := range cs.byFirst[lowerASCII(ua[i])] {
			if hasPrefixFold(ua[i:], p) {
				return true
			}
		}
	}
	return false
}

func isCrawler(ua string) bool { return crawlers.match(ua) }

// hasPrefixFold reports whether s starts with the lower-case ASCII pattern p,
// ignoring ASCII case in s.
func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lowerASCII(s[i]) != p[i] {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
