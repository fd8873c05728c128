package dashboard_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// childProcesses returns the processes descended from this one (the browser chromedp started),
// read from /proc; nil where there is no /proc.
func childProcesses() []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := map[int]int{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f := procStat(pid); len(f) > 1 {
			parent[pid], _ = strconv.Atoi(f[1])
		}
	}
	me := os.Getpid()
	var out []int
	for pid := range parent {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == me {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// procStat returns the fields of /proc/pid/stat after the command's name (the state first).
func procStat(pid int) []string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}

// processesCPU is the CPU time (user and system) the processes pids have used so far, in
// clock ticks of 10ms: over many runs, what a browser spends while they run.
func processesCPU(pids []int) time.Duration {
	var t time.Duration
	for _, pid := range pids {
		f := procStat(pid)
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		t += time.Duration(u+s) * clockTick
	}
	return t
}
