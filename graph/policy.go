package graph

import (
	"errors"
	"fmt"
	"time"
)

// Policy is what a function's calls do about failure: how many times a failed call is run again,
// and how long one attempt may take. Schedulers apply it where the call runs (Job.Run for the
// local schedulers); a coordinator that runs tasks elsewhere carries the same two numbers.
type Policy struct {
	Retries int           // runs after the first when a call fails; 0: the computation's setting
	Timeout time.Duration // the longest one attempt may run; 0: no limit
}

// ErrTimeout is matched by the error of a task attempt that ran longer than its function's
// timeout (a *TimeoutError).
var ErrTimeout = errors.New("task timed out")

// TimeoutError is a task attempt that ran longer than Limit: its context was cancelled, and the
// attempt failed whatever it returned.
type TimeoutError struct {
	Limit time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("ran longer than its timeout of %v", e.Limit)
}

// Is makes errors.Is(err, ErrTimeout) true.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }
