package cluster

import (
	"errors"
	"fmt"

	"go.uber.org/zap"
)

// ErrWorkerDied is matched by the failure of a task whose worker kept dying while running it.
var ErrWorkerDied = errors.New("worker died")

// onDown handles a worker that left: its queued and running tasks run elsewhere, and values only
// it held are computed again from the graph. A task that was running alone on a worker that
// crashed (a suspect) is charged for it; after Retries charges its computation fails naming it.
func (c *Coordinator) onDown(w *Worker, cause error, crashed bool) {
	if w.dead {
		return
	}
	w.dead = true
	if w.slot < len(c.workers) && c.workers[w.slot] == w {
		c.workers[w.slot] = nil
	}
	c.retire(w)
	w.Link.Kill()
	crashed = crashed && !w.killed && w.up
	if crashed && !c.closed {
		c.log.Warn("worker died", zap.String("worker", w.Name), zap.Error(cause))
	}
	rerun := map[*Job][]int32{}
	for _, a := range w.queue.items() {
		js := a.js
		js.inflight--
		if js.stopped() || js.status[a.i] != stAssigned {
			continue
		}
		if crashed {
			if js.flags[a.i]&flagSuspect != 0 {
				js.retries[a.i]++
				if int(js.retries[a.i]) >= c.opts.Retries {
					c.stopJob(js, &TaskFailure{Task: a.i,
						Err: fmt.Errorf("%w %d times while running it, last: %v", ErrWorkerDied, js.retries[a.i], cause)})
					continue
				}
			}
			js.flags[a.i] |= flagSuspect
		}
		js.status[a.i] = stWaiting
		rerun[js] = append(rerun[js], a.i)
	}
	w.queue = taskQueue{}
	for _, js := range append([]*Job(nil), c.jobs...) {
		if js.stopped() {
			c.finishIfIdle(js)
			continue
		}
		c.recompute(js, rerun[js])
		// Tasks parked for a fetch from that worker look again.
		for a, waiters := range js.fetchers {
			if js.flags[a]&flagFetching != 0 && !c.available(js, a) {
				js.flags[a] &^= flagFetching
				delete(js.fetchers, a)
				for _, u := range waiters {
					if js.status[u] == stWaiting && js.waiting[u] == 0 {
						c.enqueue(js, u)
					}
				}
			}
		}
	}
	if !c.closed && len(c.jobs) > 0 && c.opts.WorkersNeeded != nil {
		c.opts.WorkersNeeded()
	}
}

// available reports whether a's value can still be had: a data node, or a value the coordinator
// or a live worker holds.
func (c *Coordinator) available(js *Job, a int32) bool {
	if js.Graph.IsData(a) {
		return true
	}
	if js.status[a] != stDone {
		return false
	}
	if js.atCoordinator[a] != nil {
		return true
	}
	key := js.key(a)
	for _, w := range c.live() {
		if _, ok := w.holds[key]; ok {
			return true
		}
	}
	return false
}

// recompute brings a computation back to a consistent state after a worker left: the tasks in
// rerun run again, and so does every finished task whose value was lost while something still
// needs it, recursively down to inputs that are still available.
func (c *Coordinator) recompute(js *Job, rerun []int32) {
	g := js.Graph
	again := map[int32]bool{}
	var stack []int32
	mark := func(i int32) {
		if !again[i] {
			again[i] = true
			stack = append(stack, i)
		}
	}
	for _, i := range rerun {
		mark(i)
	}
	for i := range int32(g.Len()) {
		if js.status[i] == stDone && !g.IsData(i) && js.uses[i] > 0 && !c.available(js, i) {
			mark(i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if js.status[i] == stDone {
			// Its users counted it as computed: they wait for it again. It uses its inputs again.
			js.status[i] = stWaiting
			js.remaining++
			for _, u := range g.Users(i) {
				if js.status[u] == stDone {
					continue
				}
				js.waiting[u]++
				if js.status[u] == stReady {
					js.status[u] = stWaiting
				}
			}
			for _, a := range g.Args(i) {
				js.uses[a]++
			}
		}
		for _, a := range g.Args(i) {
			if !g.IsData(a) && js.status[a] == stDone && !c.available(js, a) {
				mark(a)
			}
		}
	}
	for i := range again {
		n := int32(0)
		for _, a := range g.Args(i) {
			if !g.IsData(a) && js.status[a] != stDone {
				n++
			}
		}
		js.waiting[i] = n
	}
	for i := range again {
		if js.waiting[i] == 0 && js.status[i] == stWaiting {
			c.enqueue(js, i)
		}
	}
}
