package distributed_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// stuckOnLeaving hangs (a minute, a hang guard) when the worker named "leaving" runs it, and
// returns i at once elsewhere.
var stuckOnLeaving = delayed.Func1(func(i int) int {
	if os.Getenv(distributed.EnvWorkerName) == "leaving" {
		time.Sleep(time.Minute)
	}
	return i
})

// A worker retiring (SIGTERM) with a retirement timeout, whose running task does not end in
// time, is stopped: the task runs on the other worker, uncharged, and the result is right.
func TestRetireTimeoutStopsTheWorkerAndMovesItsTask(t *testing.T) {
	tc := newTestCluster(t, 0)
	leaving := tc.addWorker(t, os.Args[0], distributed.EnvWorkerName+"=leaving", distributed.EnvWorkerRetireTimeout+"=500ms")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := tc.server.WaitForWorkers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- waitExit(leaving) }()
	type result struct {
		v   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := stuckOnLeaving(delayed.Value(7)).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file))
		done <- result{v, err}
	}()
	// The task runs on the only worker, the leaving one, and hangs there.
	for running := false; !running; {
		select {
		case <-ctx.Done():
			t.Fatal("the task never ran on the leaving worker")
		case <-time.After(20 * time.Millisecond):
		}
		for _, w := range tc.server.Status().Workers {
			running = running || strings.HasPrefix(w.Name, "leaving ") && w.Running != ""
		}
	}
	tc.addWorker(t, os.Args[0], distributed.EnvWorkerName+"=staying")
	if err := tc.server.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := leaving.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.v != 7 {
		t.Fatalf("got %v, %v; want 7", r.v, r.err)
	}
	if st := tc.server.RetireStats(); st.TimedOut != 1 {
		t.Errorf("retirements %+v: want one timed out", st)
	}
	select {
	case err := <-exited:
		t.Logf("the stopped worker exited: %v", err)
	case <-ctx.Done():
		t.Error("the worker stopped at its retirement timeout did not exit")
	}
}

// waitExit waits for a process that addWorker started (and reaps in its own goroutine).
func waitExit(cmd *exec.Cmd) error {
	for {
		if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
			if errors.Is(err, os.ErrProcessDone) {
				return nil
			}
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
