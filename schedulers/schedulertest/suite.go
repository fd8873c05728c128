// Package schedulertest is the conformance suite every lazygraph scheduler passes, in the way
// testing/slogtest checks log/slog handlers. A scheduler's tests call [Run] with the name it is
// registered under:
//
//	func TestConformance(t *testing.T) {
//		schedulertest.Run(t, schedulertest.Options{Scheduler: "threads"})
//	}
//
// A scheduler that is not registered (a third party's, or one configured by its test) is tested
// by instance, as slogtest takes a handler:
//
//	schedulertest.Run(t, schedulertest.Options{New: func() schedulers.Scheduler { return mine.New(cfg) }})
//
// The suite drives the scheduler through package delayed, the way users do, and checks results,
// errors, cancellation, concurrency limits, concurrent and nested computations and callbacks.
// Its task functions are package-level wrappers, so schedulers that run tasks in worker
// processes can run them too (the test binary must call delayed.Init in TestMain). Schedulers
// whose tasks run in worker processes set Options.WorkerProcesses for the cases of what only such
// workers do (output relay, traces by worker, workers writing the result store).
package schedulertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Options says which scheduler to test and what to expect of it.
type Options struct {
	// Scheduler is the registered name of the scheduler under test.
	Scheduler string
	// New, when set, returns the scheduler under test instead: it is called once per Run and
	// the instance computes every case (the global registry is not used, except by tasks that
	// compute nested graphs: they use Scheduler by name, else threads).
	New func() schedulers.Scheduler
	// Workers is the worker count used where the suite measures concurrency (default 3).
	Workers int
	// Sequential says the scheduler runs one task at a time whatever the worker count, in a
	// deterministic order (the synchronous scheduler).
	Sequential bool
	// Extra options for every computation (an address, say).
	Extra []delayed.Option
	// RemoteWorkers says the scheduler's workers are not started for the computation (a
	// remote cluster): their number and resources are theirs, so delayed.WithWorkers and
	// delayed.WithResources do not apply, and the cases relying on them (priority order on one
	// worker, the machine's resources) are skipped.
	RemoteWorkers bool
	// WorkerProcesses says the scheduler runs tasks in worker processes (processes,
	// distributed): the cases of what only such workers do run too — output relay, traces with
	// a lane per worker, workers writing the result store (the last not with RemoteWorkers: it
	// needs one worker).
	WorkerProcesses bool
}

// Run runs the conformance suite as subtests of t.
func Run(t *testing.T, o Options) {
	if o.Workers == 0 {
		o.Workers = 3
	}
	s := &suite{o: o}
	if o.New != nil {
		s.instance = o.New()
		if s.instance == nil {
			t.Fatal("schedulertest: Options.New returned nil")
		}
	}
	t.Run("SingleOutput", s.singleOutput)
	t.Run("MultipleOutputsNestedResults", s.multipleOutputs)
	t.Run("SharedIntermediateRunsOnce", s.sharedIntermediate)
	t.Run("OnlyNeededTasksRun", s.onlyNeeded)
	t.Run("LongChain", s.longChain)
	t.Run("WideFanIn", s.wideFanIn)
	t.Run("CycleError", s.cycle)
	t.Run("MissingDependencyError", s.missingDependency)
	t.Run("BuildErrorBeforeAnyTask", s.buildError)
	t.Run("ErrorTypeSurvives", s.errorType)
	t.Run("PanicBecomesError", s.panicError)
	t.Run("FirstFailureStopsTheRest", s.firstFailure)
	t.Run("CancellationReturnsPromptly", s.cancellation)
	t.Run("WorkerCountRespected", s.workerCount)
	t.Run("ConcurrentComputes", s.concurrentComputes)
	t.Run("NestedCompute", s.nestedCompute)
	t.Run("FinishCallbackAlwaysCalled", s.finishAlwaysCalled)
	t.Run("TaskCallbacks", s.taskCallbacks)
	t.Run("Values", func(t *testing.T) { RunValueCases(t, s.opts) })
	t.Run("Policies", func(t *testing.T) { RunPolicyCases(t, s.opts) })
	t.Run("KeepGoing", func(t *testing.T) { RunKeepGoingCases(t, s.opts) })
	if !o.RemoteWorkers {
		t.Run("Priorities", func(t *testing.T) { RunPriorityCases(t, s.opts) })
		t.Run("Resources", func(t *testing.T) { RunResourceCases(t, s.opts) })
	}
	if o.Sequential {
		t.Run("DeterministicOrder", s.deterministicOrder)
	}
	if o.WorkerProcesses {
		t.Run("Workers", s.workerCases)
	}
}

