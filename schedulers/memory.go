package schedulers

import (
	"fmt"
	"math"
)

// WorkerMemory is the memory budget of each worker process a scheduler starts on this machine
// (the processes scheduler): what $LAZYGRAPH_WORKER_MEMORY, _SPILL, _PAUSE and _SPILL_DIR set,
// given in Go. Each field left zero keeps what the environment (or the default) says. A worker
// sets GOMEMLIMIT from its limit, spills its least recently used values to disk once those it
// holds pass Spill of it, and takes no new task while its memory in use passes Pause of it.
type WorkerMemory struct {
	// Limit is each worker's budget in bytes: 0 keeps $LAZYGRAPH_WORKER_MEMORY or the default (an
	// equal share of the machine's or the cgroup's memory), a negative value sets none (nothing
	// spills, nothing pauses).
	Limit int64
	// Spill is the fraction of Limit that held values may fill before the coldest are spilled:
	// 0 keeps $LAZYGRAPH_WORKER_SPILL or the default 0.6, a negative value never spills.
	Spill float64
	// Pause is the fraction of Limit of memory in use from which the worker takes no new task:
	// 0 keeps $LAZYGRAPH_WORKER_PAUSE or the default 0.8, a negative value never pauses.
	Pause float64
	// SpillDir is where workers make their spill directories: "" keeps
	// $LAZYGRAPH_WORKER_SPILL_DIR or the system's temporary directory.
	SpillDir string
}

// Validate reports a fraction that is not a number or is above 10, naming the field.
func (m WorkerMemory) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"Spill", m.Spill}, {"Pause", m.Pause}} {
		if math.IsNaN(f.v) || f.v > 10 {
			return fmt.Errorf("worker memory: %s = %v: want a fraction of the limit such as 0.6, or a negative value for never", f.name, f.v)
		}
	}
	return nil
}
