package worker

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"go.uber.org/zap"
)

// deadPid returns the id of a process that existed and is gone (reaped).
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// Issue 13: a worker starting on a spill root removes the spill directories of workers that are
// gone (SIGKILLed workers cannot remove their own), and only those.
func TestStaleSpillDirsAreRemoved(t *testing.T) {
	root := t.TempDir()
	mk := func(pid int, suffix string) string {
		t.Helper()
		dir := filepath.Join(root, spillDirPrefix+strconv.Itoa(pid)+"-"+suffix)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "1f"), []byte("spilled"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dead := deadPid(t)
	stale := mk(dead, "111")

	live := exec.Command(os.Args[0], "-test.run=^TestHelperBlocks$")
	live.Env = append(os.Environ(), "LAZYGRAPH_TEST_BLOCK=1")
	stdin, err := live.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); live.Wait() }()
	ofLive := mk(live.Process.Pid, "222")
	mine := mk(os.Getpid(), "333")
	// Its process id is gone here, but a process holds its lock: a worker in another pid
	// namespace, say, or the id reused.
	locked := mk(dead, "444")
	lock, err := lockSpillDir(locked)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	notSpill := filepath.Join(root, "lazygraph-spill-notapid-555")
	if err := os.Mkdir(notSpill, 0o755); err != nil {
		t.Fatal(err)
	}

	x := NewExecutor(nil, zap.NewNop())
	x.ManageMemory(Memory{Limit: 1 << 30, Dir: root})
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the dead worker's spill directory is still there (%v)", err)
	}
	for name, dir := range map[string]string{"a live process's": ofLive, "this process's": mine, "a locked": locked, "a misnamed": notSpill} {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s directory was removed: %v", name, err)
		}
	}
	// A worker that never spills leaves the root alone.
	stale2 := mk(dead, "666")
	NewExecutor(nil, zap.NewNop()).ManageMemory(Memory{Limit: 1 << 30, Dir: root, Spill: -1})
	if _, err := os.Stat(stale2); err != nil {
		t.Errorf("a worker that does not spill removed %s: %v", stale2, err)
	}
	if n := RemoveStaleSpillDirs(root, zap.NewNop()); n != 1 {
		t.Errorf("removed %d, want 1", n)
	}
}

// Issue 13: the parent of a worker it reaped removes the worker's spill directories.
func TestRemoveSpillDirsOfAWorker(t *testing.T) {
	root := t.TempDir()
	var dirs []string
	for _, name := range []string{spillDirPrefix + "4242-a", spillDirPrefix + "4242-b", spillDirPrefix + "42424-c", spillDirPrefix + "424-d"} {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	RemoveSpillDirs(root, 4242)
	for k, dir := range dirs {
		_, err := os.Stat(dir)
		if gone := os.IsNotExist(err); gone != (k < 2) {
			t.Errorf("%s: gone %v", dir, gone)
		}
	}
}

// TestHelperBlocks is a process that lives until its standard input closes.
func TestHelperBlocks(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_BLOCK") != "1" {
		t.Skip("a helper process")
	}
	_, _ = os.Stdin.Read(make([]byte, 1))
}
