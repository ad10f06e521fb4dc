package web

import "strings"

// ETagMatch reports whether an If-None-Match header names any of etags, or
// "*". Comparison is weak, as RFC 9110 §13.1.2 asks for If-None-Match.
func ETagMatch(header string, etags ...string) bool {
	for header != "" {
		var tag string
		tag, header, _ = strings.Cut(header, ",")
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" {
			return true
		}
		for _, e := range etags {
			if tag == e {
				return true
			}
		}
	}
	return false
}

// Quality reads the q parameter of one Accept-* entry's parameters
// (";q=0.8;level=1") in thousandths: 1000 without one, ok false when a q
// value is not an RFC 9110 qvalue ("0", "1", up to three decimals).
func Quality(params string) (q int, ok bool) {
	q = 1000
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		if q, ok = qvalue(strings.TrimSpace(value)); !ok {
			return 0, false
		}
	}
	return q, true
}

func qvalue(s string) (int, bool) {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	n := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return n, true
	}
	if s[1] != '.' || len(s) > 5 {
		return 0, false
	}
	scale := 100
	for _, c := range s[2:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n += int(c-'0') * scale
		scale /= 10
	}
	if n > 1000 {
		return 0, false
	}
	return n, true
}
