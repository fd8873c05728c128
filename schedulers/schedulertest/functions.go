package schedulertest

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
)

// The suite's task functions are package-level wrappers, registered while packages initialise,
// so worker processes of a test binary know them by name.
var (
	inc       = delayed.Func1(Inc)
	add       = delayed.Func2(Add)
	sum       = delayed.Func1(Sum)
	pair      = delayed.Func2(MakePair)
	summarise = delayed.Func2(Summarise)
	failWith  = delayed.Func1E(FailWith)
	panicWith = delayed.Func1(PanicWith)
	sleepFor  = delayed.Func2Ctx(SleepFor)
	nestedSum = delayed.Func3E(NestedSum)

	incFunction = graph.NewFunction(graph.FunctionSpec{
		Name: "schedulertest.inc",
		Impl: Inc,
		Invoke: func(_ context.Context, args []any) (any, error) {
			x, _ := args[0].(int)
			return Inc(x), nil
		},
		Params: []reflect.Type{reflect.TypeFor[int]()},
		Result: reflect.TypeFor[int](),
	})
)

func init() {
	// CodeError keeps its type when it comes back from a worker process.
	delayed.RegisterError(&CodeError{})
}

// Inc returns x+1.
func Inc(x int) int { return x + 1 }

// Add returns x+y.
func Add(x, y int) int { return x + y }

// Sum returns the sum of xs.
func Sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// Pair is a structured result.
type Pair struct {
	A, B int
}

// MakePair returns Pair{a, b}.
func MakePair(a, b int) Pair { return Pair{A: a, B: b} }

// Summary is a nested result: a map of slices and a struct.
type Summary struct {
	Groups map[string][]int
	Pair   Pair
}

// Summarise nests its inputs in a Summary.
func Summarise(xs []int, p Pair) Summary {
	return Summary{Groups: map[string][]int{"even": evens(xs), "all": xs}, Pair: p}
}

func evens(xs []int) []int {
	var out []int
	for _, x := range xs {
		if x%2 == 0 {
			out = append(out, x)
		}
	}
	return out
}

// CodeError is an error type of the suite's own, to check that a task's error keeps its type.
type CodeError struct {
	Code int
}

func (e *CodeError) Error() string { return fmt.Sprintf("failed with code %d", e.Code) }

// FailWith fails with CodeError{code}.
func FailWith(code int) (int, error) { return 0, &CodeError{Code: code} }

// PanicWith panics with a message.
func PanicWith(x int) int { panic(fmt.Sprintf("task panicked on %d", x)) }

// Interval records when a task ran, in Unix nanoseconds of this machine's clock, so that
// concurrency can be measured from results even when tasks run in other processes.
type Interval struct {
	Start, End int64
}

// SleepFor sleeps ms milliseconds (returning early when ctx ends) and reports when it ran.
func SleepFor(ctx context.Context, ms, _ int) (Interval, error) {
	start := time.Now()
	select {
	case <-time.After(time.Duration(ms) * time.Millisecond):
	case <-ctx.Done():
		return Interval{}, ctx.Err()
	}
	return Interval{Start: start.UnixNano(), End: time.Now().UnixNano()}, nil
}

// NestedSum computes, from inside a task, the sum of inc(i) for i < n with the named
// scheduler and worker count: a nested computation.
func NestedSum(scheduler string, workers, n int) (int, error) {
	parts := make([]delayed.Delayed[int], n)
	for i := range parts {
		parts[i] = inc(delayed.Value(i))
	}
	return sum(delayed.All(parts)).Compute(context.Background(),
		delayed.WithScheduler(scheduler), delayed.WithWorkers(workers))
}
