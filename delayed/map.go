package delayed

import (
	"fmt"

	"github.com/lazygraph/lazygraph/graph"
)

// Map calls the wrapped function f once per element of values: one task per element, each
// element a data node of its own. f is a wrapper made by [Func1] (or Func1E, Func1Ctx), so the
// element and result types are checked by the compiler as for a direct call. Collect the
// results with [All].
//
//	var fit = delayed.Func1E(fitFold)          // package level
//	models := delayed.Map(fit, folds)           // []Delayed[model], one task per fold
func Map[A, R any](f func(Delayed[A]) Delayed[R], values []A) []Delayed[R] {
	out := make([]Delayed[R], len(values))
	for i, v := range values {
		out[i] = f(Value(v))
	}
	return out
}

// MapWith is [Map] for a function of two parameters whose first argument is the same for every
// element: the study's settings or a shared data set, computed or given once with [Value] and
// sent once per worker.
//
//	var replicate = delayed.Func2E(runReplicate, delayed.Pure())
//	results := delayed.MapWith(replicate, delayed.Value(study), replicateNumbers)
func MapWith[S, A, R any](f func(Delayed[S], Delayed[A]) Delayed[R], shared Delayed[S], values []A) []Delayed[R] {
	out := make([]Delayed[R], len(values))
	for i, v := range values {
		out[i] = f(shared, Value(v))
	}
	return out
}

// Map2 calls the wrapped two-parameter function f once per pair (as[i], bs[i]), like Julia's
// pmap(f, as, bs). Slices of different lengths are a mistake: every returned value then
// carries an error saying so, reported by [Delayed.Err] and by Compute before anything runs.
func Map2[A, B, R any](f func(Delayed[A], Delayed[B]) Delayed[R], as []A, bs []B) []Delayed[R] {
	if len(as) != len(bs) {
		err := &graph.BuildError{Err: fmt.Errorf("delayed.Map2: %d first arguments but %d second arguments", len(as), len(bs))}
		out := make([]Delayed[R], max(len(as), len(bs)))
		for i := range out {
			out[i] = Delayed[R]{t: graph.Failed("delayed.Map2", err)}
		}
		return out
	}
	out := make([]Delayed[R], len(as))
	for i := range as {
		out[i] = f(Value(as[i]), Value(bs[i]))
	}
	return out
}

// MapDelayed calls f once per element of values that are themselves Delayed: the results of
// earlier tasks, say.
func MapDelayed[A, R any](f func(Delayed[A]) Delayed[R], values []Delayed[A]) []Delayed[R] {
	out := make([]Delayed[R], len(values))
	for i, v := range values {
		out[i] = f(v)
	}
	return out
}
