package schedulertest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Functions with priorities and resources, for the cases below.
var (
	lowFirst  = delayed.Func1(LowPriority, delayed.Priority(-1))
	highFirst = delayed.Func1(HighPriority, delayed.Priority(10))
	midFirst  = delayed.Func1(MidPriority, delayed.Priority(1))
	gpuSleep  = delayed.Func2Ctx(GPUSleep, delayed.Resources(map[string]float64{"gpu": 1}))
	needsTPU  = delayed.Func1(NeedsTPU, delayed.Resources(map[string]float64{"tpu": 2}))
)

// LowPriority, HighPriority and MidPriority return x; they are wrapped with priorities -1, 10
// and 1.
func LowPriority(x int) int { return x }

// HighPriority returns x.
func HighPriority(x int) int { return x }

// MidPriority returns x.
func MidPriority(x int) int { return x }

// GPUSleep is SleepFor, wrapped as needing gpu=1.
func GPUSleep(ctx context.Context, ms, i int) (Interval, error) { return SleepFor(ctx, ms, i) }

// NeedsTPU returns x; it is wrapped as needing tpu=2, which no test machine declares.
func NeedsTPU(x int) int { return x }

const (
	lowName  = "github.com/lazygraph/lazygraph/schedulers/schedulertest.LowPriority"
	midName  = "github.com/lazygraph/lazygraph/schedulers/schedulertest.MidPriority"
	highName = "github.com/lazygraph/lazygraph/schedulers/schedulertest.HighPriority"
)

// RunPriorityCases checks that, with one worker, ready tasks run by priority, ties in graph
// order. opts must select the scheduler under test; the case adds WithWorkers(1).
func RunPriorityCases(t *testing.T, opts OptionsFunc) {
	t.Run("OneWorkerRunsByPriority", func(t *testing.T) { priorityOrder(t, opts) })
	t.Run("InputsInheritPriority", func(t *testing.T) { priorityInherited(t, opts) })
}

// priorityInherited: a high-priority task's input, itself of low priority, runs at the high
// priority (before tasks of middle priority ready at the same time and earlier in the graph),
// and so does the high task once it is ready.
func priorityInherited(t *testing.T, opts OptionsFunc) {
	var xs []delayed.Delayed[int]
	for i := range 4 {
		xs = append(xs, midFirst(delayed.Value(i)))
	}
	xs = append(xs, highFirst(lowFirst(delayed.Value(100))))
	var mu sync.Mutex
	var order []string
	cb := delayed.Callbacks{TaskEnd: func(info delayed.TaskInfo) {
		if info.Func == lowName || info.Func == midName || info.Func == highName {
			mu.Lock()
			order = append(order, info.Func)
			mu.Unlock()
		}
	}}
	got, err := delayed.All(xs).Compute(context.Background(), opts(delayed.WithWorkers(1), delayed.WithCallbacks(cb))...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[4] != 100 || got[3] != 3 {
		t.Fatalf("results %v", got)
	}
	want := []string{lowName, highName, midName, midName, midName, midName}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(order, want) {
		t.Fatalf("tasks ran in the order %v, want the high task's low input first, then high, then mid", order)
	}
}

func priorityOrder(t *testing.T, opts OptionsFunc) {
	var xs []delayed.Delayed[int]
	for i := range 4 {
		xs = append(xs, lowFirst(delayed.Value(i)), highFirst(delayed.Value(i)), midFirst(delayed.Value(i)))
	}
	var mu sync.Mutex
	var order []string
	cb := delayed.Callbacks{TaskEnd: func(info delayed.TaskInfo) {
		if info.Func == lowName || info.Func == midName || info.Func == highName {
			mu.Lock()
			order = append(order, info.Func)
			mu.Unlock()
		}
	}}
	got, err := delayed.All(xs).Compute(context.Background(), opts(delayed.WithWorkers(1), delayed.WithCallbacks(cb))...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 12 || got[11] != 3 {
		t.Fatalf("results %v", got)
	}
	var want []string
	for _, name := range []string{highName, midName, lowName} {
		for range 4 {
			want = append(want, name)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(order, want) {
		t.Fatalf("tasks ran in the order %v, want by priority: high, mid, low", order)
	}
}

// RunResourceCases checks resources on a scheduler running on this machine: with the machine
// declaring gpu=1 (delayed.WithResources), tasks needing it all run and never two at once; a
// task needing a resource the machine does not declare fails the computation before anything
// runs, matching schedulers.ErrNoResources.
func RunResourceCases(t *testing.T, opts OptionsFunc) {
	t.Run("HeldOneAtATime", func(t *testing.T) { resourcesHeld(t, opts) })
	t.Run("UndeclaredIsAnError", func(t *testing.T) { resourcesUndeclared(t, opts) })
}

func resourcesHeld(t *testing.T, opts OptionsFunc) {
	var xs []delayed.Delayed[Interval]
	for i := range 4 {
		xs = append(xs, gpuSleep(delayed.Value(20), delayed.Value(i)))
	}
	got, err := delayed.All(xs).Compute(context.Background(),
		opts(delayed.WithResources(map[string]float64{"gpu": 1}))...)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b Interval) int { return int(a.Start - b.Start) })
	for k := 1; k < len(got); k++ {
		if got[k].Start < got[k-1].End {
			t.Fatalf("two tasks needing the only gpu overlapped: %v and %v", got[k-1], got[k])
		}
	}
}

func resourcesUndeclared(t *testing.T, opts OptionsFunc) {
	c := newCounter()
	x := needsTPU(inc(delayed.Value(1)))
	_, err := x.Compute(context.Background(),
		opts(delayed.WithResources(map[string]float64{"tpu": 1}), delayed.WithCallbacks(c.callbacks()))...)
	if !errors.Is(err, schedulers.ErrNoResources) {
		t.Fatalf("err = %v, want one matching schedulers.ErrNoResources", err)
	}
	if !strings.Contains(err.Error(), "tpu=2") {
		t.Errorf("the error does not name the resource needed (tpu=2): %v", err)
	}
	if n := c.count(incName); n != 0 {
		t.Fatalf("%d tasks ran before the error", n)
	}
}
