package distributed

import (
	"errors"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/schedulers"
)

// A computation run with delayed.WithKeepGoing goes on after a failed task on a cluster too:
// the submit message says so, the scheduler's coordinator records failures and skips what
// needs them, and the finished message lists both.

var (
	_ schedulers.KeepGoingScheduler = (*Scheduler)(nil)
	_ schedulers.KeepGoingScheduler = (*Client)(nil)
	_ schedulers.KeepGoingScheduler = (*LocalCluster)(nil)
)

// KeepsGoing marks the scheduler as able to keep going after a failed task.
func (s *Scheduler) KeepsGoing() {}

// KeepsGoing marks the client as able to keep going after a failed task.
func (cl *Client) KeepsGoing() {}

// KeepsGoing marks the cluster as able to keep going after a failed task.
func (lc *LocalCluster) KeepsGoing() {}

// describeKept turns the failures of a computation that kept going into the finished message's
// lists.
func describeKept(f *cluster.Failures) ([]keptFailure, []skippedTask) {
	failed := make([]keptFailure, len(f.Failed))
	for k, x := range f.Failed {
		failed[k] = keptFailure{Task: x.Task, Record: x.Record}
		if x.Err != nil {
			failed[k].Message = x.Err.Error()
			if errors.Is(x.Err, cluster.ErrWorkerDied) {
				failed[k].Code = codeWorkerDied
			}
		}
	}
	skipped := make([]skippedTask, len(f.Skipped))
	for k, x := range f.Skipped {
		skipped[k] = skippedTask{Task: x.Task, Cause: x.Cause}
	}
	return failed, skipped
}

// keptFailures rebuilds the failures of a computation that kept going from its finished
// message: nil when nothing failed.
func keptFailures(m *finished) error {
	if len(m.KeptFailed) == 0 && len(m.Skipped) == 0 {
		return nil
	}
	f := &cluster.Failures{Failed: make([]cluster.TaskFailure, len(m.KeptFailed))}
	for k, x := range m.KeptFailed {
		f.Failed[k] = cluster.TaskFailure{Task: x.Task, Record: x.Record}
		if x.Record == nil {
			switch x.Code {
			case codeWorkerDied:
				f.Failed[k].Err = remoteError(cluster.ErrWorkerDied, x.Message)
			default:
				f.Failed[k].Err = errors.New(x.Message)
			}
		}
	}
	for _, x := range m.Skipped {
		f.Skipped = append(f.Skipped, cluster.Skip{Task: x.Task, Cause: x.Cause})
	}
	return f
}
