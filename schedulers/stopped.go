package schedulers

import (
	"context"
	"errors"
	"fmt"
)

// ErrStopped is matched by the error a scheduler returns when a computation's context ends
// before all tasks ran; the error also matches the context's own error (context.Canceled or
// context.DeadlineExceeded) and its cause.
var ErrStopped = errors.New("computation stopped")

// Stopped returns the error for a computation whose context ended after finished of total calls.
func Stopped(ctx context.Context, finished, total int) error {
	cause := context.Cause(ctx)
	if cause == nil {
		cause = context.Canceled
	}
	if err := ctx.Err(); err != nil && !errors.Is(cause, err) {
		return fmt.Errorf("%w after %d of %d tasks: %w (%w)", ErrStopped, finished, total, err, cause)
	}
	return fmt.Errorf("%w after %d of %d tasks: %w", ErrStopped, finished, total, cause)
}

// Failure returns the error a computation ends with when a task failed with err: err itself,
// unless ctx had already ended, in which case the task most likely failed because of that and
// the computation reports being stopped.
func Failure(ctx context.Context, err error, finished, total int) error {
	if ctx.Err() != nil {
		return Stopped(ctx, finished, total)
	}
	return err
}
