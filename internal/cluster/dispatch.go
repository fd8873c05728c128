package cluster

import (
	"fmt"
	"github.com/lazygraph/lazygraph/graph"
	"time"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Tuning.
const (
	targetBatch   = 2 * time.Millisecond // work a message should carry while tasks are short
	maxChunk      = 1 << 14
	maxDepth      = 64               // chunks queued on one worker at most
	shortTask     = time.Millisecond // tasks shorter than this are queued deeper than one chunk
	maxChainArgs  = 8                // tasks with more arguments are not chained onto a worker
	inlineLimit   = 1 << 10          // data used once and smaller than this travels inside its task
	minLocalBytes = 1
)

func (c *Coordinator) onJob(js *Job) {
	if c.closed {
		js.failure = ErrClosed
		js.Owner.Finished(ErrClosed)
		return
	}
	c.jobs = append(c.jobs, js)
	for i := range int32(js.Graph.Len()) {
		if js.status[i] == stWaiting && js.waiting[i] == 0 {
			c.enqueue(js, i)
		}
	}
	if len(c.live()) == 0 && c.opts.WorkersNeeded != nil {
		c.opts.WorkersNeeded()
	}
}

// enqueue makes task i ready: in the queue of the worker holding most of its input bytes, or in
// the computation's shared queue.
func (c *Coordinator) enqueue(js *Job, i int32) {
	if js.flags[i]&flagLocal != 0 {
		c.runLocal(js, i)
		return
	}
	js.status[i] = stReady
	if slot := c.preferred(js, i); slot >= 0 {
		js.localQueue(slot).Push(i)
	} else {
		js.ready.Push(i)
	}
}

func (c *Coordinator) preferred(js *Job, i int32) int {
	best, bestBytes := -1, int64(0)
	for _, w := range c.live() {
		if js.Group != "" && w.Group != js.Group {
			continue
		}
		var held int64
		for _, a := range js.Graph.Args(i) {
			if _, ok := w.holds[js.key(a)]; ok {
				held += max(js.size[a], minLocalBytes)
			}
		}
		if held > bestBytes {
			best, bestBytes = w.slot, held
		}
	}
	return best
}

// capacity returns the ready tasks per message and the tasks a worker may have queued. Long
// tasks go one chunk at a time, so that no worker sits on work another could start; short ones
// are queued about targetBatch of work deep, so that a worker never waits for the next message.
func (c *Coordinator) capacity(js *Job) (chunk, limit int) {
	if js.samples == 0 {
		k := max(js.Chunksize, 1)
		return k, k
	}
	k := js.Chunksize
	if k <= 0 {
		k = int(float64(targetBatch) / max(js.avgNs, 1))
		k = min(max(k, 1), maxChunk, max(1, js.remaining/(2*max(len(c.live()), 1))))
	}
	if js.avgNs >= float64(shortTask) {
		return k, k
	}
	depth := int(float64(targetBatch) / (float64(k) * max(js.avgNs, 1)))
	return k, k * min(max(depth, 2), maxDepth)
}

// schedule gives every worker with room tasks from the computations, oldest first.
func (c *Coordinator) schedule() {
	for _, w := range c.live() {
		for _, js := range c.jobs {
			if !js.stopped() && (js.Group == "" || js.Group == w.Group) {
				c.fill(w, js)
			}
		}
	}
}

// batch collects what one message to a worker carries for one computation.
type batch struct {
	w        *Worker
	js       *Job
	msg      worker.Batch
	atts     [][]byte
	files    []int
	hold     []*Encoded
	assigned []int32
}

func (c *Coordinator) fill(w *Worker, js *Job) {
	b := &batch{w: w, js: js}
	chunk, limit := c.capacity(js)
	readyInBatch := 0
	for w.queue.Len() < limit && !js.stopped() {
		if head, ok := w.queue.head(); ok && head.js == js && js.flags[head.i]&flagSuspect != 0 {
			break // a suspect runs alone
		}
		i, ok := c.next(js, w, limit)
		if !ok {
			break
		}
		if js.flags[i]&flagSuspect != 0 {
			if w.queue.Len() > 0 {
				js.ready.Push(i) // it waits for an empty worker
				break
			}
			c.assign(b, i)
			break
		}
		if !c.assign(b, i) {
			continue
		}
		c.chain(b, i, limit)
		if readyInBatch++; readyInBatch == chunk {
			c.sendBatch(b)
			b, readyInBatch = &batch{w: w, js: js}, 0
		}
	}
	c.sendBatch(b)
}

// next takes a ready task for w: one preferring w, else any, else one preferring a worker with
// no room for it (stealing), so that no worker idles while another has a backlog.
func (c *Coordinator) next(js *Job, w *Worker, limit int) (int32, bool) {
	for _, q := range []*graph.ReadyQueue{js.localQueue(w.slot), &js.ready} {
		for q.Len() > 0 {
			if i := q.Pop(); js.status[i] == stReady {
				return i, true
			}
		}
	}
	victim := -1
	for slot := range js.local {
		if slot == w.slot || js.local[slot].Len() == 0 || (victim >= 0 && js.local[slot].Len() <= js.local[victim].Len()) {
			continue
		}
		if slot < len(c.workers) {
			if owner := c.workers[slot]; owner != nil && owner.up && !owner.dead && owner.queue.Len() < limit {
				continue // its worker will take it
			}
		}
		victim = slot
	}
	if victim >= 0 {
		q := &js.local[victim]
		for q.Len() > 0 {
			if i := q.Pop(); js.status[i] == stReady {
				return i, true
			}
		}
	}
	return 0, false
}

// assign adds task i to the batch with whatever the worker lacks of its inputs. It returns false
// when an input must first come back to the coordinator from another worker.
func (c *Coordinator) assign(b *batch, i int32) bool {
	js, w, g := b.js, b.w, b.js.Graph
	args := make([]worker.Arg, 0, len(g.Args(i)))
	for _, a := range g.Args(i) {
		key := js.key(a)
		if _, ok := w.holds[key]; ok {
			args = append(args, worker.Arg{Key: key})
			continue
		}
		e, err := c.valueAt(js, a)
		if err != nil {
			c.stopJob(js, &TaskFailure{Task: i, Err: fmt.Errorf("argument %d cannot be sent to a worker: %w", a, err)})
			return false
		}
		switch {
		case e != nil && g.IsData(a) && len(g.Users(a)) == 1 && js.flags[a]&flagOutput == 0 &&
			len(e.Value.Attachments) == 0 && len(e.Value.Body) <= inlineLimit:
			args = append(args, worker.Arg{Body: e.Value.Body})
			continue
		case e != nil:
			b.msg.Puts = append(b.msg.Puts, worker.Put{Key: key, Type: e.Type, Body: e.Value.Body, Attachments: len(e.Value.Attachments)})
			b.atts = append(b.atts, e.Value.Attachments...)
			for k := range e.Value.Attachments {
				fd := -1
				if k < len(e.Files) {
					fd = e.Files[k]
				}
				b.files = append(b.files, fd)
			}
			e.Retain()
			b.hold = append(b.hold, e)
		case c.opts.PeerTransfers:
			holder := c.holder(js, a)
			if holder == nil {
				c.stopJob(js, &TaskFailure{Task: i, Err: fmt.Errorf("the value of argument %d is on no live worker", a)})
				return false
			}
			b.msg.Peers = append(b.msg.Peers, worker.PeerSource{Key: key, Type: g.Func(a).Result, Address: holder.PeerAddress})
		default:
			c.fetch(js, a, i)
			return false
		}
		w.holds[key] = js.size[a]
		args = append(args, worker.Arg{Key: key})
	}
	f := g.Func(i)
	fk := funcKey{name: f.Name, elem: f.Elem}
	id, ok := w.funcs[fk]
	if !ok {
		id = uint32(len(w.funcs) + 1)
		w.funcs[fk] = id
		b.msg.Functions = append(b.msg.Functions, worker.FunctionDef{ID: id, Name: f.Name, Elem: f.Elem})
	}
	b.msg.Tasks = append(b.msg.Tasks, worker.Task{Key: js.key(i), Job: js.id, Fn: id, Args: args})
	b.assigned = append(b.assigned, i)
	js.status[i] = stAssigned
	js.where[i] = int16(w.slot)
	w.queue.push(assigned{js: js, i: i})
	w.holds[js.key(i)] = 0
	js.inflight++
	return true
}

// valueAt returns the coordinator's copy of a's value (asking the owner for data nodes), or nil
// when a computed value is only on workers.
func (c *Coordinator) valueAt(js *Job, a int32) (*Encoded, error) {
	if e := js.atCoordinator[a]; e != nil {
		return e, nil
	}
	if key, ok := js.External[a]; ok {
		e := c.store[key]
		if e == nil {
			return nil, fmt.Errorf("value %d is no longer kept in the cluster", key)
		}
		e.Retain()
		js.atCoordinator[a] = e
		js.size[a] = int64(e.Value.Size())
		return e, nil
	}
	if !js.Graph.IsData(a) {
		return nil, nil
	}
	e, err := js.Owner.Data(a)
	if err != nil {
		return nil, err
	}
	js.atCoordinator[a] = e
	js.size[a] = int64(e.Value.Size())
	return e, nil
}

// holder returns a live worker holding a's value (computed, not merely on its way).
func (c *Coordinator) holder(js *Job, a int32) *Worker {
	key := js.key(a)
	if w := c.workerAt(js.where[a]); w != nil && js.status[a] == stDone {
		if _, ok := w.holds[key]; ok {
			return w
		}
	}
	for _, w := range c.live() {
		if _, ok := w.holds[key]; ok && js.status[a] == stDone {
			return w
		}
	}
	return nil
}

func (c *Coordinator) workerAt(slot int16) *Worker {
	if slot < 0 || int(slot) >= len(c.workers) {
		return nil
	}
	if w := c.workers[slot]; w != nil && w.up && !w.dead {
		return w
	}
	return nil
}

// chain also sends the tasks that can run right after task i on the same worker because all
// their inputs will be there: a chain of calls stays on one worker and its intermediates never
// travel.
func (c *Coordinator) chain(b *batch, i int32, limit int) {
	js, w, g := b.js, b.w, b.js.Graph
	todo := []int32{i}
	for len(todo) > 0 && w.queue.Len() < limit {
		x := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, u := range g.Users(x) {
			if w.queue.Len() >= limit {
				return
			}
			if js.status[u] != stWaiting || js.flags[u]&(flagLocal|flagSuspect) != 0 || len(g.Args(u)) > maxChainArgs {
				continue
			}
			if c.allInputsOn(js, u, w) && c.assign(b, u) {
				todo = append(todo, u)
			}
		}
	}
}

func (c *Coordinator) allInputsOn(js *Job, u int32, w *Worker) bool {
	for _, a := range js.Graph.Args(u) {
		_, held := w.holds[js.key(a)]
		switch {
		case js.Graph.IsData(a):
		case js.status[a] == stAssigned && js.where[a] == int16(w.slot):
		case js.status[a] == stDone && held:
		default:
			return false
		}
	}
	return true
}

// sendBatch decides which results must come back and queues the batch.
func (c *Coordinator) sendBatch(b *batch) {
	if len(b.msg.Tasks) == 0 && len(b.msg.Puts) == 0 {
		return
	}
	js, w := b.js, b.w
	for k, i := range b.assigned {
		send := worker.SendIfSmall
		switch {
		case js.flags[i]&flagOutput != 0:
			send = worker.SendAlways
		case c.usersAllOn(js, i, w):
			send = worker.SendNever
		}
		b.msg.Tasks[k].Send = send
	}
	b.msg.Job = js.id
	b.msg.Release, w.released = w.released, nil
	w.send(worker.KindBatch, &b.msg, js, b.atts, b.files, b.hold)
}

func (c *Coordinator) usersAllOn(js *Job, i int32, w *Worker) bool {
	users := js.Graph.Users(i)
	for _, u := range users {
		if js.status[u] != stAssigned || js.where[u] != int16(w.slot) {
			return false
		}
	}
	return len(users) > 0
}

// fetch asks the worker holding a's value to send it to the coordinator, and parks task user.
func (c *Coordinator) fetch(js *Job, a, user int32) {
	js.fetchers[a] = append(js.fetchers[a], user)
	js.status[user] = stWaiting
	if js.flags[a]&flagFetching != 0 {
		return
	}
	holder := c.holder(js, a)
	if holder == nil {
		c.stopJob(js, &TaskFailure{Task: user, Err: fmt.Errorf("the value of task %d is on no live worker", a)})
		return
	}
	js.flags[a] |= flagFetching
	holder.send(worker.KindFetch, &worker.Fetch{Keys: []uint64{js.key(a)}, Types: []string{js.Graph.Func(a).Result}}, js, nil, nil, nil)
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
		if !ok {
			continue
		}
		js.flags[a] &^= flagFetching
		if put.Type == "" {
			continue // no longer held there; recovery computes it again if needed
		}
		js.hold(a, NewEncoded(wire.Value{Body: put.Body, Attachments: mine}, put.Type))
		waiters := js.fetchers[a]
		delete(js.fetchers, a)
		for _, u := range waiters {
			if js.status[u] == stWaiting && js.waiting[u] == 0 {
				c.enqueue(js, u)
			}
		}
	}
}

