package delayed_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers"
)

// flaky counts attempts per argument; an argument fails its first failures[arg] attempts.
type flaky struct {
	mu       sync.Mutex
	attempts map[int]int
	failures map[int]int
}

func (f *flaky) reset(failures map[int]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts, f.failures = map[int]int{}, failures
}

// attempt records an attempt for x and reports whether it must fail.
func (f *flaky) attempt(x int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts[x]++
	return f.attempts[x] <= f.failures[x]
}

var errUnlucky = errors.New("did not converge")

var (
	flakyState = &flaky{}
	// flakyDraw draws from its stream before failing, so a retry that reused a half-consumed
	// stream would give another result.
	flakyDraw = delayed.Func1Ctx(func(ctx context.Context, x int) (uint64, error) {
		v := delayed.Rand(ctx).Uint64()
		if flakyState.attempt(x) {
			return 0, fmt.Errorf("replicate %d: %w", x, errUnlucky)
		}
		return v, nil
	}, delayed.Pure(), delayed.Retries(2))
	flakyNoRetry = delayed.Func1Ctx(func(ctx context.Context, x int) (uint64, error) {
		v := delayed.Rand(ctx).Uint64()
		if flakyState.attempt(x) {
			return 0, fmt.Errorf("replicate %d: %w", x, errUnlucky)
		}
		return v, nil
	}, delayed.Pure())
	addOne = delayed.Func1(func(v uint64) uint64 { return v + 1 })
)

var localSchedulers = []string{"synchronous", "threads"}

func TestRetrySucceedsWithTheSameResult(t *testing.T) {
	ctx := context.Background()
	for _, sched := range localSchedulers {
		flakyState.reset(nil)
		clean, err := flakyDraw(delayed.Value(3)).Compute(ctx, delayed.WithScheduler(sched), delayed.WithSeed(5))
		if err != nil {
			t.Fatal(err)
		}
		flakyState.reset(map[int]int{3: 2})
		retried, err := flakyDraw(delayed.Value(3)).Compute(ctx, delayed.WithScheduler(sched), delayed.WithSeed(5))
		if err != nil || retried != clean {
			t.Errorf("%s: after 2 failures got %d, %v; an unfailing run gave %d", sched, retried, err, clean)
		}
		flakyState.reset(map[int]int{3: 3})
		_, err = flakyDraw(delayed.Value(3)).Compute(ctx, delayed.WithScheduler(sched))
		var te *delayed.TaskError
		if !errors.As(err, &te) || te.Attempts != 3 || !errors.Is(err, errUnlucky) || !strings.Contains(err.Error(), "after 3 attempts") {
			t.Errorf("%s: 3 failures with Retries(2): got %v, want a TaskError after 3 attempts", sched, err)
		}
	}
}

func TestWithRetries(t *testing.T) {
	ctx := context.Background()
	flakyState.reset(map[int]int{1: 1})
	if _, err := flakyNoRetry(delayed.Value(1)).Compute(ctx); !errors.Is(err, errUnlucky) {
		t.Fatalf("no retries: got %v, want the failure", err)
	}
	flakyState.reset(map[int]int{1: 1})
	if _, err := flakyNoRetry(delayed.Value(1)).Compute(ctx, delayed.WithRetries(1)); err != nil {
		t.Errorf("WithRetries(1) after one failure: %v", err)
	}
	if _, err := flakyNoRetry(delayed.Value(1)).Compute(ctx, delayed.WithRetries(-1)); err == nil || !strings.Contains(err.Error(), "retries") {
		t.Errorf("WithRetries(-1): got %v, want a configuration error", err)
	}
	bad := delayed.Func1(func(x int) int { return x }, delayed.Retries(-1), delayed.Name("delayed_test.badRetries"))
	var be *delayed.BuildError
	if err := bad(delayed.Value(1)).Err(); !errors.As(err, &be) {
		t.Errorf("Retries(-1): got %v, want a BuildError", err)
	}
}

