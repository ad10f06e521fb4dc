package main

import (
	"net"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkConnState is what the connection tracker costs a request: its
// active and idle transitions, with 10,000 connections open.
func BenchmarkConnState(b *testing.B) {
	t := newConnTracker()
	conns := make([]net.Conn, 10_000)
	for i := range conns {
		c, _ := net.Pipe()
		conns[i] = c
		t.state(c, fasthttp.StateNew)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := conns[i%len(conns)]
		t.state(c, fasthttp.StateActive)
		t.state(c, fasthttp.StateIdle)
		i++
	}
}
