package processes_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// Issue 10 c / 12 e: a worker's death is charged to the task it was running, not to the tasks
// merely queued on it.

// killsItsWorker kills its worker process the first n times it runs (counted in the file at
// path, shared by the worker processes), then returns n.
var killsItsWorker = delayed.Func2(KillsItsWorker)

// KillsItsWorker is killsItsWorker's function.
func KillsItsWorker(path string, n int) int {
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
}

// A task queued behind a task that ignored its timeout never started when that worker was
// stopped: it is not charged for that death. It then kills its own worker twice, and
// succeeds on its third run: within the default of 3 deaths charged while running alone only
// if the stuck worker's death was not counted.
func TestTaskQueuedBehindAStuckTaskIsNotCharged(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	counter := filepath.Join(t.TempDir(), "runs")
	xs := []delayed.Delayed[int]{sleepIgnoring(delayed.Value(10 * 60 * 1000)), killsItsWorker(delayed.Value(counter), delayed.Value(3))}
	got, err := delayed.ComputeEach(ctx, xs, opts(1, delayed.WithKeepGoing(), delayed.WithChunksize(2))...)
	var f *delayed.Failures
	if !errors.As(err, &f) || len(f.Failed) != 1 || !strings.Contains(f.Failed[0].Err.Error(), "ran longer than its timeout") {
		t.Fatalf("got %v; want only the stuck task failed, by its timeout", err)
	}
	if len(got) != 2 || got[1] != 3 {
		t.Fatalf("outputs %v; want the task that killed its worker three times to give 3", got)
	}
}
