package proxy

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEParams holds the README's table of what a forwarded hit looks
// like to the allowlist: every parameter the code forwards or refuses by
// name is in it, and it names no parameter the code does not know.
func TestREADMEParams(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "### What a forwarded hit looks like")
	end := strings.Index(s[start+1:], "\n### ")
	if start < 0 || end < 0 {
		t.Fatal("README has no section \"What a forwarded hit looks like\"")
	}
	listed := map[string]bool{}
	code := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(s[start:start+1+end], "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| headers") {
			continue
		}
		cells := strings.Split(line, "|")
		for _, c := range []string{cells[1], cells[2]} {
			for _, m := range code.FindAllStringSubmatch(c, -1) {
				listed[m[1]] = true
			}
		}
	}
	for k := range forwarded {
		if !listed[k] {
			t.Errorf("the README does not say what happens to %s", k)
		}
	}
	for k := range dropped {
		if !listed[k] {
			t.Errorf("the README does not list %s among what is dropped", k)
		}
	}
	for _, k := range searchTerms {
		if !listed[k] {
			t.Errorf("the README does not list the search term %s", k)
		}
	}
	families := map[string]bool{"ep.*": true, "epn.*": true, "up.*": true, "upn.*": true, "sst.*": true, "pr1": true, "pr200": true, "ep.q_*": true}
	for k := range listed {
		_, fwd := forwarded[k]
		_, drop := dropped[k]
		if fwd || drop || families[k] || strings.HasPrefix(k, "--") || isSearchTerm([]byte(k)) {
			continue
		}
		switch k {
		case "(redacted)", "::", "utm_*", "gclid", "US-CA", "X-Forwarded-CountryRegion: US-CA", "X-Forwarded-Country: DE":
			continue
		}
		t.Errorf("the README lists %q, which proxy/params.go does not know", k)
	}
}