func (c *Coordinator) onResults(w *Worker, res *worker.Results, atts [][]byte) {
	for k := range res.Items {
		r := &res.Items[k]
		if r.Attachments > len(atts) || r.Attachments < 0 {
			c.onDown(w, fmt.Errorf("%w: results announce more attachments than they have", wire.ErrMalformedFrame), true)
			return
		}
		mine := atts[:r.Attachments]
		atts = atts[r.Attachments:]
		js := c.jobByID(r.Job)
		if js == nil {
			continue
		}
		w.queue.remove(func(a assigned) bool { return a.js == js && js.key(a.i) == r.Key })
		i, ok := js.index(r.Key)
		if !ok || js.status[i] != stAssigned || js.where[i] != int16(w.slot) {
			continue
		}
		js.inflight--
		w.ran++
		c.recent.add(js.Graph.Func(i).Name, r.Elapsed)
		js.Owner.TaskDone(i, w.slot, r.Start, r.Elapsed, r.Err)
		if r.Err != nil {
			if !js.stopped() {
				c.stopJob(js, &TaskFailure{Task: i, Record: r.Err})
			}
			c.finishIfIdle(js)
			continue
		}
		js.observe(r.Elapsed)
		js.size[i] = r.Size
		w.holds[r.Key] = r.Size
		if r.Sent {
			js.hold(i, NewEncoded(wire.Value{Body: r.Body, Attachments: mine}, js.Graph.Func(i).Result))
			if k, ok := js.Owner.(Keeper); ok {
				k.Keep(i, wire.Value{Body: r.Body, Attachments: mine})
			}
		}
		if js.flags[i]&flagOutput != 0 {
			if !r.Sent {
				c.stopJob(js, &TaskFailure{Task: i, Err: fmt.Errorf("output did not come back")})
				c.finishIfIdle(js)
				continue
			}
			c.output(js, i, js.atCoordinator[i])
		}
		c.completed(js, i, int16(w.slot))
	}
}

