package worker

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// WorkerError is a task's failure in a worker process: it names the worker (host and pid) and
// unwraps to the task's own error (a *graph.PanicError for a panic), so errors.Is and errors.As
// see through it.
type WorkerError struct {
	Worker string // host and pid, such as "node7 (pid 4242)"
	Err    error
}

func (e *WorkerError) Error() string { return fmt.Sprintf("on worker %s: %v", e.Worker, e.Err) }

// Unwrap returns the task's error.
func (e *WorkerError) Unwrap() error { return e.Err }

// processName names this process for error messages: host and pid.
func processName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown host"
	}
	return host + " (pid " + strconv.Itoa(os.Getpid()) + ")"
}

// EncodeTaskError describes a task's failure for the parent. A panic keeps its stack, and a
// panic whose value is an error keeps that error's identity (when its type is registered), so
// that errors.As finds it on the other side as it would in-process.
func EncodeTaskError(err error) wire.ErrorRecord {
	var pe *graph.PanicError
	if !errors.As(err, &pe) {
		return wire.EncodeError(err)
	}
	var rec wire.ErrorRecord
	if e, ok := pe.Value.(error); ok && e != nil {
		rec = wire.EncodeError(e)
		rec.PanicError = true
	} else {
		rec = wire.ErrorRecord{Message: fmt.Sprint(pe.Value)}
	}
	rec.Panic, rec.Stack = true, pe.Stack
	return rec
}

// DecodeTaskError rebuilds a task's failure sent by a worker: registered error types keep their
// identity, a panic becomes a *graph.PanicError with the worker's stack (its value the error
// thrown, when one was), and the whole is a *WorkerError naming the worker when it is known.
func DecodeTaskError(rec *wire.ErrorRecord) error {
	err := wire.DecodeError(*rec)
	if rec.Panic {
		var value any = rec.Message
		if rec.PanicError {
			value = err
		}
		err = &graph.PanicError{Value: value, Stack: rec.Stack}
	}
	if rec.Worker != "" {
		err = &WorkerError{Worker: rec.Worker, Err: err}
	}
	return err
}

func init() {
	// Found by errors.Is in the parent, as the other registered errors.
	wire.RegisterError(ErrUnknownFunction)
	// The engine's own task errors, so that errors.Is(err, delayed.ErrTimeout) and the like hold
	// on every scheduler.
	wire.RegisterError(graph.ErrTimeout)
	wire.RegisterError(&graph.TimeoutError{})
	wire.RegisterError(graph.ErrNoStream)
}
