package delayed

import (
	"fmt"
	"reflect"

	"github.com/lazygraph/lazygraph/graph"
)

// Delayed is a value that has not been computed yet: the result of a wrapped function's call,
// or a value given to [Value]. Pass it to other wrapped functions to build a graph, and call
// [Delayed.Compute] (or [Compute] for several) to run it. The zero Delayed refers to nothing;
// using it is an error reported when the graph is built.
//
// A Delayed is a small handle, cheap to copy, and safe to share between goroutines.
type Delayed[T any] struct {
	t *graph.Task
}

// Node is any Delayed, whatever its type: what [Compute], [Visualize] and [Call] accept.
type Node interface {
	// Task returns the graph task behind the value.
	Task() *graph.Task
	// ResultType returns the type of the value once computed.
	ResultType() reflect.Type
}

var _ Node = Delayed[int]{}

// Value returns v as a Delayed: a data node in the graph. A value used by many tasks is stored
// once, and sent once to each worker process that needs it rather than once per task. (Passing
// the same slice, map or pointer through separate Value calls is detected and merged too.)
func Value[T any](v T) Delayed[T] {
	return Delayed[T]{t: graph.NewData(v)}
}

// Task returns the graph task behind d, for use with package graph.
func (d Delayed[T]) Task() *graph.Task { return d.t }

// ResultType returns T.
func (d Delayed[T]) ResultType() reflect.Type { return reflect.TypeFor[T]() }

// Key returns the key of d's task ("" for the zero Delayed).
func (d Delayed[T]) Key() graph.Key {
	if d.t == nil {
		return ""
	}
	return d.t.Key()
}

// Err returns what is wrong with how d was built (a wrong argument type, a nil function, a
// duplicate function name), or nil. Compute reports the same error before running anything;
// Err lets you check at the point of construction.
func (d Delayed[T]) Err() error {
	if d.t == nil {
		return &graph.BuildError{Err: errZeroDelayed}
	}
	return d.t.Err()
}

var errZeroDelayed = fmt.Errorf("uninitialised Delayed")

// String describes d without computing it, e.g. "Delayed[int](main.inc-42)".
func (d Delayed[T]) String() string {
	return fmt.Sprintf("Delayed[%s](%s)", reflect.TypeFor[T](), d.Key())
}

// Of converts a Node known to compute a T into a Delayed[T]. It is for code that holds
// untyped Nodes; a Node of another type gives a Delayed whose Err reports the mismatch.
func Of[T any](n Node) Delayed[T] {
	if n == nil || n.Task() == nil {
		return Delayed[T]{t: graph.Failed("delayed.Of", errZeroDelayed)}
	}
	want := reflect.TypeFor[T]()
	if have := n.ResultType(); have != want && !(want.Kind() == reflect.Interface && have.Implements(want)) {
		return Delayed[T]{t: graph.Failed("delayed.Of", fmt.Errorf("%s computes %s, not %s", n.Task().Key(), have, want))}
	}
	return Delayed[T]{t: n.Task()}
}

// FromTask returns a Delayed for a task built with package graph (a [graph.Builder], say). T
// must be the task's result type; a mismatch gives a Delayed whose Err reports it.
func FromTask[T any](t *graph.Task) Delayed[T] {
	if t == nil {
		return Delayed[T]{t: graph.Failed("delayed.FromTask", errZeroDelayed)}
	}
	want := reflect.TypeFor[T]()
	var have reflect.Type
	if t.IsData() {
		if ph, ok := t.Value().(graph.Placeholder); ok {
			have = ph.PlaceholderType()
		} else if t.Value() != nil {
			have = reflect.TypeOf(t.Value())
		}
	} else if t.Func() != nil {
		have = t.Func().Result()
	}
	if have != nil && have != want && !(want.Kind() == reflect.Interface && have.Implements(want)) {
		return Delayed[T]{t: graph.Failed("delayed.FromTask", fmt.Errorf("%s computes %s, not %s", t.Key(), have, want))}
	}
	return Delayed[T]{t: t}
}