var (
	sleeper = delayed.Func1Ctx(func(ctx context.Context, d time.Duration) (int, error) {
		select {
		case <-time.After(d):
			return 1, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}, delayed.Timeout(50*time.Millisecond), delayed.Retries(1))
)

func TestTimeout(t *testing.T) {
	for _, sched := range localSchedulers {
		start := time.Now()
		_, err := sleeper(delayed.Value(time.Minute)).Compute(context.Background(), delayed.WithScheduler(sched))
		var te *delayed.TaskError
		if !errors.Is(err, delayed.ErrTimeout) || !errors.As(err, &te) || te.Attempts != 2 {
			t.Errorf("%s: got %v, want a timeout after 2 attempts", sched, err)
		}
		if time.Since(start) > 30*time.Second {
			t.Errorf("%s: the timeout did not stop the task", sched)
		}
		if v, err := sleeper(delayed.Value(time.Millisecond)).Compute(context.Background(), delayed.WithScheduler(sched)); v != 1 || err != nil {
			t.Errorf("%s: a quick task: %d, %v", sched, v, err)
		}
	}
}

func TestKeepGoing(t *testing.T) {
	for _, sched := range localSchedulers {
		flakyState.reset(map[int]int{1: 1, 4: 1})
		var outs []delayed.Delayed[uint64]
		for i := range 6 {
			outs = append(outs, addOne(flakyNoRetry(delayed.Value(i))))
		}
		got, err := delayed.ComputeEach(context.Background(), outs, delayed.WithScheduler(sched), delayed.WithKeepGoing(), delayed.WithWorkers(3))
		var f *delayed.Failures
		if !errors.As(err, &f) {
			t.Fatalf("%s: got %v, want *Failures", sched, err)
		}
		if !errors.Is(err, errUnlucky) {
			t.Errorf("%s: errors.Is does not reach the tasks' errors: %v", sched, err)
		}
		if len(f.Failed) != 2 || len(f.Skipped) != 2 || !slices.Equal(f.Missing, []int{1, 4}) || f.Outputs != 6 {
			t.Errorf("%s: %d failed, %d skipped, missing %v of %d; want 2, 2, [1 4] of 6", sched, len(f.Failed), len(f.Skipped), f.Missing, f.Outputs)
		}
		if f.Skipped[0].Cause != f.Failed[0].Key || f.Failed[0].Attempts != 1 {
			t.Errorf("%s: skipped %+v, failed %+v", sched, f.Skipped[0], f.Failed[0])
		}
		flakyState.reset(nil)
		clean, err := delayed.ComputeEach(context.Background(), outs, delayed.WithScheduler(sched))
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if i == 1 || i == 4 {
				if got[i] != 0 {
					t.Errorf("%s: missing output %d is %d", sched, i, got[i])
				}
			} else if got[i] != clean[i] {
				t.Errorf("%s: output %d is %d, an unfailing run gave %d", sched, i, got[i], clean[i])
			}
		}
		var table strings.Builder
		f.WriteTable(&table)
		if !strings.Contains(table.String(), "did not converge") || !strings.Contains(table.String(), "skipped: needs") {
			t.Errorf("%s: table:\n%s", sched, table.String())
		}
	}
}

func TestKeepGoingNothingFailed(t *testing.T) {
	flakyState.reset(nil)
	got, err := delayed.ComputeEach(context.Background(), []delayed.Delayed[uint64]{flakyNoRetry(delayed.Value(0))}, delayed.WithKeepGoing())
	if err != nil || len(got) != 1 || got[0] == 0 {
		t.Errorf("got %v, %v", got, err)
	}
}

// plainScheduler runs nothing and says nothing of failure policies.
type plainScheduler struct{ ran bool }

func (p *plainScheduler) Execute(context.Context, *schedulers.Job) error {
	p.ran = true
	return nil
}

func TestKeepGoingRefusedWhereNotApplied(t *testing.T) {
	p := &plainScheduler{}
	_, err := flakyNoRetry(delayed.Value(0)).Compute(context.Background(), delayed.Using(p), delayed.WithKeepGoing())
	if err == nil || !strings.Contains(err.Error(), "cannot keep going") || p.ran {
		t.Errorf("got %v (ran: %v), want a configuration error before anything runs", err, p.ran)
	}
}
