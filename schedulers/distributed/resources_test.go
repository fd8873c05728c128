package distributed_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// Functions needing resources, registered in every worker of this test binary.
var (
	gpuPID = delayed.Func1(func(int) int { return os.Getpid() }, delayed.Name("test.gpuPID"),
		delayed.Resources(map[string]float64{"gpu": 1}))
	anyPID = delayed.Func1(func(int) int { return os.Getpid() }, delayed.Name("test.anyPID"))
	tpuInc = delayed.Func1(func(x int) int { return x + 1 }, delayed.Name("test.tpuInc"),
		delayed.Resources(map[string]float64{"tpu": 2}))
)

// Of two workers only one declares gpu=1 (LAZYGRAPH_WORKER_RESOURCES): every task needing it
// runs there, and the others run anywhere.
func TestGPUTasksRunOnTheGPUWorker(t *testing.T) {
	tc := newTestCluster(t, 1)
	gpu := tc.addWorker(t, os.Args[0], distributed.EnvWorkerResources+"=gpu=1")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := tc.server.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	var xs []delayed.Delayed[int]
	for i := range 20 {
		xs = append(xs, gpuPID(anyPID(delayed.Value(i))))
	}
	pids, err := delayed.All(xs).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file))
	if err != nil {
		t.Fatal(err)
	}
	for k, pid := range pids {
		if pid != gpu.Process.Pid {
			t.Fatalf("gpu task %d ran in pid %d, want the gpu worker's %d", k, pid, gpu.Process.Pid)
		}
	}
	found := false
	for _, w := range tc.server.Status().Workers {
		if w.Resources == "gpu=1" {
			found = w.FreeResources == "gpu=1"
		}
	}
	if !found {
		t.Errorf("status shows no worker with gpu=1 free after the computation: %+v", tc.server.Status().Workers)
	}
}

// A computation needing a resource no connected worker declares waits, shows in the status,
// and fails after the no-worker timeout with an error naming the resource.
func TestMissingResourceNamedAfterNoWorkerTimeout(t *testing.T) {
	t.Setenv("LAZYGRAPH_NO_WORKER_TIMEOUT", "2s")
	tc := newTestCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	errs := make(chan error, 1)
	go func() {
		_, err := tpuInc(delayed.Value(1)).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file))
		errs <- err
	}()
	var err error
	shown := false
	for err == nil {
		select {
		case err = <-errs:
		case <-time.After(20 * time.Millisecond):
			for _, w := range tc.server.Status().Waiting {
				shown = shown || (w.Needs == "tpu=2" && w.Unavailable)
			}
		case <-ctx.Done():
			t.Fatal("no error 60s after a computation needing tpu=2 started")
		}
	}
	if !strings.Contains(err.Error(), "needs tpu=2") || !strings.Contains(err.Error(), "no worker able to run") {
		t.Fatalf("err = %v, want the no-worker error naming tpu=2", err)
	}
	// The sentinels cross the wire (remote_codes.go).
	if !errors.Is(err, cluster.ErrNoWorker) || !errors.Is(err, schedulers.ErrNoResources) {
		t.Errorf("err = %v: errors.Is ErrNoWorker %v, ErrNoResources %v; want both", err,
			errors.Is(err, cluster.ErrNoWorker), errors.Is(err, schedulers.ErrNoResources))
	}
	if !shown {
		t.Error("the status never showed the task waiting for tpu=2")
	}
}

// With no worker at all, the no-worker timeout's error matches cluster.ErrNoWorker on the
// client (the code crosses the wire), and not ErrNoResources.
func TestNoWorkerErrorMatchesOnTheClient(t *testing.T) {
	t.Setenv("LAZYGRAPH_NO_WORKER_TIMEOUT", "1s")
	tc := newTestCluster(t, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := anyPID(delayed.Value(1)).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file))
	if !errors.Is(err, cluster.ErrNoWorker) || errors.Is(err, schedulers.ErrNoResources) {
		t.Fatalf("err = %v; want one matching ErrNoWorker only", err)
	}
}
