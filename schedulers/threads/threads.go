// Package threads is lazygraph's default scheduler: a bounded pool of goroutines in this process,
// sharing memory, so nothing is copied between tasks.
//
// A computation with N workers runs at most N tasks at once: the goroutine that called Compute
// works as one of them and N-1 helper goroutines join it; all of them have exited when Execute
// returns. Ready tasks wait in a queue ordered by the plan's static priority, so a worker takes
// the task that finishes the current branch before one that starts a new branch, and
// intermediate results are released as soon as their last user has run.
//
// A Compute called from inside a task (a nested computation) shares the enclosing computation's
// budget of N running tasks instead of starting N more: the task's goroutine works on the inner
// graph itself and inner helpers run only while another of the N is idle. Nesting can therefore
// neither deadlock nor oversubscribe the machine, however deep it goes.
//
// It registers itself as "threads".
package threads

import (
	"context"

	"github.com/lazygraph/lazygraph/schedulers"
)

// Name is the name the scheduler is registered under.
const Name = "threads"

func init() { schedulers.Register(Name, Scheduler{}) }

// Scheduler runs tasks on a bounded pool of goroutines.
type Scheduler struct{}

var _ schedulers.Scheduler = Scheduler{}

// Execute runs job with at most job.Workers tasks at once and returns when every task has run,
// one has failed, or ctx has ended; in every case after all of its goroutines have exited.
//
// Ready tasks of higher priority (graph.Function.Priority) run first, ties in the plan's order.
// A task needing resources (graph.Function.Resources) holds them, out of the machine's
// (Job.Resources), while it runs: it waits while they are taken, and a task needing more than the
// machine declares fails the computation before anything runs (schedulers.ErrNoResources).
func (Scheduler) Execute(ctx context.Context, job *schedulers.Job) error {
	if job.Plan.Calls() == 0 {
		return nil
	}
	if err := schedulers.CheckResources(job.Plan, job.Resources, "the machine"); err != nil {
		return err
	}
	r := newRun(ctx, job)
	return r.execute()
}
