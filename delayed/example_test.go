package delayed_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Wrappers live in package-level variables, so every process of the program registers them.
var (
	square = delayed.Func1(func(x int) int { return x * x })
	total  = delayed.Func1(func(xs []int) int {
		s := 0
		for _, x := range xs {
			s += x
		}
		return s
	})
	safeDiv = delayed.Func2E(func(a, b float64) (float64, error) {
		if b == 0 {
			return 0, errors.New("division by zero")
		}
		return a / b, nil
	})
)

func Example() {
	squares := make([]delayed.Delayed[int], 10)
	for i := range squares {
		squares[i] = square(delayed.Value(i))
	}
	sum, err := total(delayed.All(squares)).Compute(context.Background())
	fmt.Println(sum, err)
	// Output: 285 <nil>
}

func ExampleFunc1() {
	double := delayed.Func1(func(x int) int { return 2 * x })
	v, err := double(delayed.Value(21)).Compute(context.Background())
	fmt.Println(v, err)
	// Output: 42 <nil>
}

func ExampleFunc2E() {
	_, err := safeDiv(delayed.Value(1.0), delayed.Value(0.0)).Compute(context.Background())
	var taskErr *delayed.TaskError
	fmt.Println(errors.As(err, &taskErr), strings.HasSuffix(err.Error(), "division by zero"))
	// Output: true true
}

