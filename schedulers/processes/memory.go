package processes

import (
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/lazygraph/lazygraph/internal/cgroup"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Worker memory. Each worker process has a budget (worker.Memory): $LAZYGRAPH_WORKER_MEMORY when
// set (with $LAZYGRAPH_WORKER_SPILL, _PAUSE, _TERMINATE and _SPILL_DIR), else an equal share of
// the machine's memory among the pool's workers. The worker sets GOMEMLIMIT from it, spills its
// coldest values to disk past the spill threshold and pauses past the pause threshold (see
// internal/worker). A worker that dies for memory is reported as such (worker.ErrOutOfMemory),
// with the task it was running and its last reported memory.

// memoryEnv returns the environment entries giving a new worker its budget: the parent's own
// setting when it has one, else its share of the machine.
func memoryEnv(workers int) []string {
	if os.Getenv(worker.EnvMemory) != "" {
		return nil // inherited
	}
	total := worker.TotalMemory()
	if total <= 0 {
		return nil
	}
	return []string{worker.EnvMemory + "=" + strconv.FormatInt(total/int64(max(workers, 1)), 10)}
}

// serveMemory gives a worker process's executor its budget from the environment.
func serveMemory(x *worker.Executor) (worker.Memory, error) {
	m, err := worker.MemoryFromEnvironment(1)
	if err != nil {
		return m, err
	}
	worker.ApplyGoLimit(m)
	x.ManageMemory(m)
	return m, nil
}

func (s resultSink) SendMemory(r *worker.MemoryReport) error {
	return s.c.writeFrame(worker.KindMemory, r, nil)
}

var _ worker.MemorySink = resultSink{}

// WorkerMemory returns the last memory report of every worker process the registered scheduler
// started, in service or gone: peak resident memory, bytes spilled and the like.
func WorkerMemory() []cluster.WorkerMemory { return defaultScheduler.WorkerMemory() }

// WorkerMemory returns the last memory report of every worker process this scheduler started.
func (s *Scheduler) WorkerMemory() []cluster.WorkerMemory {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []cluster.WorkerMemory
	for _, p := range s.pools {
		out = append(out, p.coord.WorkerMemory()...)
	}
	return out
}

// memoryDeath says whether a worker process that ended with exit (the error of its Wait) and
// printed stderr died for memory, and how: the Go runtime's "out of memory", or SIGKILL while the
// OOM kill count of its cgroup grew past oom.before (taken when it started). nil when not.
func memoryDeath(name string, exit error, stderr string, oom oomWatch) *worker.OutOfMemoryError {
	if strings.Contains(stderr, "runtime: out of memory") || strings.Contains(stderr, "runtime: cannot allocate memory") {
		return &worker.OutOfMemoryError{Worker: name, How: "the Go runtime ran out of memory", Err: exit}
	}
	if sig, ok := killedBySignal(exit); ok && sig == syscall.SIGKILL && oom.ok && oom.before >= 0 && oom.cg.OOMKills() > oom.before {
		return &worker.OutOfMemoryError{Worker: name, How: "SIGKILL from the kernel's OOM killer (its cgroup's oom_kill count grew)",
			CgroupLimit: oom.cg.Limit(), Err: exit}
	}
	return nil
}

// oomWatch is a worker process's memory cgroup and its OOM kill count when the worker started.
type oomWatch struct {
	cg     cgroup.Memory
	ok     bool
	before int64
}

// watchOOM reads the memory cgroup of the worker process pid (this process's, which it started
// in, if it is gone already) and its OOM kill count now.
func watchOOM(pid int) oomWatch {
	cg, ok := cgroup.Of(pid)
	if !ok {
		cg, ok = cgroup.Of(0)
	}
	return oomWatch{cg: cg, ok: ok, before: cg.OOMKills()}
}
