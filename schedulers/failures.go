package schedulers

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/lazygraph/lazygraph/graph"
)

// PolicyScheduler is implemented by schedulers whose tasks run through [Job.Run], which applies
// the failure policies: retries ([Job.Retries], graph.Policy), timeouts and keep-going
// ([Job.KeepGoing]). A computation asking to keep going is refused by the others.
type PolicyScheduler interface {
	Scheduler
	AppliesPolicies()
}

// TaskFailure is a task that did not produce a result in a computation that kept going: it
// failed (Err is its *graph.TaskError), or it was skipped because an argument had failed or
// been skipped (Cause is that argument).
type TaskFailure struct {
	Task    int32
	Err     error
	Skipped bool
	Cause   int32
}

// keepGoing is a job's record of failed and skipped tasks.
type keepGoing struct {
	mu      sync.Mutex
	outcome []bool // per task: failed or skipped; written before the task's users run
	list    []TaskFailure
}

// KeepGoing makes Run record a task's failure instead of returning it, and skip (without calling
// them) the tasks that need a failed or skipped task's result: the scheduler then runs every
// task it can. [Job.Failures] lists what failed. Call it before Execute.
func (j *Job) KeepGoing() {
	j.keep = &keepGoing{outcome: make([]bool, j.Plan.Len())}
}

// Failures returns the tasks that failed or were skipped in a job that kept going, in the order
// they were recorded (nil when none, or when the job did not keep going).
func (j *Job) Failures() []TaskFailure {
	if j.keep == nil {
		return nil
	}
	j.keep.mu.Lock()
	defer j.keep.mu.Unlock()
	return append([]TaskFailure(nil), j.keep.list...)
}

// Missing reports whether task i has no result because it failed or was skipped.
func (j *Job) Missing(i int32) bool { return j.keep != nil && j.keep.outcome[i] }

// blocked returns the first argument of i that failed or was skipped.
func (k *keepGoing) blocked(args []int32) (int32, bool) {
	for _, a := range args {
		if k.outcome[a] {
			return a, true
		}
	}
	return 0, false
}

func (k *keepGoing) record(f TaskFailure) {
	k.outcome[f.Task] = true
	k.mu.Lock()
	k.list = append(k.list, f)
	k.mu.Unlock()
}

// call runs task's function under its policy: up to 1+retries attempts, each limited by the
// timeout, with a growing pause between attempts. Every attempt gets the same arguments and the
// same context, hence the same random stream. It returns the result, the number of attempts and
// the last error.
func (j *Job) call(ctx context.Context, task *graph.Task, args []any) (any, int, error) {
	fn := task.Func()
	if fn.TakesContext() {
		ctx = graph.WithTaskStream(ctx, j.Seed, task)
	}
	policy := fn.Policy()
	retries := policy.Retries
	if retries == 0 {
		retries = j.Retries
	}
	for attempt := 1; ; attempt++ {
		v, err := attemptOnce(ctx, j.Hook, fn, args, policy.Timeout)
		if err == nil || attempt > retries || ctx.Err() != nil {
			return v, attempt, err
		}
		if !pause(ctx, backoff(attempt)) {
			return nil, attempt, err
		}
	}
}

// attemptOnce calls fn once, through hook when there is one, failing it with a
// *graph.TimeoutError when it runs past limit (when limit is positive).
func attemptOnce(ctx context.Context, hook CallHook, fn *graph.Function, args []any, limit time.Duration) (any, error) {
	if limit <= 0 {
		return callThrough(ctx, hook, fn, args)
	}
	timeout := &graph.TimeoutError{Limit: limit}
	tctx, cancel := context.WithTimeoutCause(ctx, limit, timeout)
	defer cancel()
	v, err := callThrough(tctx, hook, fn, args)
	if ctx.Err() == nil && errors.Is(context.Cause(tctx), graph.ErrTimeout) {
		return nil, timeout
	}
	return v, err
}

// callThrough calls fn, through hook when there is one.
func callThrough(ctx context.Context, hook CallHook, fn *graph.Function, args []any) (any, error) {
	if hook == nil {
		return fn.Call(ctx, args)
	}
	return hook.Call(ctx, fn, args)
}

// backoff is the pause before attempt+1: 10 ms doubling up to a second.
func backoff(attempt int) time.Duration {
	d := 10 * time.Millisecond << min(attempt-1, 7)
	return min(d, time.Second)
}

// pause waits d, or until ctx ends (then it returns false).
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
