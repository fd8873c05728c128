package cgroup

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestMountOfAndWithin(t *testing.T) {
	mountinfo := []byte(`30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
35 30 0:31 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
38 30 0:34 /ns /sys/fs/cgroup/mem\040ory rw,relatime - cgroup cgroup rw,memory
41 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`)
	point, root, ok := mountOf(mountinfo, func(fstype, super string) bool { return fstype == "cgroup" && hasField(super, ",", "memory") })
	if !ok || point != "/sys/fs/cgroup/mem ory" || root != "/ns" {
		t.Fatalf("v1 memory mount: %q %q %v", point, root, ok)
	}
	if got := within(point, root, "/ns/a/b"); got != "/sys/fs/cgroup/mem ory/a/b" {
		t.Errorf("within = %q", got)
	}
	point, root, ok = mountOf(mountinfo, func(fstype, _ string) bool { return fstype == "cgroup2" })
	if !ok || point != "/sys/fs/cgroup/unified" || root != "/" {
		t.Fatalf("v2 mount: %q %q %v", point, root, ok)
	}
	if got := within(point, root, "/"); got != "/sys/fs/cgroup/unified" {
		t.Errorf("within = %q", got)
	}
	if _, _, ok := mountOf(mountinfo, func(fstype, _ string) bool { return fstype == "nfs" }); ok {
		t.Error("found a mount that is not there")
	}
}

// Counts and limits are read from the files of either version; the lowest limit up to the
// hierarchy's mount applies.
func TestReadsCountsAndLimits(t *testing.T) {
	root := t.TempDir()
	child := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(child, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(dir, name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	v1 := Memory{dir: child, root: root}
	if n := v1.OOMKills(); n != -1 {
		t.Errorf("no file: OOMKills = %d, want -1", n)
	}
	write(child, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n")
	write(child, "memory.limit_in_bytes", "9223372036854771712\n")
	write(filepath.Join(root, "a"), "memory.limit_in_bytes", "268435456\n")
	write(root, "memory.limit_in_bytes", "536870912\n")
	if n, l := v1.OOMKills(), v1.Limit(); n != 3 || l != 256<<20 {
		t.Errorf("v1: %d kills, limit %d; want 3, %d", n, l, 256<<20)
	}
	v2 := Memory{dir: child, root: root, v2: true}
	write(child, "memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n")
	write(child, "memory.max", "max\n")
	if n, l := v2.OOMKills(), v2.Limit(); n != 2 || l != 0 {
		t.Errorf("v2: %d kills, limit %d; want 2, none", n, l)
	}
	write(child, "memory.max", "1048576\n")
	if l := v2.Limit(); l != 1<<20 {
		t.Errorf("v2 limit %d, want %d", l, 1<<20)
	}
	if n, l := (Memory{}).OOMKills(), (Memory{}).Limit(); n != -1 || l != 0 {
		t.Errorf("no cgroup: %d, %d", n, l)
	}
}

func TestOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("cgroups are Linux's")
	}
	m, ok := Of(0)
	if !ok {
		t.Skip("no memory cgroup here")
	}
	if _, err := os.Stat(m.Dir()); err != nil {
		t.Fatalf("Of(0) = %s: %v", m.Dir(), err)
	}
	if n := m.OOMKills(); n < 0 {
		t.Errorf("OOMKills of %s = %d: its count is not readable", m.Dir(), n)
	}
}
