package schedulers

import (
	"context"
	"io"
	"sync"
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
	// WorkerMemory is the memory budget of each worker process, for schedulers that start them
	// on this machine (processes); its zero value leaves it to the environment.
	WorkerMemory WorkerMemory
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

	res  jobResults
	keep *keepGoing // nil unless KeepGoing was called

	// What Run tells the Observer, decided once (the Observer is set after NewJob).
	obsOnce sync.Once
	spanObs SpanObserver // the Observer when it wants spans
	sizes   bool         // it wants spans' sizes
	// samples holds each worker's sampling state and batch of untimed tasks, for a
	// SampledObserver (nil otherwise): Run calls for one worker are never concurrent.
	samples []sampleState
	sampled SampledObserver // the Observer when samples is not nil
	// clock is when the job was made: Run times tasks by the monotonic clock alone, as offsets
	// from it, one clock read at each end of a task (time.Now reads two clocks).
	clock time.Time
}

// observing decides what Run tells the Observer.
func (j *Job) observing() {
	j.spanObs, _ = j.Observer.(SpanObserver)
	j.sizes = j.spanObs != nil && WantsSizes(j.Observer)
	if so, ok := j.Observer.(SampledObserver); ok && so.SampleTimes() {
		j.samples = make([]sampleState, max(j.Workers, 1))
		j.sampled = so
	}
}

// sampleState is one worker's: how many short tasks it has timed in a row, how many tasks to
// leave untimed before timing one, and the untimed tasks its observer has not heard of yet
// (batch[:n]). Each worker's is on cache lines of its own.
type sampleState struct {
	short, skip, n int
	batch          [SampleEvery]int32
	_              [40]byte
}

// note takes the duration of a timed task: sampling starts after SampleAfter short tasks in
// a row, so that a small graph's tasks are all timed.
func (s *sampleState) note(d time.Duration) {
	if d >= SampleAbove {
		s.short, s.skip = 0, 0
		return
	}
	if s.short < SampleAfter {
		s.short++
		return
	}
	s.skip = untimedAfter(d)
}

// sampler returns worker's state, or nil when its every task is timed.
func (j *Job) sampler(worker int) *sampleState {
	if worker < 0 || worker >= len(j.samples) {
		return nil
	}
	return &j.samples[worker]
}

// report gives worker's batch of untimed tasks to the observer.
func (j *Job) report(worker int, s *sampleState) {
	j.sampled.TasksUntimed(worker, s.batch[:s.n])
	s.n = 0
}

// Unreported reports whether worker ran untimed tasks that its [SampledObserver] has not heard
// of yet. Only worker's own goroutine, or one that runs after it (see [Job.Report]), may ask.
func (j *Job) Unreported(worker int) bool {
	if j.Observer == nil {
		return false
	}
	j.obsOnce.Do(j.observing)
	s := j.sampler(worker)
	return s != nil && s.n > 0
}

// Report tells the [SampledObserver] of the untimed tasks worker ran that it has not heard of
// yet. A scheduler calling [Job.Run] calls it when the worker runs out of work and when the
// worker stops, from the worker's goroutine (or from one that runs after the worker's last Run),
// so that the observer's counts do not lag behind while the worker waits.
func (j *Job) Report(worker int) {
	if j.Unreported(worker) {
		j.report(worker, j.sampler(worker))
	}
}

// Settle reports every worker's untimed tasks ([Job.Report]): for the caller of a scheduler,
// once it has returned, when no Run is under way.
func (j *Job) Settle() {
	if j.Observer == nil {
		return
	}
	j.obsOnce.Do(j.observing)
	for w := range j.samples {
		j.Report(w)
	}
}

// untimedAfter is how many tasks to leave untimed after one that took d.
func untimedAfter(d time.Duration) int {
	if d >= SampleAbove {
		return 0
	}
	if d <= 0 {
		return SampleEvery - 1
	}
	return int(min(SampleAbove/d, SampleEvery)) - 1
}

// NewJob returns a job for plan, with the data nodes' results in place (see Result).
func NewJob(plan *graph.Plan) *Job {
	return &Job{Plan: plan, Workers: 1, Logger: zap.NewNop(), clock: time.Now()}
}

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
	args = j.appendArgs(args[:0], i)
	var (
		start, elapsed time.Duration // since j.clock
		timed          bool
		sample         *sampleState
	)
	if j.Observer != nil {
		j.obsOnce.Do(j.observing)
		if sample = j.sampler(worker); sample != nil && sample.skip > 0 {
			sample.skip-- // untimed: reported after it ran (see SampledObserver)
		} else {
			timed = true
			if sample != nil && sample.n > 0 {
				j.report(worker, sample)
			}
			j.Observer.TaskStarted(i, worker)
			start = time.Since(j.clock)
		}
	}
	v, attempts, err := j.call(ctx, task, args)
	var span TaskSpan
	if timed {
		elapsed = time.Since(j.clock) - start
		if sample != nil {
			sample.note(elapsed)
		}
		if j.spanObs != nil {
			span = TaskSpan{Task: i, Worker: worker, Start: j.clock.Add(start), Elapsed: elapsed}
			if j.sizes {
				span.BytesOut = ApproxSize(v)
				for _, a := range args {
					span.BytesIn += ApproxSize(a)
				}
			}
		}
	}
	clear(args)
	if err != nil {
		err = &graph.TaskError{Key: task.Key(), Func: task.Func().Name(), Err: err, Attempts: attempts}
	} else {
		j.SetResult(i, v)
		if j.OnResult != nil {
			j.OnResult(i, v)
		}
	}
	switch {
	case j.Observer == nil:
	case !timed && err == nil:
		sample.batch[sample.n] = i
		if sample.n++; sample.n == len(sample.batch) {
			j.report(worker, sample)
		}
	case !timed:
		if sample.n > 0 {
			j.report(worker, sample)
		}
		j.Observer.TaskStarted(i, worker)
		j.spanObs.TaskSpan(TaskSpan{Task: i, Worker: worker, Untimed: true, Err: err})
	case j.spanObs != nil:
		span.Err = err
		j.spanObs.TaskSpan(span)
	default:
		j.Observer.TaskFinished(i, worker, elapsed, err)
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
