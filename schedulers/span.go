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
}

// SpanObserver is an Observer that wants each finished task's [TaskSpan]. A scheduler calls
// TaskSpan instead of TaskFinished when its observer implements it (see [FinishTask]).
type SpanObserver interface {
	Observer
	TaskSpan(s TaskSpan)
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
