package delayed

import (
	"fmt"
	"time"
)

// Retries makes a failed call of the function run again, up to n more times, with a pause
// between attempts that starts at 10 ms and doubles up to a second. Every attempt gets the same
// arguments and the same random stream ([Rand]), so a retry that succeeds gives the result an
// unfailing run would have given (provided the function does not change its arguments). The
// error after the last attempt is the task's own, in a *[TaskError] whose Attempts says how many
// runs there were. It overrides [WithRetries] for this function. Negative n makes every call of
// the function a *[BuildError].
//
// Retries and [Timeout] are applied on every scheduler: by the synchronous and threads schedulers
// in this process, and by the worker running the task on processes and distributed. The
// per-computation [WithRetries] is applied everywhere too, and so is [WithKeepGoing] (on
// processes and distributed, by the cluster's coordinator).
func Retries(n int) FuncOption {
	return func(o *funcOptions) { o.retries = n }
}

// Timeout limits how long one attempt of a call may run: after d its context is cancelled and
// the attempt fails with an error matching [ErrTimeout], whatever it returns (it can be retried,
// see [Retries]). A function that takes no context, or ignores it, runs on to its end on the
// local schedulers before failing. Negative d makes every call a *[BuildError].
func Timeout(d time.Duration) FuncOption {
	return func(o *funcOptions) { o.timeout = d }
}

// WithRetries makes every failed task of the computation run again up to n more times, unless
// its function says otherwise with [Retries]. n must be 0 or more.
func WithRetries(n int) Option {
	return func(s *settings) {
		s.retries = n
		var err error
		if n < 0 {
			err = fmt.Errorf("retries must be 0 or more, got %d", n)
		}
		s.assign(settingRetries, err)
	}
}

// WithKeepGoing makes the computation run every task it can instead of stopping at the first
// failure: tasks that need a failed task's result are skipped, and Compute returns the outputs
// that were computed along with a *[Failures] error listing what failed, what was skipped and
// which outputs are missing (errors.As(err, &failures)). [ComputeEach] suits it best. Every
// built-in scheduler keeps going (processes and distributed through their coordinator, which
// skips the tasks needing a failed one); a scheduler that cannot refuses the option, with an
// error, before running anything.
func WithKeepGoing() Option {
	return func(s *settings) {
		s.keepGoing = true
		s.assign(settingKeepGoing, nil)
	}
}
