package delayed

import "github.com/lazygraph/lazygraph/schedulers"

// WorkerMemory is the memory budget of each worker process of the processes scheduler: its
// limit in bytes, the fractions of it at which values spill to disk and the worker pauses, and
// where spill directories go. Fields left zero keep what the environment sets
// ($LAZYGRAPH_WORKER_MEMORY, _SPILL, _PAUSE, _SPILL_DIR) or the defaults (an equal share of the
// machine's or cgroup's memory, 0.6, 0.8, the temporary directory); negative values turn a limit,
// spilling or pausing off. See [schedulers.WorkerMemory].
type WorkerMemory = schedulers.WorkerMemory

// WithWorkerMemory sets the memory budget of the processes scheduler's worker processes,
// overriding the environment field by field. Workers with another budget are another pool: a
// computation with this option gets workers of its own, started with it. The threads and
// synchronous schedulers start no workers and ignore it; distributed workers take theirs from
// their own options (distributed.WorkerOptions.MemoryLimit, lazygraph worker -memory-limit). A
// fraction above 10 or not a number is an error.
func WithWorkerMemory(m WorkerMemory) Option {
	return func(s *settings) {
		s.workerMemory = m
		s.assign(settingWorkerMemory, m.Validate())
	}
}
