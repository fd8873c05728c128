package processes

import (
	"errors"
	"os/exec"
	"syscall"
)

// errKilledStarting is matched by the start failure of a worker killed by a signal before it
// served: something outside did it, so such failures have a larger budget in a row
// (maxKilledStarts) than the program's own (maxStartFailures).
var errKilledStarting = errors.New("killed from outside while starting")

// killedBySignal reports whether a process's exit (the error of its Wait) was a signal's doing,
// and which.
func killedBySignal(exit error) (syscall.Signal, bool) {
	var ee *exec.ExitError
	if !errors.As(exit, &ee) {
		return 0, false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return 0, false
	}
	return ws.Signal(), true
}
