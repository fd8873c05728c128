package synchronous

import "github.com/lazygraph/lazygraph/schedulers"

var _ schedulers.PolicyScheduler = Scheduler{}

// AppliesPolicies says that tasks run through schedulers.Job.Run, which applies retries,
// timeouts and keep-going.
func (Scheduler) AppliesPolicies() {}
