package schedulers

import (
	"reflect"
	"time"
)

// TaskSpan is when, where and with how many bytes a task ran, as measured where it ran: what a
// timeline (a trace, a dashboard's task stream) draws.
type TaskSpan struct {
	Task   int32
	Worker int
	// Start is when the task's call began, by the clock of the machine that ran it; Elapsed how
	// long the call took there (retries of a failed call included).
	Start   time.Time
	Elapsed time.Duration
	// BytesIn and BytesOut are the sizes of the task's arguments and of its result. Schedulers
	// running tasks in other processes give encoded sizes, as they cross between processes: a
	// result kept on the worker that made it and used only there is never encoded and counts 0.
	// In-process schedulers give an estimate of the values' memory (see [ApproxSize]).
	BytesIn  int64
	BytesOut int64
	Err      error // the task's failure
	// Untimed says the scheduler did not time this task (Start and Elapsed are zero, and sizes
	// are not measured), as a [SampledObserver] allows: only a failed task's span says so.
	Untimed bool
}

// SpanObserver is an Observer that wants each finished task's [TaskSpan]. A scheduler calls
// TaskSpan instead of TaskFinished when its observer implements it (see [FinishTask]).
type SpanObserver interface {
	Observer
	TaskSpan(s TaskSpan)
}

// SizeObserver is a SpanObserver that says whether it uses spans' BytesIn and BytesOut. When
// SpanSizes returns false, schedulers may leave them 0 and skip measuring them (an in-process
// scheduler's estimate walks every argument): a dashboard needs times, not sizes.
type SizeObserver interface {
	SpanObserver
	SpanSizes() bool
}

// SampledObserver is a SpanObserver content with the times of a sample of the tasks and with
// hearing of the others in batches (a dashboard's counts are exact, its durations statistics):
// when SampleTimes returns true, a scheduler that times tasks itself may leave tasks shorter than
// [SampleAbove] untimed but for one in up to [SampleEvery] on each worker, once the worker has
// timed [SampleAfter] short tasks in a row. That spares two clock reads and two calls of the
// observer per task (on a virtual machine a clock read can cost a tenth of a microsecond task).
// Every task is still reported:
//
//   - An untimed task's start is not reported. When it succeeds it joins its worker's batch,
//     which the observer is given with TasksUntimed, in the order the tasks ran, before the
//     worker's next timed task starts, when the batch holds SampleEvery tasks, when the worker
//     runs out of work, and when the scheduler's run ends ([Job.Report], [Job.Settle]).
//   - An untimed task that fails is reported alone, after its worker's batch: TaskStarted, then
//     a TaskSpan saying Untimed, with no time.
//
// Calls for one worker are never concurrent.
type SampledObserver interface {
	SpanObserver
	SampleTimes() bool
	// TasksUntimed tells of tasks that ran on worker, untimed, and succeeded. The slice is the
	// scheduler's and valid only during the call.
	TasksUntimed(worker int, tasks []int32)
}

// SampleAbove is the duration from which every task is timed for a [SampledObserver]; below it,
// one in SampleAbove/d tasks of duration d (at most one in SampleEvery), so that timing costs
// well under 1% of the tasks' time.
const SampleAbove = 64 * time.Microsecond

// SampleEvery bounds the tasks left untimed between two timed ones on a worker.
const SampleEvery = 64

// SampleAfter is how many short tasks in a row a worker times before it samples: a small
// graph's tasks are all timed.
const SampleAfter = 16

// WantsSizes reports whether obs uses spans' sizes: a SpanObserver that does not say otherwise
// (see [SizeObserver]).
func WantsSizes(obs Observer) bool {
	if so, ok := obs.(SizeObserver); ok {
		return so.SpanSizes()
	}
	_, ok := obs.(SpanObserver)
	return ok
}

// FinishTask tells obs (not nil) that a task finished: TaskSpan for a SpanObserver, TaskFinished
// for others.
func FinishTask(obs Observer, s TaskSpan) {
	if so, ok := obs.(SpanObserver); ok {
		so.TaskSpan(s)
		return
	}
	obs.TaskFinished(s.Task, s.Worker, s.Elapsed, s.Err)
}

// ApproxSize estimates the memory a value's data takes, cheaply and without following pointers
// beyond the first level: a slice's or array's elements, a string's bytes, 16 bytes per map
// entry, the size of other values themselves.
func ApproxSize(v any) int64 {
	if v == nil {
		return 0
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return int64(rv.Len()) * int64(rv.Type().Elem().Size())
	case reflect.String:
		return int64(rv.Len())
	case reflect.Map:
		return int64(rv.Len()) * 16
	case reflect.Pointer:
		if rv.IsNil() {
			return 0
		}
		return int64(rv.Type().Elem().Size())
	}
	return int64(rv.Type().Size())
}
