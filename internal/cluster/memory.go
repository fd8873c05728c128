package cluster

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Workers' memory. A worker with a budget reports its memory (worker.MemoryReport): the
// coordinator keeps the last report of every worker (for status, benchmarks and the report of a
// worker that dies for memory), sends no task to a worker that says it is paused until it says
// it is not, lets other workers take the tasks that preferred it, and places a task whose inputs
// two workers hold equally on the one with more room.

// WorkerMemory is a worker's last memory report.
type WorkerMemory struct {
	Worker string    // its name
	At     time.Time // when the report arrived
	worker.MemoryReport
}

// memoryRecords are the workers' last reports, written by the transports' goroutines (so that
// a transport reporting a death sees the last report before it) and read by anyone.
type memoryRecords struct {
	mu    sync.Mutex
	order []*Worker
	last  map[*Worker]*WorkerMemory
}

func (m *memoryRecords) record(w *Worker, r *worker.MemoryReport) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		m.last = map[*Worker]*WorkerMemory{}
	}
	rec := m.last[w]
	if rec == nil {
		rec = &WorkerMemory{Worker: w.Name}
		m.last[w] = rec
		m.order = append(m.order, w)
	}
	peak := max(rec.PeakRSS, r.PeakRSS)
	rec.MemoryReport, rec.At = *r, time.Now()
	rec.PeakRSS = peak
}

// Memory hands over a worker's memory report.
func (c *Coordinator) Memory(w *Worker, r *worker.MemoryReport) {
	c.memory.record(w, r)
	paused, limit := r.Paused, r.Limit
	c.do(evMemory{w, paused, limit})
}

// LastMemory returns w's last memory report, if it sent one.
func (c *Coordinator) LastMemory(w *Worker) (worker.MemoryReport, bool) {
	c.memory.mu.Lock()
	defer c.memory.mu.Unlock()
	if rec := c.memory.last[w]; rec != nil {
		return rec.MemoryReport, true
	}
	return worker.MemoryReport{}, false
}

// WorkerMemory returns the last memory report of every worker that sent one, in service or
// gone, in the order they first reported. PeakRSS is the highest any of its reports gave.
func (c *Coordinator) WorkerMemory() []WorkerMemory {
	c.memory.mu.Lock()
	defer c.memory.mu.Unlock()
	out := make([]WorkerMemory, 0, len(c.memory.order))
	for _, w := range c.memory.order {
		out = append(out, *c.memory.last[w])
	}
	return out
}

func (c *Coordinator) onMemory(w *Worker, paused bool, limit int64) {
	if !w.live() {
		return
	}
	w.memLimit = limit
	if paused == w.paused {
		return
	}
	w.paused = paused
	if paused {
		c.log.Info("worker paused for memory", zap.String("worker", w.Name))
		if s := c.hungry[w.Group]; s != nil {
			s.remove(w)
		}
		return
	}
	c.log.Info("worker resumed", zap.String("worker", w.Name))
	c.markDirty(w)
}

// takesTasks reports whether schedule may fill w.
func (w *Worker) takesTasks() bool { return w.serving() && !w.paused }

// room is the memory a worker has left for values, as far as the coordinator knows; a paused
// worker has none, one with no known budget as much as can be.
func (w *Worker) room() int64 {
	switch {
	case w.paused:
		return math.MinInt64
	case w.memLimit <= 0:
		return math.MaxInt64 - max(w.heldBytes, 0)
	default:
		return w.memLimit - w.heldBytes
	}
}

// roomier breaks a tie between two workers holding as many of a task's input bytes: true when
// a has more room than b and either has a budget or is paused.
func roomier(a, b *Worker) bool {
	if a.memLimit <= 0 && b.memLimit <= 0 && !a.paused && !b.paused {
		return false
	}
	return a.room() > b.room()
}

// deathCause completes the cause of w's death when it died for memory: its transport's
// worker.OutOfMemoryError, or its own last report saying it was ending itself, gets the task it
// was running and its last reported memory.
func (c *Coordinator) deathCause(w *Worker, cause error) error {
	last, reported := c.LastMemory(w)
	var oom *worker.OutOfMemoryError
	if !errors.As(cause, &oom) {
		if !reported || !last.Terminated {
			return cause
		}
		oom = &worker.OutOfMemoryError{Worker: w.Name, How: "it ended itself past its terminate threshold, $" + worker.EnvTerminate, Err: cause}
	} else {
		copied := *oom
		oom = &copied
	}
	if reported {
		if oom.RSS == 0 {
			oom.RSS = last.RSS
		}
		if oom.Limit == 0 {
			oom.Limit = last.Limit
		}
		if oom.Task == "" {
			oom.Task = last.Running
		}
	}
	if head, ok := w.queue.head(); ok {
		// The coordinator's own name for it, which the worker's report may lack (it ran out of
		// memory before reporting).
		oom.Task = fmt.Sprintf("%d (%s)", head.i, head.js.Graph.Func(head.i).Name)
	}
	return oom
}
