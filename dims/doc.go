// Package dims turns the raw strings of a hit (page URL, referrer, language
// tag, country header) into the low-cardinality dimension values the
// aggregate tables store.
//
// Channels are GA4's default channel group, so that a site owner comparing
// our numbers with GA4's sees the same split (SourceWith documents the
// derivation and the one deliberate difference, webmail as e-mail); an
// extra AI-assistant channel is an option (Options.AIChannel), off by
// default.
//
// Every function is pure, safe for concurrent use, never panics, and never
// logs. Outputs never contain a query string, a fragment, a referrer path or
// an e-mail address. The lists that decide channels live in data/ as text so
// they can be updated without touching code (formats, upstreams and how to
// refresh them in data/README.txt).
package dims
