package distributed_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// Issue 12: a task that ignores its timeout is stopped by ending its worker. The conformance
// suite checks the error, the replacement and the charging (schedulertest, Workers/Stuck); here,
// that the local cluster's worker process that ran it does end.

// sleepDeaf sleeps ms milliseconds, deaf to cancellation, past its 200ms timeout.
var sleepDeaf = delayed.Func1(func(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}, delayed.Timeout(200*time.Millisecond))

func TestStuckTasksWorkerProcessEndsOnLocalCluster(t *testing.T) {
	lc := startLocal(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	before := localWorkers(t, lc)
	if _, err := sleepDeaf(delayed.Value(10*60*1000)).Compute(ctx, delayed.Using(lc)); !errors.Is(err, delayed.ErrTimeout) {
		t.Fatalf("got %v; want the task's timeout", err)
	}
	// Its worker ended and was replaced: the cluster keeps computing, on another process.
	computeOn(t, lc, 1)
	// The stuck worker's process ends (its task's goroutine cannot be stopped otherwise). No
	// event tells a process's end: poll, with a hang guard.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		after := localWorkers(t, lc)
		if !slices.ContainsFunc(before, func(p int) bool { return slices.Contains(after, p) }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker that ran the stuck task is still alive a minute later (workers before %v, after %v)", before, after)
		}
	}
}
