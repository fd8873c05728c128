package processes_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Issue 13: a worker SIGKILLed cannot remove its spill directory; its parent removes it once the
// worker is reaped.
func TestKilledWorkersSpillDirIsRemoved(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	root := t.TempDir()
	t.Setenv(worker.EnvMemory, "16MB")
	t.Setenv(worker.EnvPause, "off") // a -race worker is resident above 16MB before it holds anything
	t.Setenv(worker.EnvSpillDir, root)
	freshPools(t)
	// 24 MiB of blocks, all held until the mean of their means is known: past 60% of 16MB the
	// worker spills, and keeps its spill directory until it ends.
	const n = 24
	means := make([]delayed.Delayed[float64], n)
	blocks := make([]delayed.Delayed[[]float64], n)
	for i := range blocks {
		blocks[i] = spillBlockOf(delayed.Value(i))
		means[i] = meanBlock(blocks[i])
	}
	grand := sumFloat64s(delayed.All(means))
	dots := make([]delayed.Delayed[float64], n)
	for i := range blocks {
		dots[i] = centredDot(blocks[i], blocks[(i+1)%n], grand)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := sumFloat64s(delayed.All(dots)).Compute(ctx, opts(1)...); err != nil {
		t.Fatal(err)
	}
	dirs, _ := filepath.Glob(filepath.Join(root, "lazygraph-spill-*"))
	if len(dirs) != 1 {
		t.Fatalf("spill directories %v: want the one worker's", dirs)
	}
	pidText, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(dirs[0]), "lazygraph-spill-"), "-")
	pid, err := strconv.Atoi(pidText)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := children(os.Getpid())[pid]; !ok {
		t.Fatalf("%s is not a worker's of this process", dirs[0])
	}
	// A shared lock like the worker's own: a replacement worker, which removes dead workers'
	// directories on starting, leaves this one alone, so only the parent's removal is tested.
	d, err := os.Open(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Removed when the pool reaps the worker (a hang guard only, not a timing assertion).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(dirs[0]); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still there 30 s after its worker was killed", dirs[0])
		}
	}
	// The pool goes on with a new worker.
	if v, err := incOne(delayed.Value(1)).Compute(ctx, opts(1)...); err != nil || v != 2 {
		t.Fatalf("after the kill: %d, %v", v, err)
	}
}
