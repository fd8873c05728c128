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
// its user runs; when functions have priorities (graph.Function.Priority), the ready call of
// highest priority runs first, ties in index order. Results are released as soon as their last
// user has run. A call needing resources (graph.Function.Resources) runs only if the machine
// declares them (Job.Resources); otherwise the computation fails before anything runs, with an
// error matching schedulers.ErrNoResources.
func (Scheduler) Execute(ctx context.Context, job *schedulers.Job) error {
	if err := schedulers.CheckResources(job.Plan, job.Resources, "the machine"); err != nil {
		return err
	}
	return execute(ctx, job)
}

func execute(ctx context.Context, job *schedulers.Job) error {
	defer job.Report(0) // the untimed tasks the observer has not heard of
	plan := job.Plan
	tracker := graph.NewTracker(plan)
	done := ctx.Done()
	var (
		args   []any
		freed  []int32
		err    error
		called int
	)
	next := inOrder(plan)
	if rank, order := plan.Rank(); rank != nil {
		next = byPriority(plan, tracker, rank, order)
	}
	for {
		i, ok := next()
		if !ok {
			break
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
		// The worker's task holds its worker's resources: the nested computation's calls run
		// under them, unchecked.
		return true, execute(ctx, job)
	case schedulers.StartedAsWorker():
		return true, schedulers.ErrForgotInit
	}
	return false, nil
}

// inOrder returns the calls in index order.
func inOrder(plan *graph.Plan) func() (int32, bool) {
	i := int32(-1)
	return func() (int32, bool) {
		for i++; int(i) < plan.Len(); i++ {
			if !plan.IsData(i) {
				return i, true
			}
		}
		return 0, false
	}
}

// byPriority returns the ready call of highest priority each time, ties in index order: the
// ready queue holds ranks. Each call it returns is taken to have run.
func byPriority(plan *graph.Plan, tracker *graph.Tracker, rank, order []int32) func() (int32, bool) {
	var ready graph.ReadyQueue
	for _, i := range plan.Initial() {
		ready.Push(rank[i])
	}
	var newly []int32
	last := int32(-1)
	return func() (int32, bool) {
		if last >= 0 {
			newly = tracker.Finish(last, newly[:0])
			for _, u := range newly {
				ready.Push(rank[u])
			}
		}
		if ready.Len() == 0 {
			return 0, false
		}
		last = order[ready.Pop()]
		return last, true
	}
}
