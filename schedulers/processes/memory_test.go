package processes_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
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
