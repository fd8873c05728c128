package processes

import "github.com/lazygraph/lazygraph/schedulers"

var _ schedulers.KeepGoingScheduler = (*Scheduler)(nil)

// KeepsGoing marks the scheduler as able to keep going after a failed task (delayed.WithKeepGoing):
// its coordinator records the failure, skips the tasks needing the failed result and runs the
// rest.
func (s *Scheduler) KeepsGoing() {}