// output hands an output to the owner, keeping it in the store first when the computation
// persists its outputs.
func (c *Coordinator) output(js *Job, i int32, e *Encoded) {
	var key uint64
	if js.Persist {
		key = c.nextKey.Add(1)
		e.Retain()
		c.store[key] = e
	}
	js.Owner.Output(i, e, key)
}

// completed records that task i has its value (on worker slot, or at the coordinator for -1).
func (c *Coordinator) completed(js *Job, i int32, slot int16) {
	js.status[i] = stDone
	js.where[i] = slot
	js.remaining--
	if js.stopped() {
		c.finishIfIdle(js)
		return
	}
	g := js.Graph
	for _, a := range g.Args(i) {
		js.uses[a]--
		if js.uses[a] == 0 {
			c.release(js, a)
		}
	}
	for _, u := range g.Users(i) {
		js.waiting[u]--
		if js.waiting[u] == 0 && js.status[u] == stWaiting {
			c.enqueue(js, u)
		}
	}
	if js.remaining == 0 {
		c.finish(js)
	}
}

// release forgets a value nobody needs any more, everywhere (values kept in the store stay).
func (c *Coordinator) release(js *Job, a int32) {
	if js.external(a) {
		js.drop(a)
		return
	}
	key := js.key(a)
	for _, w := range c.live() {
		if _, ok := w.holds[key]; ok {
			delete(w.holds, key)
			w.released = append(w.released, key)
		}
	}
	js.drop(a)
}

