package schedulers

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// Scheduler executes compiled task graphs. Implementations must be safe for concurrent use:
// several Executes may run at once, from different goroutines, and from inside tasks.
type Scheduler interface {
	Execute(ctx context.Context, job *Job) error
}

// Observer is told about tasks as they start and finish. Its methods may be called concurrently
// from several goroutines and must return quickly.
type Observer interface {
	TaskStarted(task int32, worker int)
	TaskFinished(task int32, worker int, elapsed time.Duration, err error)
}

// Job is one computation handed to a scheduler: the plan, its settings, and the results.
type Job struct {
	Plan      *graph.Plan
	Workers   int         // at most this many tasks run at once; at least 1
	Chunksize int         // tasks sent together to a worker; 0 means the scheduler's default
	Address   string      // where a networked scheduler listens, when one is configured
	Observer  Observer    // nil when nobody listens
	Logger    *zap.Logger // never nil
	Hook      CallHook    // nil, or sees every call Run makes (package delayed's wire check)
	Seed      uint64      // root of the tasks' random streams (graph.WithTaskStream)
	Retries   int         // runs after the first for a failed task whose function sets none
	// Priority is the computation's priority among those sharing a cluster (higher first).
	Priority int
	// Resources are the machine's, for the local schedulers (threads, synchronous, processes):
	// what tasks needing resources (graph.Function.Resources) may hold while they run.
	Resources graph.Resources

	// OnResult, when set, is called by [Job.Run] with each task's result as the task succeeds, in
	// the goroutine that ran it, before the Observer hears of it: how a result store keeps
	// results computed here. Schedulers that run tasks elsewhere do not call it.
	OnResult func(task int32, v any)
	// OnEncodedResult, when set, is called by schedulers that run tasks in other processes with
	// each result that comes back to this process as its task finishes, encoded with the
	// function's result type; v's memory is valid only during the call. Results kept where they
	// were computed do not come back and are not reported.
	OnEncodedResult func(task int32, v wire.Value)
	// OnStored, when set, is called by schedulers that run tasks in other processes with each
	// task whose result was written into the result store at StoreDir elsewhere (by the worker
	// that computed it, or by a scheduler that sees the directory), so that this process does
	// not write it again. It may be called from any goroutine, before Execute returns.
	OnStored func(task int32)
	// StoreDir is the directory of the computation's result store ("" for none), and StoreKeys
	// (indexed by task) the entry key of each task whose result is kept there, "" for the others:
	// a scheduler running tasks on other machines may write results into the directory from
	// there when it is shared with them.
	StoreDir  string
	StoreKeys []string

	// NoOutputRelay leaves what tasks write to standard output and error in worker processes
	// where the workers' own output goes, instead of relaying it here tagged with the task's key.
	NoOutputRelay bool
	// Stdout and Stderr receive tasks' relayed output (os.Stdout and os.Stderr when nil).
	Stdout, Stderr io.Writer

	// BytesSent counts the bytes that crossed into worker processes for this job, for schedulers
	// that have them.
	BytesSent atomic.Int64

	results []any
	keep    *keepGoing // nil unless KeepGoing was called
}

// NewJob returns a job for plan with the data nodes' results in place.
func NewJob(plan *graph.Plan) *Job {
	j := &Job{Plan: plan, Workers: 1, Logger: zap.NewNop(), results: make([]any, plan.Len())}
	for i := range int32(plan.Len()) {
		if plan.IsData(i) {
			j.results[i] = plan.Task(i).Value()
		}
	}
	return j
}

// Result returns the result stored for task i (nil before it ran or after it was freed).
func (j *Job) Result(i int32) any { return j.results[i] }

// SetResult stores task i's result. Different tasks' results may be set concurrently.
func (j *Job) SetResult(i int32, v any) { j.results[i] = v }

// Free drops the reference to task i's result, once no task needs it any more.
func (j *Job) Free(i int32) { j.results[i] = nil }

// Run calls task i with its arguments' results, in this goroutine, and stores its result. args
// is scratch space for the arguments, reused across calls so that dispatch does not allocate. A
// failure comes back as a *graph.TaskError naming the task and function; a panic inside the task
// is recovered into a *graph.PanicError inside it. worker identifies the runner for the Observer.
//
// Run applies the failure policies: a failed call is run again as its function's graph.Policy or
// Job.Retries say, each attempt limited by the function's timeout, all with the same arguments
// and the same random stream. In a job that keeps going ([Job.KeepGoing]) a failure is recorded
// and Run returns nil, and a task whose argument failed or was skipped is skipped.
func (j *Job) Run(ctx context.Context, i int32, worker int, args []any) ([]any, error) {
	task := j.Plan.Task(i)
	if j.keep != nil {
		if cause, skip := j.keep.blocked(j.Plan.Args(i)); skip {
			j.keep.record(TaskFailure{Task: i, Skipped: true, Cause: cause})
			return args, nil
		}
	}
	args = args[:0]
	for _, a := range j.Plan.Args(i) {
		args = append(args, j.results[a])
	}
	var start time.Time
	var spans bool
	if j.Observer != nil {
		j.Observer.TaskStarted(i, worker)
		_, spans = j.Observer.(SpanObserver)
		start = time.Now()
	}
	v, attempts, err := j.call(ctx, task, args)
	var span TaskSpan
	if spans {
		span = TaskSpan{Task: i, Worker: worker, Start: start, Elapsed: time.Since(start), BytesOut: ApproxSize(v)}
		for _, a := range args {
			span.BytesIn += ApproxSize(a)
		}
	}
	clear(args)
	if err != nil {
		err = &graph.TaskError{Key: task.Key(), Func: task.Func().Name(), Err: err, Attempts: attempts}
	} else {
		j.results[i] = v
		if j.OnResult != nil {
			j.OnResult(i, v)
		}
	}
	switch {
	case spans:
		span.Err = err
		j.Observer.(SpanObserver).TaskSpan(span)
	case j.Observer != nil:
		j.Observer.TaskFinished(i, worker, time.Since(start), err)
	}
	if err != nil && j.keep != nil && ctx.Err() == nil {
		j.keep.record(TaskFailure{Task: i, Err: err})
		return args, nil
	}
	return args, err
}

// PlaceholderScheduler is implemented by schedulers that can compute graphs containing
// graph.Placeholder data (values kept by a cluster); others refuse such graphs.
type PlaceholderScheduler interface {
	Scheduler
	AcceptsPlaceholders()
}
