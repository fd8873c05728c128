package distributed_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Issue 13: a worker starting on a spill root removes the spill directories that workers killed
// earlier (SIGKILL, the OOM killer) left there: their process is gone.
func TestWorkerRemovesDeadWorkersSpillDirs(t *testing.T) {
	root := t.TempDir()
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(root, "lazygraph-spill-"+strconv.Itoa(gone.Process.Pid)+"-123")
	if err := os.MkdirAll(filepath.Join(stale, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(root, "not-a-spill-dir")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(worker.EnvSpillDir, root)
	lc := startLocal(t, 1)
	computeOn(t, lc, 0) // its worker is serving: it has looked at the spill root
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the dead worker's spill directory is still there (%v)", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another directory was removed: %v", err)
	}
}