// runLocal runs a task at the owner once its inputs are at the coordinator.
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
	js.status[i] = stAssigned
	js.where[i] = -1
	js.inflight++
	v, done, err := js.Owner.RunLocal(i, args)
	if done {
		c.onLocalDone(js, i, v, err)
	}
}

func (c *Coordinator) onLocalDone(js *Job, i int32, v *Encoded, err error) {
	if !c.running(js) || js.status[i] != stAssigned || js.where[i] != -1 {
		if v != nil {
			v.Release()
		}
		return
	}
	js.inflight--
	if err != nil {
		c.stopJob(js, &TaskFailure{Task: i, Err: err})
		c.finishIfIdle(js)
		return
	}
	js.hold(i, v)
	js.size[i] = int64(v.Value.Size())
	if js.flags[i]&flagOutput != 0 {
		c.output(js, i, v)
	}
	c.completed(js, i, -1)
}

// stopJob stops a computation after a failure or cancellation: nothing more starts, its queued
// tasks on workers are dropped, running ones are cancelled and, after a grace period, killed.
func (c *Coordinator) stopJob(js *Job, err error) {
	if js.stopped() {
		return
	}
	js.failure = err
	js.ready = nil
	for s := range js.local {
		js.local[s] = nil
	}
	for _, w := range c.live() {
		if hasTasksOf(w, js) {
			w.send(worker.KindCancel, &worker.Cancel{Job: js.id}, nil, nil, nil, nil)
		}
	}
	if js.inflight > 0 {
		time.AfterFunc(c.opts.CancelGrace, func() { c.do(func() { c.onGrace(js) }) })
	}
	c.finishIfIdle(js)
}

