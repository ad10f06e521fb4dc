package static

import (
	"strings"

	"github.com/consentproxy/consentproxy/web"
)

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
		q, ok := web.Quality(params)
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

// etagMatch reports whether an If-None-Match list names any encoding of the
// asset with this hash (weak comparison, as RFC 9110 §13.1.2 asks).
func etagMatch(header, hash string) bool {
	return web.ETagMatch(header, etag(hash, encIdentity), etag(hash, encGzip), etag(hash, encBrotli))
}
