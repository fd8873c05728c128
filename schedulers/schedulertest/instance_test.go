package schedulertest_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
	"github.com/lazygraph/lazygraph/schedulers/threads"
)

// counting is a scheduler known to no registry: it counts the computations it runs and hands
// them to threads.
type counting struct {
	inner schedulers.Scheduler
	runs  atomic.Int64
}

var _ schedulers.PolicyScheduler = (*counting)(nil)

// AppliesPolicies says that the failure policies apply: threads, which runs the tasks, applies
// them.
func (c *counting) AppliesPolicies() {}

func (c *counting) Execute(ctx context.Context, job *schedulers.Job) error {
	c.runs.Add(1)
	return c.inner.Execute(ctx, job)
}

func TestRunByInstance(t *testing.T) {
	inner, err := schedulers.Lookup(threads.Name)
	if err != nil {
		t.Fatal(err)
	}
	c := &counting{inner: inner}
	schedulertest.Run(t, schedulertest.Options{New: func() schedulers.Scheduler { return c }})
	if c.runs.Load() == 0 {
		t.Error("the suite did not compute with the instance it was given")
	}
}