type suite struct {
	o        Options
	instance schedulers.Scheduler // from Options.New
}

func (s *suite) opts(extra ...delayed.Option) []delayed.Option {
	which := delayed.WithScheduler(s.o.Scheduler)
	if s.instance != nil {
		which = delayed.Using(s.instance)
	}
	opts := []delayed.Option{which, delayed.WithWorkers(s.o.Workers)}
	opts = append(opts, s.o.Extra...)
	return append(opts, extra...)
}

// counter counts finished tasks by function name through callbacks, which every scheduler
// reports whatever process ran the task.
type counter struct {
	mu    sync.Mutex
	calls map[string]int
}

func newCounter() *counter { return &counter{calls: make(map[string]int)} }

func (c *counter) callbacks() delayed.Callbacks {
	return delayed.Callbacks{TaskEnd: func(info delayed.TaskInfo) {
		c.mu.Lock()
		c.calls[info.Func]++
		c.mu.Unlock()
	}}
}

func (c *counter) count(fn string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[fn]
}

const (
	incName = "github.com/lazygraph/lazygraph/schedulers/schedulertest.Inc"
	addName = "github.com/lazygraph/lazygraph/schedulers/schedulertest.Add"
)

func (s *suite) singleOutput(t *testing.T) {
	got, err := add(inc(delayed.Value(1)), inc(delayed.Value(2))).Compute(context.Background(), s.opts()...)
	if err != nil || got != 5 {
		t.Fatalf("add(inc(1), inc(2)) = %v, %v; want 5, nil", got, err)
	}
	// A data node alone, and a call without arguments.
	if v, err := delayed.Value("x").Compute(context.Background(), s.opts()...); err != nil || v != "x" {
		t.Fatalf("Value(x).Compute() = %q, %v", v, err)
	}
}

