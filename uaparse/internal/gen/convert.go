package main

import (
	"fmt"
	"strings"
)

// toGlobs converts the simple regular expressions the public lists use into
// botlist globs ('*' for any text, '^' and '$' anchors). It handles
// literals, escapes, case-variant classes ("[gG]"), alternation and groups
// (expanded, at most maxAlts results), '?' after a character or group,
// and turns anything else that matches variable text (\d+, [\s\S]*, ., [^-])
// into a gap. What it cannot express (lookarounds, counted repeats) is an
// error: the maintainer translates it by hand in the tables of main.go.
func toGlobs(re string) ([]string, error) {
	alts, rest, err := parseAlt(re)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("unbalanced ')' in %q", re)
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range alts {
		g := tidy(a)
		if g != "" && !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q has no literal text", re)
	}
	return out, nil
}

const maxAlts = 16

// parseAlt parses alternatives up to an unmatched ')' or the end.
func parseAlt(s string) (alts []string, rest string, err error) {
	cur := []string{""}
	for s != "" {
		c := s[0]
		var items []string // what the next atom can be
		switch {
		case c == ')':
			return append(alts, cur...), s, nil
		case c == '|':
			alts = append(alts, cur...)
			cur = []string{""}
			s = s[1:]
			continue
		case c == '(':
			inner := s[1:]
			if strings.HasPrefix(inner, "?:") {
				inner = inner[2:]
			} else if strings.HasPrefix(inner, "?") {
				return nil, "", fmt.Errorf("lookaround or flag group")
			}
			sub, r, err := parseAlt(inner)
			if err != nil {
				return nil, "", err
			}
			if r == "" || r[0] != ')' {
				return nil, "", fmt.Errorf("unbalanced '('")
			}
			items, s = sub, r[1:]
		case c == '[':
			end := strings.IndexByte(s[1:], ']')
			if end < 0 {
				return nil, "", fmt.Errorf("unbalanced '['")
			}
			items, s = []string{classItem(s[1 : end+1])}, s[end+2:]
		case c == '\\':
			if len(s) < 2 {
				return nil, "", fmt.Errorf("trailing backslash")
			}
			switch e := s[1]; {
			case strings.IndexByte("dDsSwW", e) >= 0:
				items = []string{"*"}
			case e == 'b':
				items = []string{""}
			case strings.IndexByte(`/.()[]{}+*?|\^$-!'"@ `, e) >= 0:
				items = []string{string(e)}
			default:
				return nil, "", fmt.Errorf("escape \\%c", e)
			}
			s = s[2:]
		case c == '.':
			items, s = []string{"*"}, s[1:]
		case c == '^' || c == '$':
			items, s = []string{string(c)}, s[1:]
		case c == '{':
			return nil, "", fmt.Errorf("counted repeat")
		default:
			items, s = []string{string(c)}, s[1:]
		}
		if s != "" && (s[0] == '*' || s[0] == '+') {
			if len(items) == 1 && items[0] == "*" {
				s = s[1:]
			} else if s[0] == '+' {
				// x+ is x followed by anything of the same kind: x then a gap.
				for i := range items {
					items[i] += "*"
				}
				s = s[1:]
			} else {
				items, s = []string{"*"}, s[1:]
			}
		}
		if s != "" && s[0] == '?' {
			items, s = append(items, ""), s[1:]
		}
		var next []string
		for _, a := range cur {
			for _, it := range items {
				next = append(next, a+it)
			}
		}
		if len(next) > maxAlts {
			return nil, "", fmt.Errorf("more than %d alternatives", maxAlts)
		}
		cur = next
	}
	return append(alts, cur...), "", nil
}

// classItem turns a bracket class into one byte when its members are case
// variants of one letter ("gG"), else into a gap.
func classItem(body string) string {
	if body != "" && body[0] != '^' && !strings.ContainsAny(body, `\-`) {
		l := strings.ToLower(body)
		if strings.Trim(l, l[:1]) == "" {
			return l[:1]
		}
	}
	return "*"
}

// tidy normalizes a raw expansion: anchors only at the ends ('^' or '$'
// elsewhere make the alternative impossible or are dropped), no repeated or
// edge gaps, no one-byte pieces between gaps, lower case.
func tidy(g string) string {
	anchorStart := strings.HasPrefix(g, "^")
	anchorEnd := strings.HasSuffix(g, "$")
	// Edge spaces ("^sora ", " daum/") mean "a word ends or starts here",
	// which botlist's word boundaries already say.
	g = strings.TrimSpace(strings.Trim(g, "^$"))
	if strings.ContainsAny(g, "^$") {
		return ""
	}
	var pieces []string
	for _, p := range strings.Split(g, "*") {
		if p != "" {
			pieces = append(pieces, p)
		}
	}
	// One-byte pieces between gaps ("\d\.\d") say nothing useful.
	var kept []string
	for i, p := range pieces {
		if len(p) == 1 && i > 0 && i < len(pieces)-1 {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == 0 {
		return ""
	}
	out := strings.ToLower(strings.Join(kept, "*"))
	if anchorStart {
		out = "^" + out
	}
	if anchorEnd {
		out += "$"
	}
	return out
}
