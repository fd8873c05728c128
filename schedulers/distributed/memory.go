package distributed

import (
	"strconv"

	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Worker memory. A worker has a budget: WorkerOptions.MemoryLimit, else
// $LAZYGRAPH_WORKER_MEMORY (a size such as 256MB or 2GiB), else the machine's memory (a local
// cluster gives each of its workers an equal share). The worker sets GOMEMLIMIT from it, spills
// its coldest values to a directory of its own on local disk past $LAZYGRAPH_WORKER_SPILL of it
// (0.6 by default; "off" never spills) and reads them back for its tasks and for other workers
// fetching them; past $LAZYGRAPH_WORKER_PAUSE (0.8) it takes no new task until its memory falls,
// and tells the scheduler, which sends it none.

// workerMemory returns a worker's budget from its options and the environment.
func workerMemory(opts WorkerOptions) (worker.Memory, error) {
	m, err := worker.MemoryFromEnvironment(1)
	if err != nil {
		return m, err
	}
	if opts.MemoryLimit > 0 {
		m.Limit = opts.MemoryLimit
	}
	if opts.NoSpill {
		m.Spill = -1
	}
	return m, nil
}

// localMemoryEnv gives each of a local cluster's workers its share of the machine, unless the
// environment sets their budget.
func localMemoryEnv(env []string, workers int) []string {
	for _, e := range env {
		if len(e) > len(worker.EnvMemory) && e[:len(worker.EnvMemory)+1] == worker.EnvMemory+"=" {
			return env
		}
	}
	if total := worker.TotalMemory(); total > 0 {
		env = append(env, worker.EnvMemory+"="+strconv.FormatInt(total/int64(max(workers, 1)), 10))
	}
	return env
}

func (s resultSink) SendMemory(r *worker.MemoryReport) error {
	return s.c.send(worker.KindMemory, r, nil)
}

var _ worker.MemorySink = resultSink{}

// WorkerMemory returns the last memory report of every worker that has served this scheduler, in
// service or gone: peak resident memory, bytes spilled and the like.
func (s *Server) WorkerMemory() []cluster.WorkerMemory { return s.coord.WorkerMemory() }

// WorkerMemory returns the last memory reports of the workers of the registered scheduler's
// local clusters.
func WorkerMemory() []cluster.WorkerMemory {
	s := defaultScheduler
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []cluster.WorkerMemory
	for _, lc := range s.clusters {
		out = append(out, lc.server.WorkerMemory()...)
	}
	return out
}
