package delayed

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// ErrTimeout is matched by the error of a task attempt that ran longer than its [Timeout].
var ErrTimeout = graph.ErrTimeout

// Failure is one task that produced no result in a computation that kept going.
type Failure struct {
	Key      graph.Key // the task
	Func     string    // its function's name
	Err      error     // its *TaskError; nil when it was skipped
	Attempts int       // how many times it ran; 0 when skipped
	Skipped  bool      // not run because Cause failed or was skipped
	Cause    graph.Key // for a skipped task: the argument that has no result
}

// Failures is the error of a computation run with [WithKeepGoing] in which some tasks failed:
// the tasks that failed, those skipped because they needed a failed task's result, and the
// positions (in the order given to Compute) of the outputs that are missing. Each list is in
// the graph's order, the same under every scheduler. errors.Is and errors.As reach the failed
// tasks' errors through it.
type Failures struct {
	Failed  []Failure
	Skipped []Failure
	Missing []int
	Outputs int // how many outputs the computation had
}

func (f *Failures) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d task(s) failed, %d skipped, %d of %d output(s) missing", len(f.Failed), len(f.Skipped), len(f.Missing), f.Outputs)
	if len(f.Failed) > 0 {
		fmt.Fprintf(&b, "; first: %v", f.Failed[0].Err)
	}
	return b.String()
}

// Unwrap returns the failed tasks' errors.
func (f *Failures) Unwrap() []error {
	errs := make([]error, len(f.Failed))
	for i, x := range f.Failed {
		errs[i] = x.Err
	}
	return errs
}

// WriteTable writes one line per failed and skipped task: key, function, attempts and error (or
// what it waited for), aligned in columns.
func (f *Failures) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "task\tfunction\tattempts\terror")
	for _, x := range f.Failed {
		msg := ""
		if te, ok := x.Err.(*TaskError); ok {
			msg = te.Err.Error()
		} else if x.Err != nil {
			msg = x.Err.Error()
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", x.Key, x.Func, x.Attempts, strings.ReplaceAll(msg, "\n", " "))
	}
	for _, x := range f.Skipped {
		fmt.Fprintf(tw, "%s\t%s\t0\tskipped: needs %s\n", x.Key, x.Func, x.Cause)
	}
	return tw.Flush()
}

// failuresOf builds the error of a job that kept going, or returns nil when nothing failed.
func failuresOf(plan *graph.Plan, job *schedulers.Job) error {
	list := job.Failures()
	if len(list) == 0 {
		return nil
	}
	slices.SortFunc(list, func(a, b schedulers.TaskFailure) int { return int(a.Task) - int(b.Task) })
	f := &Failures{Outputs: len(plan.Outputs())}
	for _, x := range list {
		t := plan.Task(x.Task)
		entry := Failure{Key: t.Key(), Func: t.Func().Name(), Err: x.Err, Skipped: x.Skipped}
		if x.Skipped {
			entry.Cause = plan.Task(x.Cause).Key()
			f.Skipped = append(f.Skipped, entry)
			continue
		}
		if te, ok := x.Err.(*TaskError); ok {
			entry.Attempts = te.Attempts
		}
		f.Failed = append(f.Failed, entry)
	}
	for k, i := range plan.Outputs() {
		if job.Missing(i) {
			f.Missing = append(f.Missing, k)
		}
	}
	return f
}

// ComputeEach computes many values of one type in one pass, as [Compute] does, and returns them
// typed. With [WithKeepGoing] it is the way to collect what succeeded: the values of failed
// outputs are zero, and the error, a *[Failures], lists their positions in Missing.
func ComputeEach[T any](ctx context.Context, xs []Delayed[T], opts ...Option) ([]T, error) {
	tasks := make([]*graph.Task, len(xs))
	for i, x := range xs {
		tasks[i] = x.t
	}
	results, err := compute(ctx, tasks, opts)
	if results == nil {
		return nil, err
	}
	out := make([]T, len(xs))
	for i, r := range results {
		out[i], _ = r.(T)
	}
	return out, err
}
