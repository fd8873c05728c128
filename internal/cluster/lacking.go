package cluster

import "errors"

// ErrResourceUnavailable is matched (besides ErrNoWorker) by the no-worker-timeout error of a
// computation waiting for a resource (Function.Resources) that no connected worker declares.
var ErrResourceUnavailable = errors.New("a task needs a resource no connected worker declares")

// lackingResources marks a no-worker error as caused by a missing resource; its message is
// unchanged.
func lackingResources(err error) error { return &lackingError{err} }

type lackingError struct{ error }

func (e *lackingError) Unwrap() error        { return e.error }
func (e *lackingError) Is(target error) bool { return target == ErrResourceUnavailable }
