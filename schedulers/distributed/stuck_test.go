package distributed_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// Issue 12: a task that ignores its timeout is stopped by ending its worker, on the local
// distributed cluster as on processes; the worker is replaced and the cluster keeps computing.

// sleepDeaf sleeps ms milliseconds, deaf to cancellation, past its 200ms timeout.
var sleepDeaf = delayed.Func1(func(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}, delayed.Timeout(200*time.Millisecond))

func TestTimeoutStopsATaskIgnoringItsContextOnLocalCluster(t *testing.T) {
	lc := startLocal(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	before := localWorkers(t, lc)
	_, err := sleepDeaf(delayed.Value(10*60*1000)).Compute(ctx, delayed.Using(lc))
	if !errors.Is(err, delayed.ErrTimeout) || strings.Contains(err.Error(), "worker died") {
		t.Fatalf("got %v; want the task's timeout (not its worker's death)", err)
	}
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Attempts != 1 {
		t.Errorf("got %v; want a *TaskError of one attempt", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the computation ended only with the test's deadline")
	}
	// Its worker ended and was replaced: the cluster keeps computing, on another process.
	computeOn(t, lc, 1)
	// The stuck worker's process ends (its task's goroutine cannot be stopped otherwise).
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

func TestKeepGoingPastATaskIgnoringItsTimeoutOnLocalCluster(t *testing.T) {
	lc := startLocal(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	xs := []delayed.Delayed[int]{sleepDeaf(delayed.Value(10 * 60 * 1000)), inc(delayed.Value(4)), inc(delayed.Value(5))}
	got, err := delayed.ComputeEach(ctx, xs, delayed.Using(lc), delayed.WithKeepGoing(), delayed.WithChunksize(3))
	var f *delayed.Failures
	if !errors.As(err, &f) || len(f.Failed) != 1 || !strings.Contains(f.Failed[0].Err.Error(), "ran longer than its timeout") || f.Failed[0].Attempts != 1 {
		t.Fatalf("got %v; want the stuck task failed by timeout after one attempt", err)
	}
	if len(got) != 3 || got[1] != 5 || got[2] != 6 {
		t.Errorf("outputs %v; want the independent outputs 5 and 6", got)
	}
}

// killsItsWorker kills its worker process the first n times it runs (counted in the file at
// path, shared by the worker processes), then returns n.
var killsItsWorker = delayed.Func2(func(path string, n int) int {
	b, _ := os.ReadFile(path)
	runs, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	runs++
	if err := os.WriteFile(path, []byte(strconv.Itoa(runs)), 0o600); err != nil {
		panic(err)
	}
	if runs <= n {
		os.Exit(9)
	}
	return n
})

// Issue 10 c / 12 e: a task queued behind a task that ignored its timeout never started when
// that worker stopped, and is not charged for its death. It then kills its own worker three
// times and succeeds on its fourth run: within the default of 3 deaths charged while running
// alone only if the stuck worker's death was not counted.
func TestTaskQueuedBehindAStuckTaskIsNotChargedOnLocalCluster(t *testing.T) {
	lc := startLocal(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	counter := filepath.Join(t.TempDir(), "runs")
	xs := []delayed.Delayed[int]{sleepDeaf(delayed.Value(10 * 60 * 1000)), killsItsWorker(delayed.Value(counter), delayed.Value(3))}
	got, err := delayed.ComputeEach(ctx, xs, delayed.Using(lc), delayed.WithKeepGoing(), delayed.WithChunksize(2))
	var f *delayed.Failures
	if !errors.As(err, &f) || len(f.Failed) != 1 || !strings.Contains(f.Failed[0].Err.Error(), "ran longer than its timeout") {
		t.Fatalf("got %v; want only the stuck task failed, by its timeout", err)
	}
	if len(got) != 2 || got[1] != 3 {
		t.Fatalf("outputs %v; want the task that killed its worker three times to give 3", got)
	}
}
