package schedulertest

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

// Issue 12: a task that ignores its timeout is stopped by ending its worker; the worker is
// replaced and the scheduler keeps computing. Issues 10 c / 12 e: a worker's death is charged
// to the task it was running, not to the tasks merely queued on it. These cases need workers the
// scheduler starts (and replaces), so not RemoteWorkers.

var (
	sleepIgnoring  = delayed.Func1(SleepIgnoring, delayed.Timeout(200*time.Millisecond))
	double         = delayed.Func1(Double)
	killsItsWorker = delayed.Func2(KillsItsWorker)
)

// SleepIgnoring sleeps ms milliseconds, deaf to cancellation (it has no context), and returns
// ms; wrapped with a 200ms timeout.
func SleepIgnoring(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}

// Double returns 2x.
func Double(x int) int { return 2 * x }

// KillsItsWorker kills its worker process the first n times it runs (counted in the file at
// path, shared by the worker processes), then returns n.
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

func (s *suite) stuckCases(t *testing.T) {
	t.Run("TimeoutStopsATaskIgnoringItsContext", s.timeoutStopsDeafTask)
	t.Run("KeepGoingPastATaskIgnoringItsTimeout", s.keepGoingPastDeafTask)
	t.Run("TaskQueuedBehindAStuckTaskIsNotCharged", s.queuedNotCharged)
}

// A task deaf to cancellation fails by its timeout after one attempt (not as a worker death),
// well before the test's deadline; its worker is replaced and the scheduler computes on.
func (s *suite) timeoutStopsDeafTask(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	_, err := sleepIgnoring(delayed.Value(10*60*1000)).Compute(ctx, s.opts(delayed.WithWorkers(1))...)
	if !errors.Is(err, delayed.ErrTimeout) || strings.Contains(err.Error(), "worker died") {
		t.Fatalf("got %v; want the task's timeout (not its worker's death)", err)
	}
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Attempts != 1 {
		t.Errorf("got %v; want a *TaskError of one attempt", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the computation ended only with the test's deadline, after %v", time.Since(start))
	}
	got, err := double(delayed.Value(21)).Compute(ctx, s.opts(delayed.WithWorkers(1))...)
	if err != nil || got != 42 {
		t.Fatalf("after a stuck task: %v, %v; want 42", got, err)
	}
	parts := make([]delayed.Delayed[int], 8)
	for i := range parts {
		parts[i] = inc(delayed.Value(i + 1))
	}
	if got, err := sum(delayed.All(parts)).Compute(ctx, s.opts(delayed.WithWorkers(1))...); err != nil || got != 44 {
		t.Fatalf("after a stuck task: %d, %v; want 44", got, err)
	}
}

// Keeping going, a task deaf to its timeout fails after one attempt and the independent tasks
// give their outputs: on another worker, and queued behind it on its own worker (one worker,
// all three in one chunk).
func (s *suite) keepGoingPastDeafTask(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []delayed.Option
	}{
		{"two workers", []delayed.Option{delayed.WithWorkers(2)}},
		{"queued behind it", []delayed.Option{delayed.WithWorkers(1), delayed.WithChunksize(3)}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		xs := []delayed.Delayed[int]{sleepIgnoring(delayed.Value(10 * 60 * 1000)), double(delayed.Value(4)), double(delayed.Value(5))}
		got, err := delayed.ComputeEach(ctx, xs, s.opts(append(c.opts, delayed.WithKeepGoing())...)...)
		cancel()
		var f *delayed.Failures
		if !errors.As(err, &f) || len(f.Failed) != 1 || !strings.Contains(f.Failed[0].Err.Error(), "ran longer than its timeout") || f.Failed[0].Attempts != 1 {
			t.Fatalf("%s: got %v; want the stuck task failed by timeout after one attempt", c.name, err)
		}
		if len(got) != 3 || got[1] != 8 || got[2] != 10 {
			t.Errorf("%s: outputs %v; want the independent outputs 8 and 10", c.name, got)
		}
	}
}

// A task queued behind a task that ignored its timeout never started when that worker was
// stopped, and is not charged for its death. It then kills its own worker three times and
// succeeds on its fourth run: within the default of 3 deaths charged while running alone only
// if the stuck worker's death was not counted.
func (s *suite) queuedNotCharged(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	counter := filepath.Join(t.TempDir(), "runs")
	xs := []delayed.Delayed[int]{sleepIgnoring(delayed.Value(10 * 60 * 1000)), killsItsWorker(delayed.Value(counter), delayed.Value(3))}
	got, err := delayed.ComputeEach(ctx, xs, s.opts(delayed.WithWorkers(1), delayed.WithKeepGoing(), delayed.WithChunksize(2))...)
	var f *delayed.Failures
	if !errors.As(err, &f) || len(f.Failed) != 1 || !strings.Contains(f.Failed[0].Err.Error(), "ran longer than its timeout") {
		t.Fatalf("got %v; want only the stuck task failed, by its timeout", err)
	}
	if len(got) != 2 || got[1] != 3 {
		t.Fatalf("outputs %v; want the task that killed its worker three times to give 3", got)
	}
}
