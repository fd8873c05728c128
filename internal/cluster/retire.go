package cluster

import (
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Retirement: a worker leaving on purpose (its lifetime or walltime is near, it got SIGTERM, or
// an adaptive scheduler has too many) without losing anything, so that nothing is recomputed.
// It is separate from a worker pausing (memory pressure): a retiring worker never comes back.
//
//	[serving] --(Retire)--> [finishing] --(its queue ran)--> [handing over] --(nothing left)--> [retired]
//
//   - finishing: it takes no new task (it is out of the live list, the hungry sets and every
//     placement), tasks that preferred it go to the shared queues, and it is asked to hand back
//     the tasks it was sent and has not started (handback.go), which then run elsewhere; the
//     task it runs (and everything, on links that cannot hand back) runs there: their results
//     arrive as usual.
//   - handing over: every value it holds that a computation still needs and that nobody else
//     has (no other serving worker, no copy at the coordinator) is fetched back; when it
//     arrives it is put on the serving worker of the computation's group holding the fewest
//     bytes, or kept at the coordinator when none serves (the next worker gets it from there).
//     With peer transfers, tasks already sent to other workers that may fetch an input from it
//     are waited for, and no new task is told to fetch from it.
//   - retired: it holds nothing any computation needs; its link is told (RetireLink.Retired:
//     the worker may exit), or killed when the link cannot be told. Its leaving (WorkerDown) then
//     changes nothing.
//
// A retiring worker that dies is recovered like any other (its values are computed again).

// RetireLink is implemented by links that can tell their worker it has been retired and may
// exit cleanly. Links that do not are killed instead.
type RetireLink interface {
	Link
	// Retired tells the worker it holds nothing needed any more and may exit. It must not block.
	Retired(reason string)
}

// RetireStats counts what retirements handed over.
type RetireStats struct {
	Workers     int   `json:"workers_retired"`       // retirements completed
	ValuesMoved int   `json:"values_moved"`          // values only a retiring worker held, moved
	BytesMoved  int64 `json:"bytes_moved"`           // their encoded sizes
	ToWorkers   int   `json:"values_to_workers"`     // of which put on another worker
	Lost        int   `json:"values_lost,omitempty"` // values that could not be moved (computed again)
	// HandedBack counts the tasks retiring workers gave back unstarted (handback.go).
	HandedBack int `json:"tasks_handed_back"`
	// TimedOut counts the retiring workers stopped at their retirement timeout
	// (retiretimeout.go); their values not yet moved were computed again.
	TimedOut int `json:"retirements_timed_out,omitempty"`
}

// retirement is a retiring worker's progress.
type retirement struct {
	reason   string
	started  time.Time
	handing  bool      // its queue ran: handing over
	moving   []jobTask // values asked back from it
	waitFor  []jobTask // tasks on other workers that may fetch an input from it (peer transfers)
	moved    int
	bytes    int64
	lost     int
	finished bool
	timeout  time.Duration // retiretimeout.go: 0 for none
	timer    *time.Timer
}

type jobTask struct {
	js *Job
	i  int32
	w  int32 // for waitFor: the worker the task is queued on
}

// Retire starts retiring worker w (see above); reason is for logs. Retiring a worker that is
// gone or already retiring does nothing. It is stopped if its retirement takes longer than
// Options.RetireTimeout (see RetireWithin).
func (c *Coordinator) Retire(w *Worker, reason string) { c.RetireWithin(w, reason, 0) }

// Retiring reports whether w is retiring or retired (on any goroutine: for tests and links,
// through the coordinator's loop).
func (c *Coordinator) Retiring(w *Worker) bool {
	res := make(chan bool, 1)
	if !c.do(evRetiringAsked{w, res}) {
		return false
	}
	select {
	case r := <-res:
		return r
	case <-c.stopped:
		return false
	}
}

func (c *Coordinator) onRetire(w *Worker, reason string) {
	if !w.live() || w.retiring != nil {
		return
	}
	w.retiring = &retirement{reason: reason, started: time.Now()}
	c.log.Info("worker retiring", zap.String("worker", w.Name), zap.String("reason", reason),
		zap.Int("queued", w.queue.Len()), zap.Int("held", w.heldKeys))
	c.retire(w) // out of the live list, its group's count and the hungry sets
	c.askHandBack(w)
	c.leaving = append(c.leaving, w)
	c.peerUsers(w)
	for _, js := range c.jobs {
		if js.unpreferWorker(w.id) {
			c.feedAll(js)
		}
		if !js.stopped() && c.eligible(js) == 0 && js.starved.IsZero() {
			js.starved = time.Now()
		}
	}
	if !c.closed && len(c.jobs) > 0 {
		c.startWorkers()
	}
}

// feedAll makes every serving worker that may run js look for work again.
func (c *Coordinator) feedAll(js *Job) {
	for _, w := range c.alive {
		if compatible(js, w) {
			c.markDirty(w)
		}
	}
}

// serving reports whether w takes tasks: live and not retiring.
func (w *Worker) serving() bool { return w.live() && w.retiring == nil }

// progressRetirements moves every retiring worker on, after each event (only while some
// worker retires: no cost otherwise).
func (c *Coordinator) progressRetirements() {
	keep := c.leaving[:0]
	for _, w := range c.leaving {
		if w.dead || w.retiring.finished {
			continue
		}
		c.progressRetirement(w)
		if !w.retiring.finished {
			keep = append(keep, w)
		}
	}
	clear(c.leaving[len(keep):])
	c.leaving = keep
}

func (c *Coordinator) progressRetirement(w *Worker) {
	r := w.retiring
	if w.queue.Len() > 0 {
		return // finishing what it was sent
	}
	r.handing = true
	c.settleMoves(w)
	if c.fetchingFrom(w) {
		return
	}
	r.waitFor = slices.DeleteFunc(r.waitFor, func(t jobTask) bool {
		return !c.running(t.js) || t.js.state[t.i] != stQueued || t.js.where[t.i] != t.w
	})
	if len(r.waitFor) > 0 {
		return
	}
	if c.handOver(w) {
		return
	}
	c.retired(w)
}

// fetchingFrom reports whether a value is being asked of w.
func (c *Coordinator) fetchingFrom(w *Worker) bool {
	for _, js := range c.jobs {
		for _, from := range js.fetchFrom {
			if from == w.id {
				return true
			}
		}
	}
	return false
}

// handOver asks back every value only w holds that a computation still needs, and lists the
// tasks queued elsewhere that may fetch an input from w. It reports whether anything is left
// to wait for.
func (c *Coordinator) handOver(w *Worker) bool {
	r := w.retiring
	for _, js := range c.jobs {
		if js.over || js.stopped() {
			continue
		}
		g := js.Graph
		for a := range int32(g.Len()) {
			if g.IsData(a) || js.external(a) || js.state[a] != stDone || js.uses.get(a) <= 0 || !c.holds(js, a, w) {
				continue
			}
			if js.held(a) || c.otherServingHolder(js, a, w) != nil {
				continue
			}
			if js.flags[a]&flagFetching == 0 {
				js.flags[a] |= flagFetching
				js.fetchFrom[a] = w.id
				c.send(w, worker.KindFetch, &worker.Fetch{Keys: []uint64{js.key(a)}, Types: []string{g.Func(a).Result}}, js, nil, nil, nil)
			}
			r.moving = append(r.moving, jobTask{js: js, i: a})
		}
	}
	return len(r.moving) > 0 || len(r.waitFor) > 0
}

// peerUsers lists, at the start of w's retirement, the tasks already sent to other workers that
// use a value w holds and so may fetch it from w (peer transfers): w stays until they ran. Tasks
// sent later are never told to fetch from a retiring worker (see assign).
func (c *Coordinator) peerUsers(w *Worker) {
	if !c.opts.PeerTransfers {
		return
	}
	for _, other := range c.alive {
		for _, t := range other.queue.items() {
			js, u := t.js, t.i
			if js.over || js.state[u] != stQueued || js.where[u] != other.id {
				continue
			}
			for _, a := range js.Graph.Args(u) {
				if !js.Graph.IsData(a) && c.holds(js, a, w) {
					w.retiring.waitFor = append(w.retiring.waitFor, jobTask{js: js, i: u, w: other.id})
					break
				}
			}
		}
	}
}

// otherServingHolder returns a serving worker other than w holding a's value, or nil.
func (c *Coordinator) otherServingHolder(js *Job, a int32, w *Worker) *Worker {
	var found *Worker
	c.forEachHolder(js, a, func(h *Worker) {
		if found == nil && h != w && h.serving() {
			found = h
		}
	})
	return found
}

// settleMoves deals with the values asked back from w that arrived (or will not).
func (c *Coordinator) settleMoves(w *Worker) {
	r := w.retiring
	r.moving = slices.DeleteFunc(r.moving, func(t jobTask) bool {
		js, a := t.js, t.i
		switch {
		case !c.running(js) || js.stopped():
			return true // over
		case js.state[a] != stDone:
			r.lost++ // it did not have it after all: computed again
			return true
		case js.flags[a]&flagFetching != 0:
			return false // on its way
		case !js.held(a):
			return true // still needed and unique, the next hand-over asks again
		}
		r.moved++
		r.bytes += js.size.get(a)
		c.dropHolder(js, a, w)
		if c.otherServingHolder(js, a, w) == nil {
			if to := c.lightestServing(js); to != nil {
				c.putOn(to, js, a)
				c.retireStats.ToWorkers++
				js.drop(a)
			}
		}
		return true
	})
}

// lightestServing returns the serving worker that may run js holding the fewest bytes.
func (c *Coordinator) lightestServing(js *Job) *Worker {
	var best *Worker
	for _, w := range c.alive {
		if compatible(js, w) && (best == nil || w.heldBytes < best.heldBytes) {
			best = w
		}
	}
	return best
}

// putOn sends a's value, held at the coordinator, to worker to.
func (c *Coordinator) putOn(to *Worker, js *Job, a int32) {
	if body, typ, ok := js.small.get(a); ok {
		// Its bytes stay valid for the message: the chunk is never overwritten.
		msg := &worker.Batch{Job: js.id, Puts: []worker.Put{{Key: js.key(a), Type: typ, Body: body}}}
		c.send(to, worker.KindBatch, msg, js, nil, nil, nil)
		c.addHolder(js, a, to)
		return
	}
	e := js.enc(a)
	msg := &worker.Batch{Job: js.id, Puts: []worker.Put{{Key: js.key(a), Type: e.Type, Body: e.Value.Body, Attachments: len(e.Value.Attachments)}}}
	files := make([]int, len(e.Value.Attachments))
	for k := range files {
		files[k] = -1
		if k < len(e.Files) {
			files[k] = e.Files[k]
		}
	}
	e.Retain()
	c.send(to, worker.KindBatch, msg, js, e.Value.Attachments, files, []*Encoded{e})
	c.addHolder(js, a, to)
}

// retired ends w's retirement: it holds nothing needed any more.
func (c *Coordinator) retired(w *Worker) {
	r := w.retiring
	r.finished = true
	r.stopTimer()
	w.killed = true // its leaving is no crash
	c.forgetWorker(w)
	w.heldKeys, w.heldBytes = 0, 0
	for _, js := range c.jobs {
		// Nothing should be lost; should a holder have died meanwhile, compute it again.
		if !js.over && !js.stopped() {
			c.recompute(js, nil)
		}
	}
	c.retireStats.Workers++
	c.retireStats.ValuesMoved += r.moved
	c.retireStats.BytesMoved += r.bytes
	c.retireStats.Lost += r.lost
	c.log.Info("worker retired", zap.String("worker", w.Name), zap.String("reason", r.reason),
		zap.Int("values_moved", r.moved), zap.Int64("bytes_moved", r.bytes), zap.Int("values_lost", r.lost),
		zap.Duration("took", time.Since(r.started)))
	c.emit(instr{kind: doRetired, w: w, err: retireReason(r.reason)})
}

type retireReason string

func (r retireReason) Error() string { return string(r) }

// executeRetired tells a retired worker's link, or kills the worker.
func executeRetired(in instr) {
	if l, ok := in.w.Link.(RetireLink); ok {
		l.Retired(in.err.Error())
		return
	}
	in.w.Link.Kill()
}

// RetireStats returns what retirements handed over so far.
func (c *Coordinator) RetireStats() RetireStats {
	res := make(chan RetireStats, 1)
	if !c.do(evRetireStatsAsked{res}) {
		return RetireStats{}
	}
	select {
	case s := <-res:
		return s
	case <-c.stopped:
		return RetireStats{}
	}
}

// validateRetirements checks retiring workers: out of service, holding and running what they
// are counted to.
func (c *Coordinator) validateRetirements(held, queued map[*Worker]int) []error {
	var errs []error
	for _, w := range c.workers {
		if w == nil || w.retiring == nil || !w.live() {
			continue
		}
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("retiring worker %s: "+format, append([]any{w.Name}, args...)...))
		}
		if slices.Contains(c.alive, w) || w.hungryAt >= 0 {
			bad("still in service (alive list or hungry set)")
		}
		if !w.retiring.finished && !slices.Contains(c.leaving, w) {
			bad("not followed")
		}
		if held[w] != w.heldKeys {
			bad("counts %d held values, holds %d", w.heldKeys, held[w])
		}
		if queued[w] != w.queue.Len() {
			bad("%d tasks queued, %d counted", w.queue.Len(), queued[w])
		}
		if w.retiring.handing && w.queue.Len() > 0 {
			bad("handing over with %d tasks queued", w.queue.Len())
		}
		if w.retiring.finished && held[w] > 0 {
			bad("retired but holds %d values", held[w])
		}
		for _, js := range c.jobs {
			if q := js.local[w.id]; q != nil && q.Len() > 0 {
				bad("job %d: %d ready tasks prefer it", js.id, q.Len())
			}
		}
	}
	return errs
}