func hasTasksOf(w *Worker, js *Job) bool {
	for _, a := range w.queue.items() {
		if a.js == js {
			return true
		}
	}
	return false
}

// onGrace kills the workers still running tasks of a stopped computation.
func (c *Coordinator) onGrace(js *Job) {
	if !c.running(js) {
		return
	}
	for _, w := range c.live() {
		if hasTasksOf(w, js) {
			w.killed = true
			w.Link.Kill()
		}
	}
}

func (c *Coordinator) finishIfIdle(js *Job) {
	if js.stopped() && js.inflight == 0 {
		c.finish(js)
	}
}

// finish ends a computation: its values are released everywhere and its owner is told.
func (c *Coordinator) finish(js *Job) {
	k := -1
	for n, other := range c.jobs {
		if other == js {
			k = n
		}
	}
	if k < 0 || js.over {
		return
	}
	js.over = true
	c.jobs = append(c.jobs[:k], c.jobs[k+1:]...)
	for a := range js.atCoordinator {
		js.drop(a)
	}
	first, last := js.keyBase+1, js.keyBase+uint64(js.Graph.Len())
	for _, w := range c.live() {
		for key := range w.holds {
			if key >= first && key <= last {
				delete(w.holds, key)
				w.released = append(w.released, key)
			}
		}
		w.finished = append(w.finished, js.id)
	}
	js.Owner.Finished(js.failure)
}

// flush sends pending releases and computation endings to workers that got no batch this round.
func (c *Coordinator) flush() {
	for _, w := range c.live() {
		if len(w.released) == 0 && len(w.finished) == 0 {
			continue
		}
		msg := &worker.Batch{Release: w.released, Finished: w.finished}
		w.released, w.finished = nil, nil
		w.send(worker.KindBatch, msg, nil, nil, nil, nil)
	}
}
