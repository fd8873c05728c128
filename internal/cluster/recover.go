package cluster

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"
)

// ErrWorkerDied is matched by the failure of a task whose worker kept dying while running it.
var ErrWorkerDied = errors.New("worker died")

// onDown handles a worker that left: its queued and running tasks run elsewhere, and values only
// it held are computed again from the graph. A task that was running alone on a worker that
// crashed (a suspect) is charged for it; after Retries charges its computation fails naming it.
// Tasks merely queued on it are never charged: on a crash they become suspects (each then runs
// alone, nothing of any computation queued behind it), and from a worker that said it stops
// (worker.Results.Stopping: a task ignored its timeout) or was stopped on purpose they run
// again as if never sent.
func (c *Coordinator) onDown(w *Worker, cause error, crashed bool) {
	if w.dead || w.Link == nil {
		return
	}
	if !w.up {
		// Not yet joined (or never will): nothing of it to recover.
		w.dead = true
		c.kill(w)
		return
	}
	w.dead = true
	c.retire(w)
	c.kill(w)
	crashed = crashed && !w.killed
	if crashed {
		cause = c.deathCause(w, cause)
	}
	if crashed && !c.closed {
		c.log.Warn("worker died", zap.String("worker", w.Name), zap.Error(cause))
	}
	rerun := map[*Job][]int32{}
	gaveUp := map[*Job][]TaskFailure{} // tasks that failed in computations that keep going
	for _, a := range w.queue.items() {
		js, i := a.js, a.i
		if js.over || js.state[i] != stQueued || js.where[i] != w.id {
			continue
		}
		js.where[i] = -1
		if js.stopped() {
			js.set(i, stFailed)
			continue
		}
		if crashed {
			if js.flags[i]&flagSuspect != 0 {
				if js.retries == nil {
					js.retries = make([]uint8, js.Graph.Len())
				}
				js.retries[i]++
				if int(js.retries[i]) >= c.opts.Retries {
					js.set(i, stFailed)
					f := TaskFailure{Task: i,
						Err: fmt.Errorf("%w %d times while running it, last: %w", ErrWorkerDied, js.retries[i], cause)}
					if js.KeepGoing {
						gaveUp[js] = append(gaveUp[js], f)
						continue
					}
					c.stopJob(js, &f)
					continue
				}
			}
			js.flags[i] |= flagSuspect
		}
		js.set(i, stWaiting)
		rerun[js] = append(rerun[js], i)
	}
	w.queue = taskQueue{}
	c.forgetWorker(w)
	for _, js := range c.jobs {
		js.unpreferWorker(w.id)
	}
	for _, js := range c.jobs {
		if js.over {
			continue
		}
		for k := range gaveUp[js] {
			c.failTask(js, gaveUp[js][k].Task, &gaveUp[js][k])
		}
		if js.over {
			continue
		}
		if !js.stopped() {
			// Tasks skipped because of a failure above do not run again.
			c.recompute(js, slices.DeleteFunc(rerun[js], func(i int32) bool { return js.state[i] != stWaiting }))
		}
		// Values asked of that worker will not come: ask elsewhere, or compute them again.
		for a, from := range js.fetchFrom {
			if from == w.id {
				c.refetch(js, a)
			}
		}
		if js.stopped() {
			c.finishIfIdle(js)
			continue
		}
		if c.eligible(js) == 0 && js.starved.IsZero() {
			js.starved = time.Now()
		}
	}
	if !c.closed && len(c.jobs) > 0 {
		c.startWorkers()
	}
}

// available reports whether a's value can still be had: a data node, or a value the coordinator
// or a live worker holds.
func (c *Coordinator) available(js *Job, a int32) bool {
	if js.Graph.IsData(a) {
		return true
	}
	if js.state[a] != stDone {
		return false
	}
	return js.held(a) || c.anyHolder(js, a) != nil
}

// recompute brings a computation back to a consistent state after a value was lost: the tasks
// in rerun run again, and so does every finished task whose value was lost while something still
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
		if js.state[i] == stDone && !g.IsData(i) && js.uses.get(i) > 0 && !c.available(js, i) {
			mark(i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if js.state[i] == stDone {
			// Its users counted it as computed: they wait for it again. It uses its inputs again.
			js.set(i, stWaiting)
			js.where[i] = -1
			// A fetch of its lost value is moot: the tasks waiting for it wait for it again.
			if js.flags[i]&flagFetching != 0 {
				js.flags[i] &^= flagFetching
				delete(js.fetchers, i)
				delete(js.fetchFrom, i)
			}
			for _, u := range g.Users(i) {
				if settled(js.state[u]) {
					continue
				}
				js.waiting.add(u, 1)
				if js.state[u] == stReady {
					js.set(u, stWaiting)
				}
			}
			for _, a := range g.Args(i) {
				js.uses.add(a, 1)
			}
		}
		for _, a := range g.Args(i) {
			if !g.IsData(a) && js.state[a] == stDone && !c.available(js, a) {
				mark(a)
			}
		}
	}
	for i := range again {
		n := int32(0)
		for _, a := range g.Args(i) {
			if !g.IsData(a) && js.state[a] != stDone {
				n++
			}
		}
		js.waiting.set(i, n)
	}
	for i := range again {
		if js.waiting.get(i) == 0 && js.state[i] == stWaiting {
			c.enqueue(js, i)
		}
	}
}

// charged returns the deaths charged to task i.
func (js *Job) charged(i int32) uint8 {
	if js.retries == nil {
		return 0
	}
	return js.retries[i]
}
