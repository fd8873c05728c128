package worker

import (
	"context"
	"errors"
	"runtime/debug"
	"slices"
	"time"

	"github.com/lazygraph/lazygraph/graph"
)

// ErrStuckTask is matched by the error with which an executor's Run stops after a task ran past
// its timeout without returning (its function ignores its context): a goroutine cannot be
// stopped, so the worker process must end for the task to end. The task itself is reported
// failed, by timeout, before Run returns.
var ErrStuckTask = errors.New("a task ignored its timeout")

// StuckGrace is how long past an attempt's timeout the executor waits for the function to
// return before it reports the attempt failed and gives the worker up.
var StuckGrace = time.Second

// guardedCall returns the call an attempt of fn makes when fn has a timeout: the function runs
// on a goroutine of its own, and when it has not returned StuckGrace after its attempt's
// context ended the attempt fails, stop is called (no further attempt starts), and the executor
// is marked stuck. That goroutine is then left running: the worker process exits soon after.
func (x *Executor) guardedCall(fn *graph.Function, stop context.CancelFunc) graph.CallFunc {
	return func(ctx context.Context, args []any) (any, error) {
		type outcome struct {
			v   any
			err error
		}
		args = slices.Clone(args) // the caller clears its slice when the attempt ends
		done := make(chan outcome, 1)
		go func() {
			var o outcome
			defer func() {
				if p := recover(); p != nil {
					o = outcome{err: &graph.PanicError{Value: p, Stack: debug.Stack()}}
				}
				done <- o
			}()
			o.v, o.err = fn.Call(ctx, args)
		}()
		select {
		case o := <-done:
			return o.v, o.err
		case <-ctx.Done():
		}
		grace := time.NewTimer(StuckGrace)
		defer grace.Stop()
		select {
		case o := <-done:
			return o.v, o.err
		case <-grace.C:
			x.stuck.Store(true)
			stop()
			return nil, context.Cause(ctx)
		}
	}
}
