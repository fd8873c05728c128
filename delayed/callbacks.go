package delayed

import (
	"sync/atomic"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/dashboard"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Callbacks are told what a computation does. Any field may be nil. Start and Finish are called
// once per Compute, from the goroutine that called it — Finish always, also when the graph was
// invalid, a task failed or the context was cancelled. TaskStart and TaskEnd are called from the
// goroutines running tasks, possibly concurrently, and must be quick and safe for concurrent use.
type Callbacks struct {
	Start     func(ComputeInfo)
	TaskStart func(TaskInfo)
	TaskEnd   func(TaskInfo)
	Finish    func(ComputeInfo)
}

// ComputeInfo describes a computation for [Callbacks].
type ComputeInfo struct {
	Scheduler string
	Workers   int
	Tasks     int           // calls to run (data nodes not counted); 0 if the graph was invalid
	Elapsed   time.Duration // Finish only: time since Start
	Failed    bool          // Finish only: the computation returned an error
	Err       error         // Finish only: that error
	BytesSent int64         // Finish only: bytes that crossed into worker processes
	FromStore int           // tasks replaced by results kept in the result store (WithCache)
}

// TaskInfo describes one task for [Callbacks].
type TaskInfo struct {
	Key     graph.Key
	Func    string
	Worker  int           // which worker ran it, numbered from 0 within the computation
	Elapsed time.Duration // TaskEnd only
	Err     error         // TaskEnd only: the task's failure
	// TaskEnd only: when the task's call began, by the clock of the machine that ran it (on
	// processes and distributed, measured by the worker; zero when the scheduler does not say).
	Start time.Time
	// TaskEnd only: the sizes of the task's arguments and result. On processes and distributed
	// they are encoded sizes, as the values cross between processes (a result kept on the worker
	// that made it and used only there is never encoded and counts 0); on synchronous and threads
	// an estimate of the values' memory (slices' elements, strings' bytes).
	BytesIn, BytesOut int64
}

// observer relays a scheduler's task events to callbacks and the progress bar.
type observer struct {
	plan      *graph.Plan
	callbacks []Callbacks
	progress  *progressBar
	dash      *dashboard.Run // nil unless WithDashboard
	finished  atomic.Int64
}

var (
	_ schedulers.SizeObserver    = (*observer)(nil)
	_ schedulers.SampledObserver = (*observer)(nil)
)

// SpanSizes reports whether a callback hears of tasks' ends, with their sizes: the dashboard
// and the progress bar do not use them, and on synchronous and threads measuring them walks
// every argument.
func (o *observer) SpanSizes() bool {
	for _, cb := range o.callbacks {
		if cb.TaskEnd != nil {
			return true
		}
	}
	return false
}

// SampleTimes reports whether the observer is content with the times of a sample of short
// tasks: when no callback hears of tasks' ends (the dashboard's durations are statistics; its
// counts stay exact).
func (o *observer) SampleTimes() bool { return !o.SpanSizes() }

func (o *observer) TaskStartedUntimed(i int32, worker int) {
	if o.dash != nil {
		o.dash.TaskStartedUntimed(i, worker)
	}
	// No callback hears of tasks' ends (SampleTimes), but one may hear of their starts.
	o.tellStart(i, worker)
}

func (o *observer) TaskStarted(i int32, worker int) {
	if o.dash != nil {
		o.dash.TaskStarted(i, worker)
	}
	o.tellStart(i, worker)
}

// tellStart tells the callbacks that hear of tasks' starts.
func (o *observer) tellStart(i int32, worker int) {
	var info *TaskInfo // made for the first callback that hears of starts: a key is formatted
	for _, cb := range o.callbacks {
		if cb.TaskStart != nil {
			if info == nil {
				in := o.info(i, worker)
				info = &in
			}
			cb.TaskStart(*info)
		}
	}
}

func (o *observer) TaskFinished(i int32, worker int, elapsed time.Duration, err error) {
	o.TaskSpan(schedulers.TaskSpan{Task: i, Worker: worker, Elapsed: elapsed, Err: err})
}

func (o *observer) TaskSpan(s schedulers.TaskSpan) {
	if o.dash != nil {
		if s.Untimed {
			o.dash.TaskUntimed(s.Task, s.Worker, s.Err)
		} else {
			o.dash.TaskDone(s.Task, s.Worker, s.Start, s.Elapsed, s.Err)
		}
	}
	if o.progress != nil {
		// Counted only for the bar: one counter shared by every worker's goroutine.
		o.finished.Add(1)
		if o.progress.funcs != nil {
			o.progress.funcs.finished(s.Task)
		}
	}
	var info *TaskInfo // made for the first callback that hears of ends
	for _, cb := range o.callbacks {
		if cb.TaskEnd != nil {
			if info == nil {
				in := o.info(s.Task, s.Worker)
				in.Elapsed, in.Err, in.Start, in.BytesIn, in.BytesOut = s.Elapsed, s.Err, s.Start, s.BytesIn, s.BytesOut
				info = &in
			}
			cb.TaskEnd(*info)
		}
	}
}

func (o *observer) info(i int32, worker int) TaskInfo {
	t := o.plan.Task(i)
	return TaskInfo{Key: t.Key(), Func: t.Func().Name(), Worker: worker}
}
