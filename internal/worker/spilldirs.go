package worker

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"go.uber.org/zap"
)

// Spill directories outlive a worker that is killed (SIGKILL, the kernel's OOM killer): it
// cannot remove its own. Each is named lazygraph-spill-PID-RANDOM after the worker's process id,
// and its worker holds a lock on it while it lives (where the system has flock). So a parent
// that reaped a worker removes that worker's directories ([RemoveSpillDirs]), and a worker
// starting on a spill root removes those whose owner is gone ([RemoveStaleSpillDirs]).

// spillDirPrefix starts the name of every spill directory.
const spillDirPrefix = "lazygraph-spill-"

// SpillRoot returns where a worker whose budget has spill directory dir (Memory.Dir) makes its
// spill directory: dir, or os.TempDir() when empty.
func SpillRoot(dir string) string {
	if dir == "" {
		return os.TempDir()
	}
	return dir
}

// RemoveSpillDirs removes the spill directories that worker process pid made under root: for
// its parent, once the worker has been reaped (killed workers leave theirs).
func RemoveSpillDirs(root string, pid int) {
	matches, _ := filepath.Glob(filepath.Join(root, spillDirPrefix+strconv.Itoa(pid)+"-*"))
	for _, dir := range matches {
		if fi, err := os.Lstat(dir); err == nil && fi.IsDir() {
			_ = os.RemoveAll(dir)
		}
	}
}

// RemoveStaleSpillDirs removes the spill directories under root whose worker is gone: no process
// has its id, and no process holds its lock (the lock settles a process id reused, or seen from
// another pid namespace). It returns how many it removed; errors are logged at debug level.
func RemoveStaleSpillDirs(root string, log *zap.Logger) int {
	entries, err := os.ReadDir(root)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log.Debug("spill directories: cannot list the spill root", zap.String("root", root), zap.Error(err))
		}
		return 0
	}
	removed := 0
	for _, e := range entries {
		pid, ok := spillDirOwner(e.Name())
		if !ok || !e.IsDir() || pid == os.Getpid() || processExists(pid) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if spillDirLocked(dir) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			log.Debug("spill directories: cannot remove a dead worker's", zap.String("dir", dir), zap.Error(err))
			continue
		}
		log.Debug("spill directories: removed a dead worker's", zap.String("dir", dir), zap.Int("pid", pid))
		removed++
	}
	return removed
}

// spillDirOwner returns the process id in a spill directory's name.
func spillDirOwner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, spillDirPrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(digits)
	return pid, err == nil && pid > 0
}

// processExists reports whether a process with id pid exists (as far as this process can tell:
// one it may not signal exists too).
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
