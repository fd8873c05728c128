package delayed

import (
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Errors a computation can return; see package graph and package schedulers for details.
type (
	// TaskError is a task's failure, naming the task and its function; it unwraps to the
	// function's own error or to a *PanicError.
	TaskError = graph.TaskError
	// PanicError is a panic recovered from a task, with its stack.
	PanicError = graph.PanicError
	// BuildError is a call that was built wrongly (argument types, a zero Delayed).
	BuildError = graph.BuildError
)

var (
	// ErrInvalidGraph matches every error about a graph that cannot be computed as built.
	ErrInvalidGraph = graph.ErrInvalidGraph
	// ErrUnknownScheduler matches the error for a scheduler name nobody registered.
	ErrUnknownScheduler = schedulers.ErrUnknownScheduler
	// ErrStopped matches the error of a computation whose context ended; the error also matches
	// the context's own error.
	ErrStopped = schedulers.ErrStopped
)
