// Package consentproxy is the domain core of consentproxy: the words every other
// package shares (a hit's fate, what the aggregator may learn from it, the
// aggregate tables and the store that keeps them) and nothing else.
//
// It imports only the standard library. The adapters (proxy, consent, aggregate,
// store/chdb, store/clickhouse, stats) depend on it and never on each other; only
// cmd/consentproxy wires them together.
package consentproxy
