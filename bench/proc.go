package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Process accounting from /proc (Linux only, like the harness).

// clockTicks is USER_HZ, which is 100 on every Linux architecture Go supports.
const clockTicks = 100

// procUsage is a process tree's resource use.
type procUsage struct {
	CPU     time.Duration // user + system, summed over the tree
	PeakRSS int64         // bytes; VmHWM summed over the tree
	RSS     int64         // bytes; VmRSS summed over the tree
}

// treeUsage sums usage over pid and its descendants (nginx's workers).
func treeUsage(pid int) (procUsage, error) {
	var u procUsage
	for _, p := range descendants(pid) {
		cpu, err := procCPU(p)
		if err != nil {
			if p == pid {
				return u, err
			}
			continue // a child that just exited
		}
		hwm, rss, _ := procMem(p)
		u.CPU += cpu
		u.PeakRSS += hwm
		u.RSS += rss
	}
	return u, nil
}

// descendants returns pid and every process below it.
func descendants(pid int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, err := procPPID(p); err == nil {
			children[pp] = append(children[pp], p)
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// statFields returns /proc/pid/stat's fields after the command name, which
// may itself hold spaces and parentheses.
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return strings.Fields(string(b[i+1:])), nil
}

func procPPID(pid int) (int, error) {
	f, err := statFields(pid)
	if err != nil || len(f) < 2 {
		return 0, fmt.Errorf("ppid of %d: %v", pid, err)
	}
	return strconv.Atoi(f[1]) // field 4 of stat
}

func procCPU(pid int) (time.Duration, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad cpu times", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// procMem returns VmHWM (peak resident set) and VmRSS in bytes.
func procMem(pid int) (hwm, rss int64, err error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for _, k := range []struct {
			name string
			dst  *int64
		}{{"VmHWM:", &hwm}, {"VmRSS:", &rss}} {
			if v, ok := strings.CutPrefix(line, k.name); ok {
				fs := strings.Fields(v)
				if len(fs) == 2 && fs[1] == "kB" {
					n, _ := strconv.ParseInt(fs[0], 10, 64)
					*k.dst = n << 10
				}
			}
		}
	}
	return hwm, rss, sc.Err()
}
