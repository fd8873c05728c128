package cluster

import (
	"fmt"
	"slices"
	"time"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// The coordinator's reactions to events, on its goroutine.

func (c *Coordinator) onJob(js *Job) {
	if c.closed {
		js.failure = ErrClosed
		js.releaseData()
		c.tellFinished(js, ErrClosed)
		return
	}
	c.jobs = append(c.jobs[:len(c.jobs):len(c.jobs)], js)
	c.jobsChanged()
	c.byID[js.id] = js
	for i := range int32(js.Graph.Len()) {
		if js.state[i] == stWaiting && js.waiting.get(i) == 0 {
			c.enqueue(js, i)
			if js.stopped() {
				break
			}
		}
	}
	if c.eligible(js) == 0 {
		js.starved = time.Now()
		c.startWorkers()
	}
	c.finishIfIdle(js)
}

// enqueue makes task i ready: in the queue of the worker holding most of its input bytes, or in
// the computation's shared queue. A task its owner runs starts at once.
func (c *Coordinator) enqueue(js *Job, i int32) {
	if js.flags[i]&flagLocal != 0 {
		c.runLocal(js, i)
		return
	}
	if c.gatherHere(js, i) {
		return
	}
	js.set(i, stReady)
	if js.flags[i]&flagResources != 0 {
		c.readyResources(js, i)
		return
	}
	w := c.preferred(js, i)
	if js.retry != nil {
		w = c.retryWorker(js, i, w)
	}
	if w != nil {
		js.pushLocal(w.id, i)
		c.markDirty(w)
	} else {
		js.pushReady(i)
	}
}

// preferred returns the live worker holding most of task i's input bytes, nil when none holds
// any. Its cost follows the arguments and their holders, not the workers.
func (c *Coordinator) preferred(js *Job, i int32) *Worker {
	args := js.Graph.Args(i)
	if len(args) == 0 {
		return nil
	}
	if len(c.prefer) < len(c.workers) {
		c.prefer = slices.Grow(c.prefer[:0], len(c.workers))[:len(c.workers)]
		clear(c.prefer)
	}
	tally := func(id int32, bytes int64) {
		if c.prefer[id] == 0 {
			c.touched = append(c.touched, id)
		}
		c.prefer[id] += bytes
	}
	for _, a := range args {
		bytes := max(js.size.get(a), minLocalBytes)
		if js.external(a) {
			for _, id := range c.storeHeld[js.key(a)] {
				tally(id, bytes)
			}
			continue
		}
		if js.state[a] != stDone {
			continue
		}
		if id := js.where[a]; id >= 0 {
			tally(id, bytes)
		}
		for id := range js.extra.of(a) {
			tally(id, bytes)
		}
	}
	var best *Worker
	var bestBytes int64
	for _, id := range c.touched {
		if w := c.workers[id]; w.serving() && compatible(js, w) && (c.prefer[id] > bestBytes || c.prefer[id] == bestBytes && best != nil && roomier(w, best)) {
			best, bestBytes = w, c.prefer[id]
		}
		c.prefer[id] = 0
	}
	c.touched = c.touched[:0]
	return best
}

func (c *Coordinator) onValues(w *Worker, vals *worker.Values, atts [][]byte) {
	for _, put := range vals.Puts {
		if put.Attachments > len(atts) || put.Attachments < 0 {
			c.onDown(w, fmt.Errorf("%w: values announce more attachments than they have", wire.ErrMalformedFrame), true)
			return
		}
		mine := atts[:put.Attachments]
		atts = atts[put.Attachments:]
		js, a, ok := c.lookup(put.Key)
		if !ok || js.state[a] != stDone || js.flags[a]&flagFetching == 0 || js.fetchFrom[a] != w.id {
			continue // not asked of this worker (any more)
		}
		if put.Type == "" {
			// It no longer holds the value: ask another holder, or compute it again.
			c.dropHolder(js, a, w)
			c.refetch(js, a)
			continue
		}
		js.flags[a] &^= flagFetching
		delete(js.fetchFrom, a)
		// A decoded put shares its frame's memory, as a result does: kept, it is copied.
		js.hold(a, NewEncoded(wire.Value{Body: keptBody(put.Body), Attachments: mine}, put.Type))
		waiters := js.fetchers[a]
		delete(js.fetchers, a)
		for _, u := range waiters {
			if js.state[u] == stWaiting && js.waiting.get(u) == 0 && !c.parked(js, u) {
				c.enqueue(js, u)
			}
		}
	}
}

func (c *Coordinator) onResults(w *Worker, res *worker.Results, atts [][]byte) {
	if w.dead {
		return
	}
	c.markDirty(w)
	for k := range res.Items {
		r := &res.Items[k]
		if r.Attachments > len(atts) || r.Attachments < 0 {
			c.onDown(w, fmt.Errorf("%w: results announce more attachments than they have", wire.ErrMalformedFrame), true)
			return
		}
		mine := atts[:r.Attachments]
		atts = atts[r.Attachments:]
		js := c.byID[r.Job]
		if js == nil {
			continue
		}
		i, ok := js.index(r.Key)
		if !ok || js.state[i] != stQueued || js.where[i] != w.id {
			continue // a duplicate, or a task that was moved elsewhere
		}
		w.queue.remove(func(a assigned) bool { return a.js == js && a.i == i })
		c.giveBack(w, js, i)
		w.ran++
		c.recent.add(js.Graph.Func(i).Name, r.Elapsed)
		if r.Output != nil {
			c.tellTaskOutput(js, i, r.Output)
		}
		c.recordTask(js, i, w, r.Start, r.Elapsed, r.Err != nil)
		if r.Err != nil && r.Retry && !js.stopped() && c.retryElsewhere(w, js, i, r.Err.Attempts) {
			continue
		}
		c.tellTaskDone(js, i, int(w.id), r.Start, r.Elapsed, r.Size, r.Err)
		if r.Err != nil {
			c.recordFailure(js, i, w, r.Err.Message)
			js.set(i, stFailed)
			c.dropHolder(js, i, w)
			c.failTask(js, i, &TaskFailure{Task: i, Record: r.Err})
			continue
		}
		js.observe(r.Elapsed)
		old := js.size.get(i)
		js.size.set(i, r.Size)
		w.heldBytes += js.size.get(i) - old
		if r.Stored {
			c.tellKept(js, i)
		}
		if r.Sent {
			if js.flags[i]&flagOutput == 0 && js.small.fits(r.Body, len(mine)) && js.holdSmall(i, r.Body, js.Graph.Func(i).Result) {
				if !r.Stored {
					c.tellKeepBody(js, i)
				}
			} else {
				js.hold(i, NewEncoded(wire.Value{Body: keptBody(r.Body), Attachments: mine}, js.Graph.Func(i).Result))
				if !r.Stored {
					c.tellKeep(js, i, js.enc(i))
				}
			}
		}
		if js.flags[i]&flagOutput != 0 && !js.stopped() {
			if !r.Sent {
				js.set(i, stFailed)
				c.dropHolder(js, i, w)
				c.failTask(js, i, &TaskFailure{Task: i, Err: fmt.Errorf("output did not come back")})
				continue
			}
			c.output(js, i, js.enc(i))
		}
		if r.Sent && js.flags[i]&flagSentInstead != 0 && js.where[i] == w.id {
			// Its worker did not keep it: the coordinator holds it.
			js.where[i] = -1
			js.flags[i] &^= flagUnconfirmed
			w.heldKeys--
			w.heldBytes -= js.size.get(i)
		}
		js.flags[i] &^= flagSentInstead
		c.completed(js, i)
	}
	if len(res.Dropped) > 0 {
		c.handedBack(w, res.Dropped)
	}
	if res.Stopping {
		// It runs nothing more (a task ignored its timeout) and is ending: what it had queued
		// never started, so it goes elsewhere uncharged, as from a worker leaving on purpose.
		c.onDown(w, fmt.Errorf("worker %s: %w", w.Name, worker.ErrStuckTask), false)
	}
}

// keptBody returns a result's or a fetched value's body to keep. A decoded result or put shares
// its frame's memory (worker.DecodeResults, worker.DecodeValues): kept as it is, a body of a few
// kilobytes would hold the whole frame, the other values' bytes included, for as long as the
// value is kept. Bodies up to keptCopyLimit are copied; a larger one is most of its frame, and
// copying it would cost more than it frees.
func keptBody(body []byte) []byte {
	if len(body) > keptCopyLimit {
		return body
	}
	return slices.Clone(body)
}

const keptCopyLimit = 1 << 20

// output hands an output to the owner, keeping it in the store first when the computation
// persists its outputs.
func (c *Coordinator) output(js *Job, i int32, e *Encoded) {
	var key uint64
	if js.Persist {
		key = c.nextKey.Add(1)
		e.Retain()
		c.store[key] = e
	}
	c.tellOutput(js, i, e, key)
}

// completed records that task i has its value.
func (c *Coordinator) completed(js *Job, i int32) {
	js.set(i, stDone)
	if js.retry != nil {
		delete(js.retry, i) // computed again later (a lost value), it starts from its first attempt
	}
	if js.stopped() {
		c.finishIfIdle(js)
		return
	}
	g := js.Graph
	for _, a := range g.Args(i) {
		if js.uses.add(a, -1) == 0 {
			c.release(js, a)
		}
	}
	for _, u := range g.Users(i) {
		if js.waiting.add(u, -1) == 0 && js.state[u] == stWaiting && !c.parked(js, u) {
			c.enqueue(js, u)
		}
	}
	if js.remaining() == 0 {
		c.finish(js)
	}
}

// release forgets a value nobody needs any more, on every worker (values kept in the store stay;
// data stay at the coordinator, in case a lost value must be computed again).
func (c *Coordinator) release(js *Job, a int32) {
	switch {
	case js.state[a] != stDone:
		// Being computed again while its last user, which already had it, finished: nothing
		// to release yet (the computation's end releases what is left).
	case js.external(a):
		js.drop(a)
	case js.Graph.IsData(a):
		c.releaseHolders(js, a)
	default:
		c.releaseHolders(js, a)
		js.drop(a)
	}
}

// noteRelease queues a release of key for w's next message.
func (c *Coordinator) noteRelease(w *Worker, key uint64) {
	w.released = append(w.released, key)
	c.notePending(w)
}

func (c *Coordinator) notePending(w *Worker) {
	if !w.pending {
		w.pending = true
		c.pending = append(c.pending, w)
	}
}

// runLocal starts a task at the owner once its inputs are at the coordinator. The owner runs it
// on a goroutine of the coordinator's (never the loop), or elsewhere when it says so.
func (c *Coordinator) runLocal(js *Job, i int32) {
	args := make([]*Encoded, 0, len(js.Graph.Args(i)))
	for _, a := range js.Graph.Args(i) {
		e, err := c.valueAt(js, a)
		if err != nil {
			c.stopJob(js, &TaskFailure{Task: i, Err: err})
			return
		}
		if e == nil {
			c.fetch(js, a, i)
			return
		}
		args = append(args, e)
	}
	js.set(i, stLocal)
	js.where[i] = -1
	for _, e := range args {
		e.Retain()
	}
	c.emit(instr{kind: doRunLocal, js: js, i: i, args: args})
}

func (c *Coordinator) onLocalDone(js *Job, i int32, v *Encoded, err error) {
	if !c.running(js) || i < 0 || int(i) >= js.Graph.Len() || js.state[i] != stLocal {
		if v != nil {
			v.Release()
		}
		return
	}
	if err == nil && v == nil {
		err = fmt.Errorf("the owner returned no value")
	}
	if err != nil {
		js.set(i, stFailed)
		c.failTask(js, i, &TaskFailure{Task: i, Err: err})
		return
	}
	js.hold(i, v)
	js.size.set(i, int64(v.Value.Size()))
	if js.flags[i]&flagOutput != 0 && !js.stopped() {
		c.output(js, i, v)
	}
	c.completed(js, i)
}

// stopJob stops a computation after a failure or cancellation: nothing more starts, its queued
// tasks on workers are dropped, running ones are cancelled and, after a grace period, killed.
func (c *Coordinator) stopJob(js *Job, err error) {
	if js.stopped() || js.over {
		return
	}
	js.failure = err
	js.ready = nil
	js.dropResourceQueues()
	clear(js.local)
	js.localTotal = 0
	for _, w := range c.workersRunning(js) {
		c.send(w, worker.KindCancel, &worker.Cancel{Job: js.id}, nil, nil, nil, nil)
	}
	if js.inflight() > 0 {
		c.graceTimers.Add(1)
		time.AfterFunc(c.opts.CancelGrace, func() {
			defer c.graceTimers.Done()
			c.do(evGraceExpired{js})
		})
	}
	c.finishIfIdle(js)
}

// workersRunning returns the live workers with tasks of js queued.
func (c *Coordinator) workersRunning(js *Job) []*Worker {
	var out []*Worker
	if js.count[stQueued] == 0 {
		return nil
	}
	for i, st := range js.state {
		if st != stQueued {
			continue
		}
		if w := c.workers[js.where[i]]; w.live() && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// onGrace kills the workers still running tasks of a stopped computation.
func (c *Coordinator) onGrace(js *Job) {
	if !c.running(js) {
		return
	}
	for _, w := range c.workersRunning(js) {
		w.killed = true
		c.kill(w)
	}
}

func (c *Coordinator) finishIfIdle(js *Job) {
	if js.stopped() && js.inflight() == 0 {
		c.finish(js)
	}
}

// finish ends a computation: its values are released everywhere and its owner is told.
func (c *Coordinator) finish(js *Job) {
	if js.over || c.byID[js.id] != js {
		return
	}
	js.over = true
	c.jobs = slices.DeleteFunc(slices.Clone(c.jobs), func(other *Job) bool { return other == js })
	c.jobsChanged()
	delete(c.byID, js.id)
	for a := range int32(js.Graph.Len()) {
		if !js.external(a) {
			c.releaseHolders(js, a)
		}
		js.drop(a)
	}
	js.extra.reset()
	js.small.reset()
	clear(js.fetchers)
	js.ready = nil
	js.dropResourceQueues()
	clear(js.local)
	js.localTotal = 0
	// Only workers that were sent something of the computation have state of it to forget: a
	// computation that used a few of a thousand workers costs a few messages.
	js.eachSent(func(id int32) {
		if w := c.workers[id]; w.live() {
			w.finished = append(w.finished, js.id)
			c.notePending(w)
		}
	})
	js.sentTo = nil
	c.telemetryFinished(js, js.outcome())
	c.tellFinished(js, js.outcome())
}

// flush sends pending releases and computation endings to workers that got no batch with them.
func (c *Coordinator) flush() {
	for _, w := range c.pending {
		w.pending = false
		if !w.live() || (len(w.released) == 0 && len(w.finished) == 0) {
			continue
		}
		msg := &worker.Batch{Release: w.released, Finished: w.finished}
		w.released, w.finished = nil, nil
		c.send(w, worker.KindBatch, msg, nil, nil, nil, nil)
	}
	clear(c.pending)
	c.pending = c.pending[:0]
}

// onTick fails the computations no worker has been able to run for NoWorkerTimeout.
func (c *Coordinator) onTick(now time.Time) {
	for _, js := range c.jobs {
		if js.over || js.stopped() {
			continue
		}
		if c.eligible(js) > 0 && (js.res == nil || js.inflight() > 0 || c.lacking(js) == "") {
			js.starved = time.Time{}
			continue
		}
		if js.starved.IsZero() {
			js.starved = now
			continue
		}
		if waited := now.Sub(js.starved); waited >= c.opts.NoWorkerTimeout {
			c.stopJob(js, c.noWorkerError(js, waited))
		}
	}
}

// noWorkerError says why no worker could run js.
func (c *Coordinator) noWorkerError(js *Job, waited time.Duration) error {
	waited = waited.Round(time.Second)
	switch {
	case len(c.alive) == 0:
		if what := c.lacking(js); what != "" {
			return lackingResources(fmt.Errorf("%w for %v: no worker is connected, and %s", ErrNoWorker, waited, what))
		}
		return fmt.Errorf("%w for %v: no worker is connected", ErrNoWorker, waited)
	case c.eligible(js) > 0:
		return lackingResources(fmt.Errorf("%w for %v: %s, which none of the %d connected workers declares (%s)",
			ErrNoWorker, waited, c.lacking(js), c.eligible(js), c.declaredResources()))
	default:
		return fmt.Errorf("%w for %v: %d workers are connected, but none runs this program (their build fingerprints differ from the computation's %q)",
			ErrNoWorker, waited, len(c.alive), js.Group)
	}
}
