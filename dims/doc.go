// Package dims turns the raw strings of a hit (page URL, referrer, language
// tag, country header) into the low-cardinality dimension values the
// aggregate tables store.
//
// Every function is pure, safe for concurrent use, never panics, and never
// logs. Outputs never contain a query string, a fragment, a referrer path or
// an e-mail address. The lists that decide channels live in data/ as text so
// they can be updated without touching code (format in data/README.txt).
package dims
