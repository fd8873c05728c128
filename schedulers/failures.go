package schedulers

import (
	"context"
	"sync"

	"github.com/lazygraph/lazygraph/graph"
)

// PolicyScheduler is implemented by schedulers whose tasks run through [Job.Run], which applies
// the failure policies: retries ([Job.Retries], graph.Policy), timeouts and keep-going
// ([Job.KeepGoing]). A computation asking to keep going is refused by the others, unless they
// are a [KeepGoingScheduler].
type PolicyScheduler interface {
	Scheduler
	AppliesPolicies()
}

// KeepGoingScheduler is implemented by schedulers whose tasks do not run through [Job.Run] but
// that keep going after a failure themselves (a cluster's coordinator): they record what
// failed and was skipped with [Job.RecordFailure].
type KeepGoingScheduler interface {
	Scheduler
	KeepsGoing()
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

// KeepsGoing reports whether KeepGoing was called.
func (j *Job) KeepsGoing() bool { return j.keep != nil }

// RecordFailure records a task that failed or was skipped in a job that keeps going whose tasks
// ran elsewhere (a scheduler that does not call Run). Call it before Execute returns, from one
// goroutine; it does nothing when the job does not keep going.
func (j *Job) RecordFailure(f TaskFailure) {
	if j.keep != nil && f.Task >= 0 && int(f.Task) < len(j.keep.outcome) {
		j.keep.record(f)
	}
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

// call runs task's function under its policy (graph.CallWithPolicy), through the job's hook when
// it has one, with the task's random stream in the context of functions that take one. It
// returns the result, the number of attempts and the last error.
func (j *Job) call(ctx context.Context, task *graph.Task, args []any) (any, int, error) {
	fn := task.Func()
	if fn.TakesContext() {
		ctx = graph.WithTaskStream(ctx, j.Seed, task)
	}
	if j.Hook == nil {
		return graph.CallWithPolicy(ctx, fn, args, j.Retries, nil)
	}
	return graph.CallWithPolicy(ctx, fn, args, j.Retries, func(ctx context.Context, args []any) (any, error) {
		return j.Hook.Call(ctx, fn, args)
	})
}
