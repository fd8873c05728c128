package processes_test

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// Issue 13: delayed.WithWorkerMemory gives the processes workers their budget from Go,
// overriding the environment: the workers report its limit, spill past its fraction into its
// spill directory, and do not pause when it says never.
func TestWithWorkerMemorySetsTheBudget(t *testing.T) {
	t.Setenv(worker.EnvMemory, "2GB") // overridden
	t.Setenv(worker.EnvSpill, "off")  // overridden
	freshPools(t)
	root := t.TempDir()
	budget := delayed.WithWorkerMemory(delayed.WorkerMemory{Limit: 16e6, Spill: 0.5, Pause: -1, SpillDir: root})
	const n = 24 // 24 MiB of blocks, all held until the mean of their means is known
	blocks := make([]delayed.Delayed[[]float64], n)
	means := make([]delayed.Delayed[float64], n)
	for i := range blocks {
		blocks[i] = spillBlockOf(delayed.Value(i))
		means[i] = meanBlock(blocks[i])
	}
	grand := sumFloat64s(delayed.All(means))
	dots := make([]delayed.Delayed[float64], n)
	for i := range blocks {
		dots[i] = centredDot(blocks[i], blocks[(i+1)%n], grand)
	}
	total := sumFloat64s(delayed.All(dots))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	got, err := total.Compute(ctx, opts(1, budget)...)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := total.Compute(ctx, delayed.WithScheduler("synchronous"))
	if got != want {
		t.Fatalf("result %v, want %v", got, want)
	}
	if dirs, _ := filepath.Glob(filepath.Join(root, "lazygraph-spill-*")); len(dirs) != 1 {
		t.Errorf("spill directories in the option's SpillDir: %v; want the worker's", dirs)
	}
	// Reports arrive after the results: wait for the one counting the spilling (a hang guard).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		reports := processes.WorkerMemory()
		var spilled int64
		for _, r := range reports {
			spilled += r.SpilledTotal
			if r.Limit != 16e6 {
				t.Fatalf("worker %s reports a limit of %d, want the option's 16MB", r.Worker, r.Limit)
			}
			if r.Paused {
				t.Errorf("worker %s paused; the option said never", r.Worker)
			}
		}
		if spilled > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing spilled: %+v", reports)
		}
	}
}

func TestWithWorkerMemoryRejectsBadFractions(t *testing.T) {
	_, err := incOne(delayed.Value(1)).Compute(context.Background(),
		opts(1, delayed.WithWorkerMemory(delayed.WorkerMemory{Limit: 1e9, Spill: math.NaN()}))...)
	if err == nil || !strings.Contains(err.Error(), "Spill") {
		t.Fatalf("err = %v; want one naming Spill", err)
	}
	_, err = incOne(delayed.Value(1)).Compute(context.Background(),
		opts(1, delayed.WithWorkerMemory(delayed.WorkerMemory{Pause: 80}))...)
	if err == nil || !strings.Contains(err.Error(), "Pause") {
		t.Fatalf("err = %v; want one naming Pause", err)
	}
}
