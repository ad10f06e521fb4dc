package static

import "strings"

type encoding uint8

const (
	encIdentity encoding = iota
	encGzip
	encBrotli
)

// Each encoding gets its own strong ETag: the bytes differ, and a cache
// must not serve one representation as the other.
var etagSuffix = [...]string{encIdentity: "", encGzip: "-gz", encBrotli: "-br"}

func etag(hash string, e encoding) string { return `"` + hash + etagSuffix[e] + `"` }

// negotiate picks the encoding for an Accept-Encoding header (RFC 9110
// §12.5.3): the accepted coding with the highest quality, brotli winning a
// tie because it is smaller; "*" stands for any coding not named; identity
// when nothing else is acceptable (the files are tiny, so never 406).
// Malformed entries are ignored.
func negotiate(header string) encoding {
	if len(header) > 1024 {
		header = header[:1024]
	}
	br, gz, star := -1, -1, -1
	for i := 0; i < 32 && header != ""; i++ {
		var entry string
		entry, header, _ = strings.Cut(header, ",")
		name, params, _ := strings.Cut(entry, ";")
		q, ok := quality(params)
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "br":
			br = q
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if br < 0 {
		br = star
	}
	if gz < 0 {
		gz = star
	}
	switch {
	case br > 0 && br >= gz:
		return encBrotli
	case gz > 0:
		return encGzip
	}
	return encIdentity
}

// quality reads the q parameter of an entry in thousandths; 1000 without one.
func quality(params string) (int, bool) {
	q := 1000
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		v := strings.TrimSpace(value)
		if v == "" || (v[0] != '0' && v[0] != '1') || len(v) > 5 || (len(v) > 1 && v[1] != '.') {
			return 0, false
		}
		q = int(v[0]-'0') * 1000
		scale := 100
		for _, c := range v[min(len(v), 2):] {
			if c < '0' || c > '9' {
				return 0, false
			}
			q += int(c-'0') * scale
			scale /= 10
		}
		if q > 1000 {
			return 0, false
		}
	}
	return q, true
}

// etagMatch reports whether an If-None-Match list names any encoding of the
// asset with this hash (weak comparison, as RFC 9110 §13.1.2 asks).
func etagMatch(header, hash string) bool {
	for header != "" {
		var tag string
		tag, header, _ = strings.Cut(header, ",")
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" {
			return true
		}
		for e := range etagSuffix {
			if tag == etag(hash, encoding(e)) {
				return true
			}
		}
	}
	return false
}
