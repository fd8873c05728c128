package processes

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
)

// onDown handles a worker whose connection ended: its process is gone (or is made to go), its
// queued and running tasks run elsewhere, and values that only it held are computed again from the
// graph. A task that was running alone on a worker that died (a suspect) is charged for it; after
// maxRetries charges its job fails with an error naming it.
func (p *pool) onDown(w *proc, cause error) {
	if w.dead {
		return
	}
	w.dead = true
	if p.workers[w.slot] == w {
		p.workers[w.slot] = nil
	}
	w.out.close()
	w.conn.Close()
	w.cmd.Process.Kill()
	if !w.up {
		p.startFailed(cause)
	} else if !w.killed && !p.closed {
		p.log.Warn("worker died", zap.Int("slot", w.slot), zap.Error(cause))
	}

	// Tasks the worker had not reported, per job.
	rerun := map[*job][]int32{}
	for _, a := range w.queue.items() {
		js := a.js
		js.inflight--
		if js.stopped() || js.status[a.i] != stAssigned {
			continue
		}
		if !w.killed && w.up {
			if js.flags[a.i]&flagSuspect != 0 {
				js.retries[a.i]++
				if js.retries[a.i] >= maxRetries {
					t := js.plan.Task(a.i)
					p.stopJob(js, &graph.TaskError{Key: t.Key(), Func: t.Func().Name(),
						Err: fmt.Errorf("%w: the worker running it died %d times, last: %v", ErrWorkerKilled, js.retries[a.i], cause)})
					continue
				}
			}
			js.flags[a.i] |= flagSuspect
		}
		js.status[a.i] = stWaiting
		rerun[js] = append(rerun[js], a.i)
	}
	w.queue = taskQueue{}
	for _, js := range p.jobs {
		if js.stopped() {
			p.finishIfIdle(js)
			continue
		}
		p.recompute(js, rerun[js])
		// Tasks parked for a fetch from this worker must look again.
		for a, waiters := range js.fetchers {
			if js.flags[a]&flagFetching != 0 && !p.available(js, a) {
				js.flags[a] &^= flagFetching
				delete(js.fetchers, a)
				for _, u := range waiters {
					if js.status[u] == stWaiting && js.waiting[u] == 0 {
						p.enqueue(js, u)
					}
				}
			}
		}
	}
	if !p.closed && len(p.jobs) > 0 && p.startupError() == nil {
		p.ensureWorkers()
	}
}

// ErrWorkerKilled is matched by the error for a task whose worker kept dying while running it.
var ErrWorkerKilled = fmt.Errorf("worker process died")

// available reports whether a's value can still be had: a data node, or a value the parent or a
// live worker holds.
func (p *pool) available(js *job, a int32) bool {
	if js.plan.IsData(a) {
		return true
	}
	if js.status[a] != stDone {
		return false
	}
	if _, ok := js.atParent[a]; ok {
		return true
	}
	key := js.key(a)
	for _, w := range p.workers {
		if w != nil && !w.dead && w.holds[key] {
			return true
		}
	}
	return false
}

// recompute brings a job back to a consistent state after a worker died: the tasks in rerun (the
// dead worker's unreported ones) run again, and so does every finished task whose value was lost
// while something still needs it, recursively down to inputs that are still available.
func (p *pool) recompute(js *job, rerun []int32) {
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
	// Finished values lost with the worker that something still needs.
	for i := range int32(js.plan.Len()) {
		if js.status[i] == stDone && !js.plan.IsData(i) && js.uses[i] > 0 && !p.available(js, i) {
			mark(i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		wasDone := js.status[i] == stDone
		if wasDone {
			// Its users counted it as computed; they must wait for it again.
			js.status[i] = stWaiting
			js.remaining++
			for _, u := range js.plan.Users(i) {
				if js.status[u] == stDone {
					continue
				}
				js.waiting[u]++
				if js.status[u] == stReady {
					js.status[u] = stWaiting
				}
			}
			// It will use its inputs again.
			for _, a := range js.plan.Args(i) {
				js.uses[a]++
			}
		}
		for _, a := range js.plan.Args(i) {
			if !js.plan.IsData(a) && js.status[a] == stDone && !p.available(js, a) {
				mark(a)
			}
		}
	}
	for i := range again {
		n := int32(0)
		for _, a := range js.plan.Args(i) {
			if !js.plan.IsData(a) && js.status[a] != stDone {
				n++
			}
		}
		js.waiting[i] = n
	}
	for i := range again {
		if js.waiting[i] == 0 && js.status[i] == stWaiting {
			p.enqueue(js, i)
		}
	}
}
