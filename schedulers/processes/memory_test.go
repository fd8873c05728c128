package processes_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// Memory tests' functions.
var (
	hogMemory = delayed.Func1(func(mb int) int {
		// Holds mb MiB, touched, until its worker is ended (or a minute passes).
		b := make([]byte, mb<<20)
		for i := range b {
			b[i] = byte(i)
		}
		time.Sleep(time.Minute)
		return int(b[len(b)-1])
	})
	spillBlockOf = delayed.Func1(func(i int) []float64 {
		b := make([]float64, 128<<10) // 1 MiB
		for j := range b {
			b[j] = float64(i*31+j%17) + 0.5
		}
		return b
	})
	dotBlocks = delayed.Func2(func(a, b []float64) float64 {
		total := 0.0
		for j := range a {
			total += a[j] * b[j]
		}
		return total
	})
	meanBlock = delayed.Func1(func(a []float64) float64 {
		total := 0.0
		for _, x := range a {
			total += x
		}
		return total / float64(len(a))
	})
	// centredDot is a·b less m, run only once m (from every block) is known.
	centredDot = delayed.Func3(func(a, b []float64, m float64) float64 {
		total := 0.0
		for j := range a {
			total += a[j] * b[j]
		}
		return total - m
	})
	sumFloat64s = delayed.Func1(func(xs []float64) float64 {
		total := 0.0
		for _, x := range xs {
			total += x
		}
		return total
	})
)

// freshPools makes the next computations start workers with the environment as set now, and
// the ones after the test with the environment restored.
func freshPools(t *testing.T) {
	t.Helper()
	processes.Close()
	t.Cleanup(func() { processes.Close() })
}

// TestWorkerKilledForMemoryIsNamed: a task that allocates far past its worker's budget gets the
// worker ended for memory (its terminate threshold, standing in for the kernel's OOM killer); the
// computation fails naming the task and the worker's memory, not a bare EOF.
func TestWorkerKilledForMemoryIsNamed(t *testing.T) {
	t.Setenv(worker.EnvMemory, "64MB")
	t.Setenv(worker.EnvTerminate, "1")
	freshPools(t)
	hog := hogMemory(delayed.Value(256))
	_, err := hog.Compute(context.Background(), opts(1)...)
	var te *delayed.TaskError
	if !errors.Is(err, worker.ErrOutOfMemory) || !errors.Is(err, processes.ErrWorkerKilled) || !errors.As(err, &te) || te.Key != hog.Key() {
		t.Fatalf("err = %v; want ErrOutOfMemory naming %s", err, hog.Key())
	}
	var oom *worker.OutOfMemoryError
	if !errors.As(err, &oom) || oom.RSS < 64e6 || oom.Limit != 64e6 || oom.Task == "" {
		t.Fatalf("out-of-memory report %+v: want the task and its memory past the limit", oom)
	}
	for _, want := range []string{"killed for memory", "while running task", "resident memory", hog.Task().Func().Name()} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The pool still works afterwards.
	if v, err := incOne(delayed.Value(1)).Compute(context.Background(), opts(1)...); err != nil || v != 2 {
		t.Fatalf("after the deaths: %d, %v", v, err)
	}
}

// TestSpilledValuesAreRight: workers with a budget far below what the computation holds spill,
// and the result is the one computed in this process: values read back by their worker's tasks,
// and fetched by the parent for the other worker, are identical to the originals.
func TestSpilledValuesAreRight(t *testing.T) {
	t.Setenv(worker.EnvMemory, "16MB")
	// A worker built with -race is resident well above 16MB before it holds anything, so it
	// would pause and the parent run the tasks itself: spilling, not pausing, is tested here.
	t.Setenv(worker.EnvPause, "off")
	t.Setenv(worker.EnvSpillDir, t.TempDir())
	freshPools(t)
	const n = 40 // 40 MiB of blocks, all held until their last user ran
	blocks := make([]delayed.Delayed[[]float64], n)
	for i := range blocks {
		blocks[i] = spillBlockOf(delayed.Value(i))
	}
	// Every block is needed until the mean of all their means is known, so all of them are held
	// at once, whatever order the workers run tasks in.
	means := make([]delayed.Delayed[float64], n)
	for i := range blocks {
		means[i] = meanBlock(blocks[i])
	}
	grand := sumFloat64s(delayed.All(means))
	dots := make([]delayed.Delayed[float64], 0, 2*n)
	for i := range blocks {
		// Pairs far apart, computed on any worker: inputs cross between workers.
		dots = append(dots, centredDot(blocks[i], blocks[(i+n/2)%n], grand), centredDot(blocks[i], blocks[(i+1)%n], grand))
	}
	got, err := sumFloat64s(delayed.All(dots)).Compute(context.Background(), opts(2)...)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sumFloat64s(delayed.All(dots)).Compute(context.Background(), delayed.WithScheduler("synchronous"))
	if got != want {
		t.Fatalf("result %v, want %v", got, want)
	}
	// Workers report their memory every 250 ms and at the end of each job, after its results:
	// wait for the report that counts the spilling (a hang guard only, not a timing assertion).
	var reports []cluster.WorkerMemory
	var spilled int64
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		reports, spilled = processes.WorkerMemory(), 0
		for _, r := range reports {
			spilled += r.SpilledTotal
		}
		if spilled > 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, r := range reports {
		if r.Limit != 16e6 {
			t.Errorf("worker %s: limit %d, want 16MB", r.Worker, r.Limit)
		}
	}
	if spilled == 0 || len(reports) == 0 {
		t.Fatalf("nothing spilled: %+v", reports)
	}
}
