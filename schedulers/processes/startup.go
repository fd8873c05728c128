package processes

import "errors"

// isStartupMistake reports whether a worker failed to start for a reason that retrying cannot
// fix: a program that does not call delayed.Init, or a worker that is a different program.
func isStartupMistake(err error) bool {
	return errors.Is(err, ErrWorkerStart) || errors.Is(err, ErrWorkerRefused)
}
