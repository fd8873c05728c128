package distributed

import (
	"errors"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Registered sentinel errors: a computation failing with one of them on the scheduler fails on
// its client with an error that errors.Is matches against the same sentinels, although only the
// message and a code cross the wire. The codes are part of the protocol: add, never change.
var registeredCodes = []struct {
	code      string
	sentinels []error              // what the client's error matches
	match     func(err error) bool // whether the scheduler's error has this code
}{
	// The no-worker timeout of a computation waiting for a resource no worker declares: also
	// schedulers.ErrNoResources, what the local schedulers return for a task needing resources
	// the machine lacks.
	{"no-worker-resources", []error{cluster.ErrNoWorker, cluster.ErrResourceUnavailable, schedulers.ErrNoResources},
		func(err error) bool {
			return errors.Is(err, cluster.ErrNoWorker) && errors.Is(err, cluster.ErrResourceUnavailable)
		}},
	{"no-worker", []error{cluster.ErrNoWorker}, is(cluster.ErrNoWorker)},
	{"no-resources", []error{schedulers.ErrNoResources}, is(schedulers.ErrNoResources)},
	{"invalid-graph", []error{cluster.ErrInvalidGraph}, is(cluster.ErrInvalidGraph)},
	{"not-portable", []error{cluster.ErrNotPortable}, is(cluster.ErrNotPortable)},
}

func is(sentinel error) func(error) bool {
	return func(err error) bool { return errors.Is(err, sentinel) }
}

// registeredCode returns the code of the first registered entry err matches, or "".
func registeredCode(err error) string {
	for _, r := range registeredCodes {
		if r.match(err) {
			return r.code
		}
	}
	return ""
}

// registeredError returns msg as an error matching the code's sentinels, or nil for a code not
// registered.
func registeredError(code, msg string) error {
	for _, r := range registeredCodes {
		if r.code == code {
			if len(r.sentinels) == 1 {
				return remoteError(r.sentinels[0], msg)
			}
			return &multiCoded{sentinels: r.sentinels, msg: msg}
		}
	}
	return nil
}

// multiCoded is a codedError matching several sentinels; its message is the scheduler's (which
// names the first).
type multiCoded struct {
	sentinels []error
	msg       string
}

func (e *multiCoded) Error() string   { return e.msg }
func (e *multiCoded) Unwrap() []error { return e.sentinels }