func (s *suite) multipleOutputs(t *testing.T) {
	xs := make([]delayed.Delayed[int], 10)
	for i := range xs {
		xs[i] = inc(delayed.Value(i))
	}
	all := delayed.All(xs)
	p := pair(sum(all), delayed.Value(7))
	nested := summarise(all, p)
	total, summary, err := delayed.Compute2(context.Background(), sum(all), nested, s.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if total != 55 {
		t.Errorf("sum = %d, want 55", total)
	}
	want := Summary{Groups: map[string][]int{"even": {2, 4, 6, 8, 10}, "all": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, Pair: Pair{55, 7}}
	if !slices.Equal(summary.Groups["even"], want.Groups["even"]) || !slices.Equal(summary.Groups["all"], want.Groups["all"]) || summary.Pair != want.Pair {
		t.Errorf("summary = %+v, want %+v", summary, want)
	}
	results, err := delayed.Compute(context.Background(), []delayed.Node{p, all, delayed.Value(3.5)}, s.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if results[0].(Pair) != (Pair{55, 7}) || len(results[1].([]int)) != 10 || results[2].(float64) != 3.5 {
		t.Errorf("Compute = %#v", results)
	}
}

func (s *suite) sharedIntermediate(t *testing.T) {
	c := newCounter()
	shared := inc(delayed.Value(10))
	left := add(shared, delayed.Value(1))
	right := add(shared, shared)
	l, r, err := delayed.Compute2(context.Background(), left, right, s.opts(delayed.WithCallbacks(c.callbacks()))...)
	if err != nil || l != 12 || r != 22 {
		t.Fatalf("got %d, %d, %v; want 12, 22, nil", l, r, err)
	}
	if n := c.count(incName); n != 1 {
		t.Errorf("shared intermediate ran %d times, want once", n)
	}
	if n := c.count(addName); n != 2 {
		t.Errorf("add ran %d times, want 2", n)
	}
}

func (s *suite) onlyNeeded(t *testing.T) {
	c := newCounter()
	needed := inc(delayed.Value(1))
	_ = add(needed, inc(delayed.Value(100))) // built, never asked for
	if v, err := needed.Compute(context.Background(), s.opts(delayed.WithCallbacks(c.callbacks()))...); err != nil || v != 2 {
		t.Fatalf("got %d, %v; want 2", v, err)
	}
	if n := c.count(incName) + c.count(addName); n != 1 {
		t.Errorf("%d tasks ran, want only the 1 needed", n)
	}
}

const deep = 100_000

func (s *suite) longChain(t *testing.T) {
	x := delayed.Value(0)
	for range deep {
		x = inc(x)
	}
	if v, err := x.Compute(context.Background(), s.opts()...); err != nil || v != deep {
		t.Fatalf("chain of %d incs = %d, %v", deep, v, err)
	}
}

func (s *suite) wideFanIn(t *testing.T) {
	parts := make([]delayed.Delayed[int], deep)
	for i := range parts {
		parts[i] = inc(delayed.Value(i))
	}
	want := deep * (deep + 1) / 2
	if v, err := sum(delayed.All(parts)).Compute(context.Background(), s.opts()...); err != nil || v != want {
		t.Fatalf("sum of %d incs = %d, %v; want %d", deep, v, err, want)
	}
}

func (s *suite) cycle(t *testing.T) {
	b := graph.NewBuilder()
	b.Call("a", incFunction, graph.Ref("c"))
	b.Call("b", incFunction, graph.Ref("a"))
	b.Call("c", incFunction, graph.Ref("b"))
	b.Call("top", incFunction, graph.Ref("c"))
	tasks, err := b.Tasks("top")
	if err != nil {
		t.Fatal(err)
	}
	c := newCounter()
	_, err = delayed.FromTask[int](tasks[0]).Compute(context.Background(), s.opts(delayed.WithCallbacks(c.callbacks()))...)
	var cycle *graph.CycleError
	if !errors.As(err, &cycle) || !errors.Is(err, delayed.ErrInvalidGraph) {
		t.Fatalf("err = %v, want a *graph.CycleError", err)
	}
	for _, k := range []graph.Key{"a", "b", "c"} {
		if !slices.Contains(cycle.Keys, k) {
			t.Errorf("cycle %v does not name %s", cycle.Keys, k)
		}
	}
	if slices.Contains(cycle.Keys, "top") {
		t.Errorf("cycle %v names top, which is not on it", cycle.Keys)
	}
	if n := c.count("schedulertest.inc"); n != 0 {
		t.Errorf("%d tasks ran before the cycle was reported", n)
	}
}

func (s *suite) missingDependency(t *testing.T) {
	b := graph.NewBuilder()
	b.Data("x", 1)
	b.Call("y", incFunction, graph.Ref("x"))
	b.Call("z", incFunction, graph.Ref("nowhere"))
	_, err := b.Tasks("z")
	var missing *graph.MissingDependencyError
	if !errors.As(err, &missing) || missing.Task != "z" || missing.Missing != "nowhere" {
		t.Fatalf("err = %v, want a *graph.MissingDependencyError naming z and nowhere", err)
	}
	if !errors.Is(err, delayed.ErrInvalidGraph) {
		t.Errorf("err = %v does not match ErrInvalidGraph", err)
	}
}

func (s *suite) buildError(t *testing.T) {
	c := newCounter()
	bad := delayed.Call[int](Add, 1, "two") // wrong argument type, found when built
	if bad.Err() == nil {
		t.Fatal("building add(1, \"two\") gave no error")
	}
	good := inc(delayed.Value(1))
	_, _, err := delayed.Compute2(context.Background(), good, bad, s.opts(delayed.WithCallbacks(c.callbacks()))...)
	if !errors.Is(err, delayed.ErrInvalidGraph) {
		t.Fatalf("err = %v, want an invalid-graph error", err)
	}
	if n := c.count(incName); n != 0 {
		t.Errorf("%d tasks ran before the build error was reported", n)
	}
	var zero delayed.Delayed[int]
	if _, err := inc(zero).Compute(context.Background(), s.opts()...); !errors.Is(err, delayed.ErrInvalidGraph) {
		t.Errorf("inc(zero Delayed): err = %v, want an invalid-graph error", err)
	}
}

func (s *suite) errorType(t *testing.T) {
	_, err := add(inc(delayed.Value(1)), failWith(delayed.Value(7))).Compute(context.Background(), s.opts()...)
	var code *CodeError
	if !errors.As(err, &code) || code.Code != 7 {
		t.Fatalf("err = %v (%T), want it to wrap *CodeError{7}", err, err)
	}
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Key == "" || te.Func != "github.com/lazygraph/lazygraph/schedulers/schedulertest.FailWith" {
		t.Fatalf("err = %v, want a *TaskError naming the task and FailWith", err)
	}
}

func (s *suite) panicError(t *testing.T) {
	_, err := panicWith(delayed.Value(3)).Compute(context.Background(), s.opts()...)
	var pe *delayed.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *PanicError", err)
	}
	if fmt.Sprint(pe.Value) != "task panicked on 3" || len(pe.Stack) == 0 {
		t.Errorf("panic value %q, stack of %d bytes", pe.Value, len(pe.Stack))
	}
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Key == "" {
		t.Errorf("err = %v, want a *TaskError around the panic", err)
	}
}

func (s *suite) firstFailure(t *testing.T) {
	// One failure among many slow tasks: the computation must end long before the slow tasks
	// could all have run.
	c := newCounter()
	parts := make([]delayed.Delayed[Interval], 200)
	for i := range parts {
		parts[i] = sleepFor(delayed.Value(20), delayed.Value(i))
	}
	failing := failWith(delayed.Value(1))
	start := time.Now()
	_, _, err := delayed.Compute2(context.Background(), failing, delayed.All(parts), s.opts(delayed.WithCallbacks(c.callbacks()))...)
	var code *CodeError
	if !errors.As(err, &code) {
		t.Fatalf("err = %v, want the task's *CodeError", err)
	}
	if ran := c.count("github.com/lazygraph/lazygraph/schedulers/schedulertest.SleepFor"); ran >= len(parts) {
		t.Errorf("all %d slow tasks ran after the failure", ran)
	}
	if elapsed := time.Since(start); elapsed > 200*20*time.Millisecond/time.Duration(s.o.Workers) {
		t.Errorf("took %v: the failure did not stop the computation", elapsed)
	}
}

func (s *suite) cancellation(t *testing.T) {
	parts := make([]delayed.Delayed[Interval], 400)
	for i := range parts {
		parts[i] = sleepFor(delayed.Value(20), delayed.Value(i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(100*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	_, err := delayed.All(parts).Compute(ctx, s.opts()...)
	elapsed := time.Since(start)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, delayed.ErrStopped) {
		t.Fatalf("err = %v, want it to match context.Canceled and ErrStopped", err)
	}
	// Run to the end, the graph takes 400*20ms/workers; returning promptly means long before.
	if full := 400 * 20 * time.Millisecond / time.Duration(s.o.Workers); elapsed > full/2 {
		t.Errorf("Compute returned %v after cancellation at 100ms; the whole graph takes %v", elapsed, full)
	}
}

func (s *suite) workerCount(t *testing.T) {
	n := 4 * s.o.Workers
	parts := make([]delayed.Delayed[Interval], n)
	for i := range parts {
		parts[i] = sleepFor(delayed.Value(40), delayed.Value(i))
	}
	// A first run brings up the workers of schedulers that start them lazily (processes), so that
	// the measured run does not depend on how fast a loaded machine starts a process.
	if _, err := delayed.All(parts).Compute(context.Background(), s.opts()...); err != nil {
		t.Fatal(err)
	}
	intervals, err := delayed.All(parts).Compute(context.Background(), s.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	peak := PeakConcurrency(intervals)
	switch {
	case s.o.Sequential && peak != 1:
		t.Errorf("peak concurrency %d, want 1", peak)
	case peak > s.o.Workers:
		t.Errorf("peak concurrency %d exceeds %d workers", peak, s.o.Workers)
	case !s.o.Sequential && peak < 2:
		t.Errorf("peak concurrency %d with %d workers: tasks did not run in parallel", peak, s.o.Workers)
	}
}

// PeakConcurrency returns the largest number of intervals overlapping at one instant.
func PeakConcurrency(intervals []Interval) int {
	type event struct {
		at    int64
		delta int
	}
	events := make([]event, 0, 2*len(intervals))
	for _, iv := range intervals {
		events = append(events, event{iv.Start, 1}, event{iv.End, -1})
	}
	slices.SortFunc(events, func(a, b event) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		return a.delta - b.delta // ends before starts at the same instant
	})
	peak, now := 0, 0
	for _, e := range events {
		now += e.delta
		peak = max(peak, now)
	}
	return peak
}

func (s *suite) concurrentComputes(t *testing.T) {
	const goroutines = 20
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts := make([]delayed.Delayed[int], 500)
			for i := range parts {
				parts[i] = add(inc(delayed.Value(i)), delayed.Value(g))
			}
			got, err := sum(delayed.All(parts)).Compute(context.Background(), s.opts()...)
			if want := 500*501/2 + 500*g; err != nil || got != want {
				errs <- fmt.Errorf("goroutine %d: got %d, %v; want %d", g, got, err, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func (s *suite) nestedCompute(t *testing.T) {
	outer := make([]delayed.Delayed[int], 2*s.o.Workers)
	inner := s.o.Scheduler // tasks compute with it by name, wherever they run
	if inner == "" {
		inner = "threads" // an instance cannot travel into a task
	}
	for i := range outer {
		outer[i] = nestedSum(delayed.Value(inner), delayed.Value(s.o.Workers), delayed.Value(100+i))
	}
	done := make(chan struct{})
	var (
		got []int
		err error
	)
	go func() {
		defer close(done)
		got, err = delayed.All(outer).Compute(context.Background(), s.opts()...)
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("nested computations did not finish within a minute: deadlock?")
	}
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		n := 100 + i
		if want := n * (n + 1) / 2; v != want {
			t.Errorf("nested sum %d = %d, want %d", i, v, want)
		}
	}
}

func (s *suite) finishAlwaysCalled(t *testing.T) {
	type outcome struct {
		name    string
		compute func(opts ...delayed.Option) error
		failed  bool
	}
	cycleTasks := func() *graph.Task {
		b := graph.NewBuilder()
		b.Call("a", incFunction, graph.Ref("b"))
		b.Call("b", incFunction, graph.Ref("a"))
		tasks, _ := b.Tasks("a")
		return tasks[0]
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []outcome{
		{"success", func(opts ...delayed.Option) error {
			_, err := inc(delayed.Value(1)).Compute(context.Background(), opts...)
			return err
		}, false},
		{"task error", func(opts ...delayed.Option) error {
			_, err := failWith(delayed.Value(1)).Compute(context.Background(), opts...)
			return err
		}, true},
		{"panic", func(opts ...delayed.Option) error {
			_, err := panicWith(delayed.Value(1)).Compute(context.Background(), opts...)
			return err
		}, true},
		{"cancelled", func(opts ...delayed.Option) error {
			_, err := sleepFor(delayed.Value(1000), delayed.Value(0)).Compute(cancelled, opts...)
			return err
		}, true},
		{"cycle", func(opts ...delayed.Option) error {
			_, err := delayed.FromTask[int](cycleTasks()).Compute(context.Background(), opts...)
			return err
		}, true},
	}
	for _, c := range cases {
		var starts, finishes atomic.Int32
		var failed atomic.Bool
		cb := delayed.Callbacks{
			Start: func(delayed.ComputeInfo) { starts.Add(1) },
			Finish: func(info delayed.ComputeInfo) {
				finishes.Add(1)
				failed.Store(info.Failed)
			},
		}
		err := c.compute(s.opts(delayed.WithCallbacks(cb))...)
		if (err != nil) != c.failed {
			t.Errorf("%s: err = %v", c.name, err)
		}
		if starts.Load() != 1 || finishes.Load() != 1 || failed.Load() != c.failed {
			t.Errorf("%s: Start called %d times, Finish %d times with failed=%v; want 1, 1, %v",
				c.name, starts.Load(), finishes.Load(), failed.Load(), c.failed)
		}
	}
}

func (s *suite) taskCallbacks(t *testing.T) {
	var mu sync.Mutex
	started := map[graph.Key]int{}
	ended := map[graph.Key]int{}
	cb := delayed.Callbacks{
		TaskStart: func(info delayed.TaskInfo) {
			mu.Lock()
			started[info.Key]++
			mu.Unlock()
		},
		TaskEnd: func(info delayed.TaskInfo) {
			mu.Lock()
			ended[info.Key]++
			mu.Unlock()
			if info.Worker < 0 || info.Worker >= s.o.Workers {
				t.Errorf("task %s reported worker %d of %d", info.Key, info.Worker, s.o.Workers)
			}
		},
	}
	a := inc(delayed.Value(1))
	b := inc(a)
	c := add(a, b)
	if _, err := c.Compute(context.Background(), s.opts(delayed.WithCallbacks(cb))...); err != nil {
		t.Fatal(err)
	}
	for _, d := range []delayed.Delayed[int]{a, b, c} {
		if started[d.Key()] != 1 || ended[d.Key()] != 1 {
			t.Errorf("task %s: started %d times, ended %d times; want once each", d.Key(), started[d.Key()], ended[d.Key()])
		}
	}
}

func (s *suite) deterministicOrder(t *testing.T) {
	run := func() []int {
		var order []int
		labels := map[graph.Key]int{}
		parts := make([]delayed.Delayed[int], 6)
		for i := range parts {
			x := inc(delayed.Value(10 * i))
			labels[x.Key()] = 10 * i
			parts[i] = add(x, inc(x))
			labels[parts[i].Key()] = 10*i + 1
		}
		cb := delayed.Callbacks{TaskStart: func(info delayed.TaskInfo) {
			if l, ok := labels[info.Key]; ok {
				order = append(order, l)
			}
		}}
		if _, err := sum(delayed.All(parts)).Compute(context.Background(), s.opts(delayed.WithCallbacks(cb))...); err != nil {
			t.Fatal(err)
		}
		return order
	}
	first := run()
	// Depth first: each branch finishes before the next starts.
	want := []int{0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51}
	if !slices.Equal(first, want) {
		t.Errorf("order %v, want %v", first, want)
	}
	for range 3 {
		if again := run(); !slices.Equal(again, first) {
			t.Fatalf("order changed between runs: %v then %v", first, again)
		}
	}
}