func ExampleFunc1Ctx() {
	// A function taking a context notices when the computation is cancelled.
	wait := delayed.Func1Ctx(func(ctx context.Context, n int) (int, error) {
		<-ctx.Done()
		return n, ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := wait(delayed.Value(1)).Compute(ctx)
	fmt.Println(errors.Is(err, context.Canceled))
	// Output: true
}

func ExampleCall1() {
	v, err := delayed.Call1(strings.ToUpper, delayed.Value("lazy")).Compute(context.Background())
	fmt.Println(v, err)
	// Output: LAZY <nil>
}

func ExampleValue() {
	// One data node shared by many tasks: sent once to each worker process, never per task.
	data := delayed.Value([]float64{1, 2, 3, 4})
	mean := delayed.Func1(func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	})
	a, b, err := delayed.Compute2(context.Background(), mean(data), mean(data))
	fmt.Println(a, b, err)
	// Output: 2.5 2.5 <nil>
}

func ExampleAll() {
	parts := []delayed.Delayed[int]{square(delayed.Value(2)), square(delayed.Value(3))}
	v, err := delayed.All(parts).Compute(context.Background())
	fmt.Println(v, err)
	// Output: [4 9] <nil>
}

func ExampleCall() {
	// Call takes any function; Delayed values may sit inside slices, maps and structs.
	weighted := func(xs []int, weights map[string]int) int {
		return weights["a"]*xs[0] + weights["b"]*xs[1]
	}
	v, err := delayed.Call[int](weighted,
		[]any{square(delayed.Value(2)), 1},
		map[string]any{"a": square(delayed.Value(3)), "b": 10},
	).Compute(context.Background())
	fmt.Println(v, err)

	bad := delayed.Call[int](weighted, []any{"x"}, nil)
	fmt.Println(bad.Err() != nil)
	// Output:
	// 46 <nil>
	// true
}

func ExampleWrap() {
	join := delayed.Wrap[string](strings.Join)
	v, err := join([]string{"a", "b"}, delayed.Value("+")).Compute(context.Background())
	fmt.Println(v, err)
	// Output: a+b <nil>
}

func ExampleCompute() {
	shared := square(delayed.Value(3)) // computed once for both outputs
	results, err := delayed.Compute(context.Background(), []delayed.Node{
		total(delayed.All([]delayed.Delayed[int]{shared, shared})),
		square(shared),
	})
	fmt.Println(results, err)
	// Output: [18 81] <nil>
}

func ExampleCompute3() {
	a, b, c, err := delayed.Compute3(context.Background(),
		square(delayed.Value(1)), delayed.Value("two"), safeDiv(delayed.Value(3.0), delayed.Value(1.0)))
	fmt.Println(a, b, c, err)
	// Output: 1 two 3 <nil>
}

func ExamplePure() {
	slowSquare := delayed.Func1(func(x int) int { return x * x }, delayed.Pure())
	a, b := slowSquare(delayed.Value(12)), slowSquare(delayed.Value(12))
	fmt.Println(a.Key() == b.Key()) // identical pure calls merge
	// Output: true
}

func ExampleName() {
	f := delayed.Func1(func(x int) int { return x }, delayed.Name("example.identity"))
	fmt.Println(strings.HasPrefix(string(f(delayed.Value(1)).Key()), "example.identity-"))
	// Output: true
}

func ExampleConfigure() {
	restore := delayed.Configure(delayed.WithScheduler("synchronous"))
	defer restore()
	v, err := square(delayed.Value(5)).Compute(context.Background())
	fmt.Println(v, err)
	// Output: 25 <nil>
}

func ExampleWithScheduler() {
	for _, name := range []string{"synchronous", "threads"} {
		v, err := square(delayed.Value(4)).Compute(context.Background(),
			delayed.WithScheduler(name), delayed.WithWorkers(2))
		fmt.Println(name, v, err)
	}
	_, err := square(delayed.Value(4)).Compute(context.Background(), delayed.WithScheduler("gpu"))
	fmt.Println(errors.Is(err, delayed.ErrUnknownScheduler))
	// Output:
	// synchronous 16 <nil>
	// threads 16 <nil>
	// true
}

func ExampleCallbacks() {
	cb := delayed.Callbacks{
		Start:  func(info delayed.ComputeInfo) { fmt.Println("start:", info.Tasks, "tasks") },
		Finish: func(info delayed.ComputeInfo) { fmt.Println("finish: failed =", info.Failed) },
	}
	_, _ = square(square(delayed.Value(2))).Compute(context.Background(), delayed.WithCallbacks(cb))
	// Output:
	// start: 2 tasks
	// finish: failed = false
}

func ExampleWithProgress() {
	var log strings.Builder
	_, _ = square(delayed.Value(2)).Compute(context.Background(), delayed.WithProgress(&log))
	fmt.Println(strings.Contains(log.String(), "100% 1/1 tasks"))
	// Output: true
}

func ExampleVisualize() {
	var dot strings.Builder
	_ = delayed.Visualize(&dot, square(delayed.Value(2)))
	fmt.Println(strings.HasPrefix(dot.String(), "strict digraph"))
	// Output: true
}

func ExampleVisualizeFile() {
	path := os.TempDir() + "/lazygraph-example.dot"
	defer os.Remove(path)
	fmt.Println(delayed.VisualizeFile(path, square(delayed.Value(2))))
	// Output: <nil>
}

func ExampleFromTask() {
	// Graphs written Dask-style, with keys, come in through package graph.
	b := graph.NewBuilder()
	b.Data("x", 20)
	b.Call("y", square(delayed.Value(0)).Task().Func(), graph.Ref("x"))
	tasks, _ := b.Tasks("y")
	v, err := delayed.FromTask[int](tasks[0]).Compute(context.Background())
	fmt.Println(v, err)
	// Output: 400 <nil>
}

func ExampleOf() {
	nodes := []delayed.Node{square(delayed.Value(3)), delayed.Value("s")}
	v, err := delayed.Of[int](nodes[0]).Compute(context.Background())
	fmt.Println(v, err, delayed.Of[int](nodes[1]).Err() != nil)
	// Output: 9 <nil> true
}

func ExampleDelayed_Err() {
	var zero delayed.Delayed[int]
	fmt.Println(square(zero).Err() != nil)
	// Output: true
}

func ExampleInit() {
	// At the top of main (and TestMain): a worker process serves and returns true.
	if delayed.Init() {
		return
	}
	fmt.Println("not a worker")
	// Output: not a worker
}

// ErrOutOfRange is a sentinel error tasks return; registered, it keeps its identity when it
// comes back from worker processes.
var ErrOutOfRange = errors.New("out of range")

func init() { delayed.RegisterError(ErrOutOfRange) }

func ExampleRegisterError() {
	check := delayed.Func1E(func(x int) (int, error) {
		if x > 10 {
			return 0, fmt.Errorf("checking %d: %w", x, ErrOutOfRange)
		}
		return x, nil
	})
	_, err := check(delayed.Value(11)).Compute(context.Background())
	fmt.Println(errors.Is(err, ErrOutOfRange))
	// Output: true
}

// Shape is an interface some task parameters take.
type Shape interface{ Area() float64 }

// Square is one of its implementations; registered, it can reach worker processes as a Shape.
type Square struct{ Side float64 }

// Area returns the square's area.
func (s Square) Area() float64 { return s.Side * s.Side }

func init() { delayed.RegisterType[Square]() }

func ExampleRegisterType() {
	area := delayed.Func1(func(s Shape) float64 { return s.Area() })
	v, err := area(delayed.Value[Shape](Square{Side: 3})).Compute(context.Background())
	fmt.Println(v, err)
	// Output: 9 <nil>
}

func ExampleUsing() {
	// Any schedulers.Scheduler value, such as a distributed client, can be used directly.
	s, _ := schedulers.Lookup("synchronous")
	v, err := square(delayed.Value(7)).Compute(context.Background(), delayed.Using(s))
	fmt.Println(v, err)
	// Output: 49 <nil>
}

func ExampleCompute2() {
	shared := square(delayed.Value(4))
	n, s, err := delayed.Compute2(context.Background(), square(shared), delayed.Value("sixteen"))
	fmt.Println(n, s, err)
	// Output: 256 sixteen <nil>
}

func ExampleWithChunksize() {
	// 1 hands tasks to worker processes one at a time; larger values batch them; 0 adapts.
	// Local schedulers ignore it; a negative value is an error.
	_, err := square(delayed.Value(2)).Compute(context.Background(), delayed.WithChunksize(-1))
	fmt.Println(err)
	// Output: lazygraph configuration: chunksize must be 0 (adaptive) or more, got -1
}

func ExampleWithLogger() {
	// Schedulers log through the given zap logger; without it they log nothing.
	v, err := square(delayed.Value(3)).Compute(context.Background(), delayed.WithLogger(zap.NewNop()))
	fmt.Println(v, err)
	// Output: 9 <nil>
}

// WithWireCheck finds, on threads, what would fail on worker processes: here a value of an
// unregistered type in an any-typed place.
func ExampleWithWireCheck() {
	type unregistered struct{ N int }
	echo := delayed.Call1(func(x any) any { return x }, delayed.Value[any]([]any{unregistered{1}}))
	_, err := echo.Compute(context.Background(), delayed.WithScheduler("threads"), delayed.WithWireCheck())
	fmt.Println(errors.Is(err, delayed.ErrUnregisteredType))
	// Output: true
}

// noisy adds noise from its task's own stream. It is pure: the stream belongs to the call
// noisy(x), wherever and whenever it runs.
var noisy = delayed.Func1Ctx(func(ctx context.Context, x float64) (float64, error) {
	return x + delayed.Rand(ctx).NormFloat64(), nil
}, delayed.Pure())

func ExampleRand() {
	a, _ := noisy(delayed.Value(1.0)).Compute(context.Background(), delayed.WithSeed(42), delayed.WithScheduler("synchronous"))
	b, _ := noisy(delayed.Value(1.0)).Compute(context.Background(), delayed.WithSeed(42), delayed.WithScheduler("threads"))
	c, _ := noisy(delayed.Value(1.0)).Compute(context.Background(), delayed.WithSeed(43))
	fmt.Println(a == b, a == c)
	// Output: true false
}

func ExampleWithSeed() {
	// The same seed gives the same streams in every run; LAZYGRAPH_SEED sets it from outside.
	v1, _ := noisy(delayed.Value(0.0)).Compute(context.Background(), delayed.WithSeed(7))
	v2, _ := noisy(delayed.Value(0.0)).Compute(context.Background(), delayed.WithSeed(7))
	fmt.Println(v1 == v2)
	// Output: true
}

var double = delayed.Func1(func(x int) int { return 2 * x })

func ExampleMap() {
	// One task per element; double is a package-level wrapper, so this runs on every scheduler.
	out, err := delayed.All(delayed.Map(double, []int{1, 2, 3})).Compute(context.Background())
	fmt.Println(out, err)
	// Output: [2 4 6] <nil>
}

var power = delayed.Func2(func(p, x int) int {
	r := 1
	for range p {
		r *= x
	}
	return r
})

func ExampleMapWith() {
	// The first argument is shared by every task (one data node, sent once per worker).
	out, err := delayed.All(delayed.MapWith(power, delayed.Value(3), []int{1, 2, 3})).Compute(context.Background())
	fmt.Println(out, err)
	// Output: [1 8 27] <nil>
}

func ExampleMap2() {
	// Pairs (as[i], bs[i]), like Julia's pmap(f, as, bs).
	out, err := delayed.All(delayed.Map2(power, []int{2, 3}, []int{5, 2})).Compute(context.Background())
	fmt.Println(out, err)
	// Output: [25 8] <nil>
}

func ExampleMapDelayed() {
	out, err := delayed.All(delayed.MapDelayed(double, delayed.Map(double, []int{1, 2}))).Compute(context.Background())
	fmt.Println(out, err)
	// Output: [4 8] <nil>
}

var attemptsSoFar atomic.Int32

// converge fails on its first attempt, as a fit that does not converge on an unlucky start.
var converge = delayed.Func1E(func(x float64) (float64, error) {
	if attemptsSoFar.Add(1) == 1 {
		return 0, errors.New("did not converge")
	}
	return x / 2, nil
}, delayed.Retries(3))

func ExampleRetries() {
	v, err := converge(delayed.Value(8.0)).Compute(context.Background(), delayed.WithScheduler("synchronous"))
	fmt.Println(v, err, attemptsSoFar.Load())
	// Output: 4 <nil> 2
}

var slow = delayed.Func1Ctx(func(ctx context.Context, d time.Duration) (string, error) {
	select {
	case <-time.After(d):
		return "done", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}, delayed.Timeout(20*time.Millisecond))

func ExampleTimeout() {
	_, err := slow(delayed.Value(time.Hour)).Compute(context.Background())
	fmt.Println(errors.Is(err, delayed.ErrTimeout))
	// Output: true
}

var failOdd = delayed.Func1E(func(x int) (int, error) {
	if x%2 == 1 {
		return 0, fmt.Errorf("%d is odd", x)
	}
	return x * 10, nil
})

func ExampleWithKeepGoing() {
	xs := delayed.Map(failOdd, []int{0, 1, 2, 3})
	got, err := delayed.ComputeEach(context.Background(), xs, delayed.WithKeepGoing())
	var failures *delayed.Failures
	if errors.As(err, &failures) {
		fmt.Println(got, "missing", failures.Missing)
	}
	// Output: [0 0 20 0] missing [1 3]
}

func ExampleWithRetries() {
	// Every task of this computation gets up to 2 more attempts.
	v, err := double(delayed.Value(21)).Compute(context.Background(), delayed.WithRetries(2))
	fmt.Println(v, err)
	// Output: 42 <nil>
}

func ExampleComputeEach() {
	got, err := delayed.ComputeEach(context.Background(), delayed.Map(double, []int{1, 2}))
	fmt.Println(got, err)
	// Output: [2 4] <nil>
}

func ExampleFailures_WriteTable() {
	_, err := delayed.ComputeEach(context.Background(), []delayed.Delayed[int]{failOdd(delayed.Value(3))},
		delayed.WithKeepGoing(), delayed.WithScheduler("synchronous"))
	var failures *delayed.Failures
	if errors.As(err, &failures) {
		fmt.Println(len(failures.Failed), failures.Failed[0].Attempts, failures.Failed[0].Err.(*delayed.TaskError).Err)
	}
	// Output: 1 1 3 is odd
}
