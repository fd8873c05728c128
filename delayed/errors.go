package delayed

import (
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
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
	// ErrUnregisteredType matches the error for a value, in an interface-typed place (any,
	// []any, map[string]any, an interface field), whose type is not registered with
	// [RegisterType]: worker processes could not rebuild it. The processes and distributed
	// schedulers report it before any task runs (for a task's result, when the task ends);
	// [WithWireCheck] reports it on the local schedulers too.
	ErrUnregisteredType = wire.ErrUnregisteredType
	// ErrUnencodable matches the error for a value that cannot be sent to a worker process at
	// all (a channel, a function, a struct with unexported fields).
	ErrUnencodable = wire.ErrUnencodable
)
