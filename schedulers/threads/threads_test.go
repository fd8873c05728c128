package threads_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
	"github.com/lazygraph/lazygraph/schedulers/threads"
)

func TestConformance(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: threads.Name})
}

func TestConformanceOneWorker(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: threads.Name, Workers: 1, Sequential: true})
}

var (
	sleepy = delayed.Func1E(func(ms int) (int, error) {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms, nil
	})
	fails = delayed.Func1E(func(int) (int, error) { return 0, errors.New("no") })
)

// TestNoGoroutineOutlivesCompute checks that every goroutine a computation starts has exited
// when Compute returns, whether it succeeded, failed or was cancelled.
func TestNoGoroutineOutlivesCompute(t *testing.T) {
	before := runtime.NumGoroutine()
	opts := []delayed.Option{delayed.WithScheduler(threads.Name), delayed.WithWorkers(8)}
	parts := make([]delayed.Delayed[int], 64)
	for i := range parts {
		parts[i] = sleepy(delayed.Value(1))
	}
	if _, err := delayed.All(parts).Compute(context.Background(), opts...); err != nil {
		t.Fatal(err)
	}
	if _, err := delayed.All(append(parts, fails(delayed.Value(0)))).Compute(context.Background(), opts...); err == nil {
		t.Fatal("a failing task gave no error")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	if _, err := delayed.All(parts).Compute(ctx, opts...); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	// Compute returns after its goroutines are done; give the runtime a moment to reap them.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// intervals collects when leaf tasks ran, to measure concurrency across nested computations.
var intervals struct {
	sync.Mutex
	list []schedulertest.Interval
}

var (
	leaf = delayed.Func1(func(i int) int {
		start := time.Now()
		time.Sleep(5 * time.Millisecond)
		intervals.Lock()
		intervals.list = append(intervals.list, schedulertest.Interval{Start: start.UnixNano(), End: time.Now().UnixNano()})
		intervals.Unlock()
		return i
	})
	sumInts = delayed.Func1(func(xs []int) int {
		total := 0
		for _, x := range xs {
			total += x
		}
		return total
	})
	// nest computes, from inside a task, a graph of 16 leaves on 4 workers of its own.
	nest = delayed.Func1E(func(base int) (int, error) {
		leaves := make([]delayed.Delayed[int], 16)
		for i := range leaves {
			leaves[i] = leaf(delayed.Value(base + i))
		}
		return sumInts(delayed.All(leaves)).Compute(context.Background(),
			delayed.WithScheduler(threads.Name), delayed.WithWorkers(4))
	})
)

// TestNestedComputeSharesTheBudget runs nested computations asking for 4 workers each inside
// an outer computation of 2 workers: at most 2 leaves may ever run at once, and all finish.
func TestNestedComputeSharesTheBudget(t *testing.T) {
	intervals.Lock()
	intervals.list = nil
	intervals.Unlock()
	outer := make([]delayed.Delayed[int], 4)
	for i := range outer {
		outer[i] = nest(delayed.Value(100 * i))
	}
	got, err := sumInts(delayed.All(outer)).Compute(context.Background(),
		delayed.WithScheduler(threads.Name), delayed.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i := range 4 {
		for j := range 16 {
			want += 100*i + j
		}
	}
	if got != want {
		t.Fatalf("got %d, want %d", got, want)
	}
	intervals.Lock()
	defer intervals.Unlock()
	if len(intervals.list) != 64 {
		t.Fatalf("%d leaves ran, want 64", len(intervals.list))
	}
	if peak := schedulertest.PeakConcurrency(intervals.list); peak > 2 {
		t.Errorf("%d leaves ran at once under an outer computation of 2 workers", peak)
	}
}

// TestNestedComputeUsesIdleWorkers: one outer task computing a nested graph may use the
// outer computation's idle workers.
func TestNestedComputeUsesIdleWorkers(t *testing.T) {
	intervals.Lock()
	intervals.list = nil
	intervals.Unlock()
	if _, err := nest(delayed.Value(0)).Compute(context.Background(),
		delayed.WithScheduler(threads.Name), delayed.WithWorkers(3)); err != nil {
		t.Fatal(err)
	}
	intervals.Lock()
	defer intervals.Unlock()
	if p := schedulertest.PeakConcurrency(intervals.list); p < 2 || p > 3 {
		t.Errorf("nested leaves peaked at %d running at once, want 2 or 3 of the outer 3 workers", p)
	}
}

// TestSameGraphComputedConcurrently shares one graph between many simultaneous Computes.
func TestSameGraphComputedConcurrently(t *testing.T) {
	x := delayed.Value(0)
	for range 1000 {
		x = sumInts(delayed.All([]delayed.Delayed[int]{x, delayed.Value(1)}))
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if v, err := x.Compute(context.Background(), delayed.WithScheduler(threads.Name)); err != nil || v != 1000 {
					t.Errorf("got %d, %v", v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
