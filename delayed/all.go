package delayed

import (
	"context"
	"reflect"

	"github.com/lazygraph/lazygraph/graph"
)

// All gathers many delayed values into one delayed slice, in order: the fan-in step of a
// map-reduce. The slice is assembled where its user runs.
func All[T any](xs []Delayed[T]) Delayed[[]T] {
	args := make([]*graph.Task, len(xs))
	for i, x := range xs {
		args[i] = x.t
	}
	fn := graph.SliceFunction(reflect.TypeFor[T](), gatherSlice[T])
	return Delayed[[]T]{t: graph.NewTask(fn, args)}
}

func gatherSlice[T any](_ context.Context, args []any) (any, error) {
	out := make([]T, len(args))
	for i, a := range args {
		out[i], _ = a.(T)
	}
	return out, nil
}
