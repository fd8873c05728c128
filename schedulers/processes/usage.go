package processes

import (
	"github.com/lazygraph/lazygraph/schedulers"
)

var _ schedulers.UsageReporter = (*Scheduler)(nil)

// WorkerUsage returns the resident memory and CPU of the worker processes that run job (those of
// its pool), as they last reported them (every second).
func (s *Scheduler) WorkerUsage(job *schedulers.Job) []schedulers.WorkerUsage {
	s.mu.Lock()
	p := s.pools[poolKey{job.Workers, job.Resources.String(), job.WorkerMemory}]
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	ws := p.coord.WorkerUsage()
	out := make([]schedulers.WorkerUsage, len(ws))
	for k, w := range ws {
		out[k] = schedulers.WorkerUsage{Worker: w.ID, RSS: w.RSS, CPU: w.CPU}
	}
	return out
}
