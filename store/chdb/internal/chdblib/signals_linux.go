//go:build linux && (amd64 || arm64)

package chdblib

import (
	"fmt"
	"syscall"
	"unsafe"
)

// kernelSigaction is struct sigaction as the rt_sigaction system call sees
// it on amd64 and arm64 (handler, flags, restorer, mask). It is only ever
// copied back verbatim, never interpreted, except for the handler in tests.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// guardedSignals are the classic signals 1–31 except SIGKILL and SIGSTOP,
// which cannot be caught. Realtime signals are left alone: glibc owns some of
// them for its own thread machinery.
func guardedSignals() []syscall.Signal {
	var s []syscall.Signal
	for i := syscall.Signal(1); i < 32; i++ {
		if i != syscall.SIGKILL && i != syscall.SIGSTOP {
			s = append(s, i)
		}
	}
	return s
}

func getSigaction(sig syscall.Signal) (kernelSigaction, error) {
	var old kernelSigaction
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), 0,
		uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	if e != 0 {
		return old, e
	}
	return old, nil
}

func setSigaction(sig syscall.Signal, act kernelSigaction) error {
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// guardSignals runs f and then puts back every signal disposition that f
// changed. The Go runtime owns the process's signals: its SIGSEGV handler
// turns a nil dereference into a recoverable panic, SIGURG drives goroutine
// preemption, SIGTERM/SIGINT reach os/signal for a graceful shutdown. Some
// chDB releases reset such handlers to SIG_DFL as a side effect of
// chdb_set_signal_handlers_enabled(0) and of chdb_connect. It returns the
// names of the signals it had to restore (measured by the tests).
func guardSignals(f func()) []string {
	sigs := guardedSignals()
	before := make([]kernelSigaction, len(sigs))
	ok := make([]bool, len(sigs))
	for i, s := range sigs {
		var err error
		before[i], err = getSigaction(s)
		ok[i] = err == nil
	}
	f()
	var restored []string
	for i, s := range sigs {
		if !ok[i] {
			continue
		}
		now, err := getSigaction(s)
		if err != nil || now == before[i] {
			continue
		}
		if setSigaction(s, before[i]) == nil {
			restored = append(restored, fmt.Sprintf("%d(%s)", int(s), s))
		}
	}
	return restored
}

// signalHandler is the current handler address of sig, for tests.
func signalHandler(sig syscall.Signal) uintptr {
	a, _ := getSigaction(sig)
	return a.handler
}
