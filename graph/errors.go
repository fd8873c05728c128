package graph

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidGraph is matched (with errors.Is) by every error that says a graph cannot be
// computed as built: cycles, missing dependencies, build errors, duplicate function names.
var ErrInvalidGraph = errors.New("invalid task graph")

// TaskError is returned when a task fails: its function returned an error or panicked.
// errors.Is and errors.As reach the original error through it (for a panic, through the
// *[PanicError] it wraps).
type TaskError struct {
	Key  Key    // the failed task
	Func string // its function's registered name
	Err  error  // what the function returned, or a *PanicError
	// Attempts is how many times the task ran (more than 1 when it was retried); 0 when unknown.
	Attempts int
}

func (e *TaskError) Error() string {
	fn := e.Func
	if IsAnonymous(fn) {
		fn += ", an anonymous function: delayed.Name gives it a name"
	}
	if e.Attempts > 1 {
		return fmt.Sprintf("task %s (%s) after %d attempts: %v", e.Key, fn, e.Attempts, e.Err)
	}
	return fmt.Sprintf("task %s (%s): %v", e.Key, fn, e.Err)
}

func (e *TaskError) Unwrap() error { return e.Err }

// PanicError is a panic recovered from a task, with the stack of the goroutine that panicked.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the panicking goroutine's stack, as debug.Stack prints it
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value when it is an error, so errors.Is/As see what was thrown.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// CycleError reports a cycle: Keys lists the tasks around it, the first repeated at the end.
type CycleError struct {
	Keys []Key
}

func (e *CycleError) Error() string {
	parts := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		parts[i] = string(k)
	}
	return "task graph has a cycle: " + strings.Join(parts, " -> ")
}

func (e *CycleError) Is(target error) bool { return target == ErrInvalidGraph }

// MissingDependencyError reports an argument that refers to a key no task in the graph has.
type MissingDependencyError struct {
	Task    Key // the task whose argument refers to Missing
	Missing Key
}

func (e *MissingDependencyError) Error() string {
	return fmt.Sprintf("task %s depends on %s, which is not in the graph", e.Task, e.Missing)
}

func (e *MissingDependencyError) Is(target error) bool { return target == ErrInvalidGraph }

// DuplicateNameError reports two different functions registered under one explicit name.
type DuplicateNameError struct {
	Name string
}

func (e *DuplicateNameError) Error() string {
	return fmt.Sprintf("function name %q is already registered for a different function", e.Name)
}

func (e *DuplicateNameError) Is(target error) bool { return target == ErrInvalidGraph }

// BuildError reports a task that was built wrongly (for example an argument of the wrong type
// or an uninitialised Delayed); it surfaces when a graph containing the task is compiled, before
// anything runs.
type BuildError struct {
	Key Key   // the task, when it has one
	Err error // what was wrong
}

func (e *BuildError) Error() string {
	if e.Key == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("building %s: %v", e.Key, e.Err)
}

func (e *BuildError) Unwrap() error { return e.Err }

func (e *BuildError) Is(target error) bool { return target == ErrInvalidGraph }
