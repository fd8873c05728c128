// Package synchronous is lazygraph's simplest scheduler: it runs one task at a time in the
// calling goroutine, in the plan's priority order. It is the reference the other schedulers are
// compared with, the cheapest per task, and the easiest to debug: a stack trace inside a task
// leads straight back to Compute, and the order of execution is the same every run.
//
// It registers itself as "synchronous".
package synchronous

import (
	"context"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Name is the name the scheduler is registered under.
const Name = "synchronous"

func init() { schedulers.Register(Name, Scheduler{}) }

// Scheduler runs tasks one at a time in the calling goroutine.
type Scheduler struct{}

var _ schedulers.Scheduler = Scheduler{}

// Execute runs job's calls in index order, which is topological, so every argument is ready when
// its user runs. Results are released as soon as their last user has run.
func (Scheduler) Execute(ctx context.Context, job *schedulers.Job) error {
	plan := job.Plan
	tracker := graph.NewTracker(plan)
	done := ctx.Done()
	var (
		args   []any
		freed  []int32
		err    error
		called int
	)
	for i := range int32(plan.Len()) {
		if plan.IsData(i) {
			continue
		}
		select {
		case <-done:
			return schedulers.Stopped(ctx, called, plan.Calls())
		default:
		}
		if args, err = job.Run(ctx, i, 0, args); err != nil {
			return schedulers.Failure(ctx, err, called, plan.Calls())
		}
		called++
		freed = tracker.Release(i, freed[:0])
		for _, f := range freed {
			job.Free(f)
		}
	}
	return nil
}

// RunInWorker is for the schedulers that run tasks in worker processes (processes,
// distributed). Inside such a worker, a computation started by a task runs here, synchronously
// on the worker, rather than starting workers of its own; in a process that was started as a
// worker but never served (its main forgot delayed.Init) it is an error. handled reports
// whether either applied; otherwise the caller schedules the job itself.
func RunInWorker(ctx context.Context, job *schedulers.Job) (handled bool, err error) {
	switch {
	case schedulers.InWorker():
		return true, Scheduler{}.Execute(ctx, job)
	case schedulers.StartedAsWorker():
		return true, schedulers.ErrForgotInit
	}
	return false, nil
}
