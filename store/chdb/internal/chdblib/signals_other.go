//go:build !(linux && (amd64 || arm64))

package chdblib

import "syscall"

// guardSignals runs f. Outside Linux amd64/arm64 the raw sigaction layout is
// not known here, so the host's handlers rely on chDB's own promise (since
// 26.7.3) that the opt-out touches only handlers chDB installed.
func guardSignals(f func()) []string {
	f()
	return nil
}

func signalHandler(sig syscall.Signal) uintptr { return 0 }
