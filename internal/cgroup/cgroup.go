// Package cgroup reads what lazygraph needs of a process's memory cgroup, under cgroup v2 or
// the v1 memory controller: the memory limit that applies to it, and how many of its processes
// the kernel's OOM killer has killed, so that a worker killed for memory can be told from one
// killed for another reason.
//
// Contract: [Of] finds a process's memory cgroup from /proc/PID/cgroup and the mounts in
// /proc/self/mountinfo; it reports false where there is none to read (not Linux, no memory
// controller mounted, a cgroup outside this process's view). Readers return -1 (OOMKills) or 0
// (Limit) when a file is missing or unreadable; nothing here fails loudly, since a machine
// without cgroups is not an error. [Memory.NewChild], [Memory.Add] and [Memory.Remove] make,
// join and remove a child cgroup with a memory limit: what tests and tools use to confine a
// process (they need the right to write the hierarchy, usually root).
package cgroup

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Memory is one memory cgroup: its directory in a mounted hierarchy.
type Memory struct {
	dir  string
	root string // the mount point of its hierarchy: limits are looked for up to it
	v2   bool
}

// Dir returns the cgroup's directory.
func (m Memory) Dir() string { return m.dir }

// V2 reports whether the cgroup is in the unified (v2) hierarchy, rather than v1's memory
// controller.
func (m Memory) V2() bool { return m.v2 }

// Of returns the memory cgroup of process pid (0 for this process).
func Of(pid int) (Memory, bool) {
	proc := "self"
	if pid > 0 {
		proc = strconv.Itoa(pid)
	}
	b, err := os.ReadFile(filepath.Join("/proc", proc, "cgroup"))
	if err != nil {
		return Memory{}, false
	}
	var v1Path, v2Path string
	var haveV1, haveV2 bool
	for line := range strings.Lines(string(b)) {
		parts := strings.SplitN(strings.TrimRight(line, "\n"), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			v2Path, haveV2 = parts[2], true
		case hasField(parts[1], ",", "memory"):
			v1Path, haveV1 = parts[2], true
		}
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return Memory{}, false
	}
	if haveV1 { // the memory controller is bound to v1: v2 has no memory files then
		if mp, root, ok := mountOf(mounts, func(fstype, super string) bool {
			return fstype == "cgroup" && hasField(super, ",", "memory")
		}); ok {
			return Memory{dir: within(mp, root, v1Path), root: mp}, true
		}
	}
	if haveV2 {
		if mp, root, ok := mountOf(mounts, func(fstype, _ string) bool { return fstype == "cgroup2" }); ok {
			m := Memory{dir: within(mp, root, v2Path), root: mp, v2: true}
			if _, err := os.Stat(filepath.Join(m.dir, "memory.events")); err == nil {
				return m, true
			}
		}
	}
	return Memory{}, false
}

// hasField reports whether list, split by sep, holds f.
func hasField(list, sep, f string) bool {
	for x := range strings.SplitSeq(list, sep) {
		if x == f {
			return true
		}
	}
	return false
}

// mountOf returns the mount point and root of the first mount in mountinfo that match accepts.
func mountOf(mountinfo []byte, match func(fstype, superOptions string) bool) (point, root string, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(mountinfo))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		pre, post, found := strings.Cut(sc.Text(), " - ")
		if !found {
			continue
		}
		f, g := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(g) < 3 || !match(g[0], g[2]) {
			continue
		}
		return unescape(f[4]), unescape(f[3]), true
	}
	return "", "", false
}

// unescape undoes mountinfo's octal escapes (\040 for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// within returns the directory of cgroup path (as /proc/PID/cgroup names it) under a mount of
// the hierarchy at point whose root is root.
func within(point, root, path string) string {
	if root != "/" {
		if rel, ok := strings.CutPrefix(path, root); ok && (rel == "" || rel[0] == '/') {
			path = rel
		}
	}
	return filepath.Join(point, filepath.FromSlash(path))
}

// OOMKills returns how many processes of the cgroup the kernel's OOM killer killed (the
// oom_kill count of memory.events under v2, of memory.oom_control under v1), -1 when unknown.
// The kernel counts a kill before it sends SIGKILL, so a parent that reaped a killed child sees
// it counted.
func (m Memory) OOMKills() int64 {
	if m.dir == "" {
		return -1
	}
	file := "memory.oom_control"
	if m.v2 {
		file = "memory.events"
	}
	b, err := os.ReadFile(filepath.Join(m.dir, file))
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "oom_kill "); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				return n
			}
		}
	}
	return -1
}

// noLimit is where v1 reports "no limit" from (PAGE_COUNTER_MAX pages, rounded): anything this
// large is none.
const noLimit = 1 << 62

// Limit returns the memory limit that applies to the cgroup: the lowest of its own and its
// ancestors' up to its hierarchy's mount, 0 when none is set or it cannot be read.
func (m Memory) Limit() int64 {
	if m.dir == "" {
		return 0
	}
	file := m.limitFile()
	var lowest int64
	for dir := m.dir; ; dir = filepath.Dir(dir) {
		if n := readLimit(filepath.Join(dir, file)); n > 0 && (lowest == 0 || n < lowest) {
			lowest = n
		}
		if dir == m.root || !strings.HasPrefix(dir, m.root+string(filepath.Separator)) {
			return lowest
		}
	}
}

// limitFile is the name of the file holding a cgroup's memory limit in m's hierarchy.
func (m Memory) limitFile() string {
	if m.v2 {
		return "memory.max"
	}
	return "memory.limit_in_bytes"
}

// readLimit reads a limit file: 0 for "max", a value meaning none, or no file.
func readLimit(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || n <= 0 || n >= noLimit {
		return 0
	}
	return n
}

// NewChild makes a cgroup named name under m, whose processes may use at most limit bytes of
// memory (memory.limit_in_bytes under v1, memory.max under v2; a v2 parent must have the memory
// controller enabled for its children, which the kernel refuses while it holds processes
// itself). It fails, saying why, where the hierarchy cannot be written.
func (m Memory) NewChild(name string, limit int64) (Memory, error) {
	if m.dir == "" || name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return Memory{}, fmt.Errorf("cgroup: cannot make a child %q of %q", name, m.dir)
	}
	c := Memory{dir: filepath.Join(m.dir, name), root: m.root, v2: m.v2}
	if err := os.Mkdir(c.dir, 0o755); err != nil {
		return Memory{}, fmt.Errorf("cgroup: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, m.limitFile()), []byte(strconv.FormatInt(limit, 10)), 0); err != nil {
		_ = os.Remove(c.dir)
		return Memory{}, fmt.Errorf("cgroup: setting %s's memory limit: %w", c.dir, err)
	}
	return c, nil
}

// Add moves process pid (with all its threads) into the cgroup; the processes it starts
// afterwards begin there too.
func (m Memory) Add(pid int) error {
	if m.dir == "" {
		return errors.New("cgroup: no cgroup")
	}
	if err := os.WriteFile(filepath.Join(m.dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0); err != nil {
		return fmt.Errorf("cgroup: moving process %d into %s: %w", pid, m.dir, err)
	}
	return nil
}

// Remove removes the cgroup, which must hold no process any more.
func (m Memory) Remove() error {
	if err := os.Remove(m.dir); err != nil {
		return fmt.Errorf("cgroup: %w", err)
	}
	return nil
}
