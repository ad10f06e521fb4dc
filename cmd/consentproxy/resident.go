package main

import (
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
)

// residentOutsideGo reports how much of the process's resident set the Go
// runtime does not manage: the binary's touched pages, C libraries (chDB)
// and what they allocate. The runtime's soft limit covers only its own
// memory, so a budget for the whole process must leave this room. ok is
// false where /proc/self/statm is not there (not Linux).
func residentOutsideGo() (n int64, ok bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, false
	}
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	goMapped := int64(s[0].Value.Uint64()) - int64(s[1].Value.Uint64())
	return max(0, pages*int64(os.Getpagesize())-goMapped), true
}
