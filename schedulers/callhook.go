package schedulers

import (
	"context"

	"github.com/lazygraph/lazygraph/graph"
)

// CallHook stands between [Job.Run] and a task's function: it calls fn with args itself, and
// may transform the arguments, the result and the error on the way (package delayed's wire
// check passes them through the encoding worker processes use). It must be safe for concurrent
// use.
type CallHook interface {
	Call(ctx context.Context, fn *graph.Function, args []any) (any, error)
}
