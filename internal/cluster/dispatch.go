package cluster

import (
	"fmt"
	"slices"
	"time"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Tuning.
const (
	targetBatch   = 2 * time.Millisecond // work a message should carry while tasks are short
	minBatchWork  = targetBatch / 8      // work a message carries at least, while tasks are short
	targetQueue   = 8 * targetBatch      // work queued on a worker, while tasks are short
	taskOverhead  = time.Microsecond     // what a task costs its worker besides its call
	maxChunk      = 1 << 14
	maxDepth      = 64               // chunks queued on one worker at most
	shortTask     = time.Millisecond // tasks shorter than this are queued deeper than one chunk
	maxChainArgs  = 8                // tasks with more arguments are not chained onto a worker
	inlineLimit   = 1 << 10          // data used once and smaller than this travels inside its task
	minLocalBytes = 1
)

// Scheduling is indexed, so that its cost follows the tasks sent rather than the number of
// workers or computations:
//   - a worker whose queue shrank (results) or that joined is dirty: schedule fills it first;
//   - a worker that found nothing to do while it had room is hungry (one set per group): when a
//     computation has ready tasks left after the dirty workers took theirs, hungry workers get
//     them, until none are left;
//   - every other live worker has tasks queued, so its results will make it dirty again.
// So no event scans every worker, and a worker with nothing to do costs nothing.

// workerSet is a set of workers with O(1) add and remove (the index lives in the worker).
type workerSet struct{ list []*Worker }

func (s *workerSet) add(w *Worker) {
	if w.hungryAt >= 0 {
		return
	}
	w.hungryAt = len(s.list)
	s.list = append(s.list, w)
}

func (s *workerSet) remove(w *Worker) {
	k := w.hungryAt
	if k < 0 || k >= len(s.list) || s.list[k] != w {
		return
	}
	last := s.list[len(s.list)-1]
	s.list[k] = last
	last.hungryAt = k
	s.list[len(s.list)-1] = nil
	s.list = s.list[:len(s.list)-1]
	w.hungryAt = -1
}

func (c *Coordinator) setHungry(w *Worker, hungry bool) {
	s := c.hungry[w.Group]
	if s == nil {
		s = &workerSet{}
		c.hungry[w.Group] = s
	}
	if hungry || w.queue.Len() == 0 {
		s.add(w)
	} else {
		s.remove(w)
	}
}

func (c *Coordinator) markDirty(w *Worker) {
	if !w.dirty && w.live() {
		w.dirty = true
		c.dirty = append(c.dirty, w)
		if w.free != nil {
			c.res.changed = true // a suspect may wait for it to be empty (place)
		}
	}
}

func compatible(js *Job, w *Worker) bool { return js.Group == "" || js.Group == w.Group }

// schedule hands out ready tasks, oldest computation first: to dirty workers, then to hungry
// ones while tasks are left.
func (c *Coordinator) schedule() {
	for len(c.dirty) > 0 {
		w := c.dirty[len(c.dirty)-1]
		c.dirty[len(c.dirty)-1] = nil
		c.dirty = c.dirty[:len(c.dirty)-1]
		w.dirty = false
		if w.takesTasks() {
			c.fillWorker(w)
		}
	}
	c.place()
	for _, js := range c.serving() {
		if !js.over && js.supply() {
			c.feedHungry(js)
		}
	}
}

// fillWorker gives w what it has room for from every computation it may run.
func (c *Coordinator) fillWorker(w *Worker) {
	starved, any := false, false
	holding, above := false, 0
	for _, js := range c.serving() {
		if holding && js.Priority < above {
			break // a computation of higher priority has ready tasks waiting for room here
		}
		if js.over || js.stopped() || !compatible(js, w) {
			continue
		}
		any = true
		switch c.fill(w, js) {
		case fillStarved:
			starved = true
		default:
			if js.supply() && !holding {
				holding, above = true, js.Priority
			}
		}
	}
	c.setHungry(w, starved || !any)
}

// feedHungry gives js's ready tasks to workers that found nothing to do.
func (c *Coordinator) feedHungry(js *Job) {
	visit := func(s *workerSet) bool {
		for k := len(s.list) - 1; k >= 0; k-- {
			if k >= len(s.list) {
				continue
			}
			w := s.list[k]
			if c.fill(w, js) != fillStarved {
				c.setHungry(w, false)
			}
			if !js.supply() {
				return false
			}
		}
		return true
	}
	if js.Group != "" {
		if s := c.hungry[js.Group]; s != nil {
			visit(s)
		}
		return
	}
	for _, s := range c.hungry {
		if !visit(s) {
			return
		}
	}
}

// capacity returns the ready tasks per message and the tasks a worker may have queued. Long
// tasks go one chunk at a time, so that no worker sits on work another could start; short ones
// are queued about targetQueue of work deep, so that a worker never waits for the next message.
func (c *Coordinator) capacity(js *Job) (chunk, limit int) {
	if js.samples == 0 {
		k := max(js.Chunksize, 1)
		return k, k
	}
	// A task costs its worker more than its call (decoding, encoding, bookkeeping: about
	// taskOverhead), and the chunks and queues are sized by that cost: by the calls' time alone,
	// 60 ns incs went 16k to a message and two messages deep, and a worker ran dry while the
	// 16k results went back and the next 16k tasks came, each stage of the round trip handling
	// a whole chunk before the next could start.
	avg := max(js.avgNs, float64(taskOverhead))
	k := js.Chunksize
	if k <= 0 {
		// About targetBatch of work, fewer tasks when that leaves workers without any, but not
		// below minBatchWork: spreading tiny tasks over a thousand workers costs more messages
		// than it saves time.
		k = int(float64(targetBatch) / avg)
		floor := int(float64(minBatchWork) / avg)
		k = min(max(k, 1), maxChunk, max(1, floor, js.remaining()/(2*max(c.eligible(js), 1))))
	}
	if js.avgNs >= float64(shortTask) {
		return k, k
	}
	// Queued about targetQueue of work deep: enough for the round trips of a few chunks.
	depth := int(float64(targetQueue) / (float64(k) * avg))
	return k, k * min(max(depth, 2), maxDepth)
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
	argBuf   []worker.Arg // the tasks' arguments, sliced from shared arrays
	fn       int32        // the graph's function index last looked up for the worker, -1 none
	fnID     uint32       // its worker's id for it
}

// batchFor returns the batch being filled for w and js, starting one when needed: nothing is
// allocated until a task is sent.
func (c *Coordinator) batchFor(w *Worker, js *Job) *batch {
	if c.cur != nil && (c.cur.w != w || c.cur.js != js) {
		c.sendBatch()
	}
	if c.cur == nil {
		c.cur = newBatch(w, js, c.curSize)
	}
	return c.cur
}

type fillResult uint8

const (
	fillStarved fillResult = iota // room left, nothing to run
	fillFull                      // no room left
	fillBlocked                   // a task that must run alone waits
)

// fill gives w ready tasks of js until it has no room or js none left.
func (c *Coordinator) fill(w *Worker, js *Job) fillResult {
	chunk, limit := c.capacity(js)
	if queued := w.queue.Len(); queued > 0 && limit > chunk && limit-queued < chunk {
		// Short tasks queued deeper than a chunk: refill only once a whole chunk fits. A worker
		// short of work reports each result as it comes (it has nothing else to do); answering
		// each with the one task it freed locked the pair into one-task messages, each a round
		// trip, at about a tenth of the rate of full chunks. The chunk still queued there keeps
		// the worker busy meanwhile.
		return fillFull
	}
	c.sizeBatch(w, js, chunk, limit)
	inBatch := 0
	res := fillStarved
	for !js.stopped() {
		if w.queue.Len() >= limit {
			res = fillFull
			break
		}
		if head, ok := w.queue.head(); ok && head.js.flags[head.i]&flagSuspect != 0 {
			// A suspect runs alone, whatever its computation: a death is charged to it only
			// when nothing else was on its worker.
			res = fillBlocked
			break
		}
		i, ok := c.next(js, w, limit)
		if !ok {
			break
		}
		if js.flags[i]&flagSuspect != 0 {
			if w.queue.Len() > 0 {
				js.pushReady(i) // it waits for an empty worker
				res = fillBlocked
				break
			}
			c.assign(w, js, i)
			res = fillBlocked
			break
		}
		if !c.assign(w, js, i) {
			continue
		}
		c.chain(w, js, i, limit)
		if inBatch++; inBatch == chunk {
			c.sendBatch()
			inBatch = 0
			c.sizeBatch(w, js, chunk, limit)
		}
	}
	c.sendBatch()
	return res
}

// sizeBatch sets the room the next batch for w starts with: its tasks at once (growing a
// 16k-task batch from 1k copied each task several times), but not beyond the room left on w
// nor the ready tasks there are. The room is what is left after the batches already sent: a
// refill typically sends a full chunk and then the few tasks still fitting, and sizing that
// second batch by the whole chunk left about half of all batches' task slots unused (a
// million-task wide graph allocated twice the batch memory it filled).
func (c *Coordinator) sizeBatch(w *Worker, js *Job, chunk, limit int) {
	c.curSize = min(chunk, max(limit-w.queue.Len(), 1), max(1024, js.ready.Len()+js.localTotal))
}

// next takes a ready task for w: one preferring w, else any, else one preferring a worker with
// no room for it (stealing), so that no worker idles while another has a backlog.
func (c *Coordinator) next(js *Job, w *Worker, limit int) (int32, bool) {
	if i, ok := js.popLocal(w.id); ok {
		return i, true
	}
	for js.ready.Len() > 0 {
		if i := js.popReady(); js.state[i] == stReady {
			return i, true
		}
	}
	if js.localTotal == 0 {
		return 0, false
	}
	victim, most := int32(-1), 0
	for id, q := range js.local {
		if id == w.id || q.Len() <= most {
			continue
		}
		if owner := c.workers[id]; owner.takesTasks() && owner.queue.Len() < limit && compatible(js, owner) {
			continue // its worker will take it
		}
		victim, most = id, q.Len()
	}
	if victim >= 0 {
		i, ok := js.popLocal(victim)
		if ok && js.retry != nil && js.retry[i].avoid == w.id && c.workers[victim].takesTasks() {
			// A retry that failed here last waits for the (busy) worker it was placed on.
			js.pushLocal(victim, i)
			return 0, false
		}
		return i, ok
	}
	return 0, false
}

// assign adds task i to w's batch with whatever w lacks of its inputs. It returns false when an
// input must first come back to the coordinator from another worker (the task is then parked),
// or the computation failed.
func (c *Coordinator) assign(w *Worker, js *Job, i int32) bool {
	g := js.Graph
	b := c.batchFor(w, js)
	if n := len(g.Args(i)); cap(b.argBuf)-len(b.argBuf) < n {
		// Room for this task's arguments and the batch's next tasks', which mostly call the
		// same function with as many: one allocation per batch rather than per task, and about
		// none unused (room for two arguments per task left half of a wide graph's unused).
		left := max(c.curSize-len(b.msg.Tasks), 1)
		b.argBuf = make([]worker.Arg, 0, max(n, min(n*left, 4096)))
	}
	start := len(b.argBuf)
	args := b.argBuf[start:start:cap(b.argBuf)]
	if n := len(g.Args(i)); n > 16 {
		// A gathering task: room for its inputs at once rather than growing for each.
		b.msg.Puts = slices.Grow(b.msg.Puts, n)
		b.hold = slices.Grow(b.hold, n)
	}
	// A task gathering values into a slice takes the small results it alone uses inline too,
	// when they have its element type (the worker decodes inline arguments as the parameter's
	// type): not as values for the worker to keep, and release, one by one.
	fi := g.funcs.at(i)
	elem := ""
	if fi >= 0 {
		elem = g.functions[fi].Elem
	}
	for _, a := range g.Args(i) {
		key := js.key(a)
		if c.holds(js, a, w) {
			args = append(args, worker.Arg{Key: key})
			continue
		}
		if body, typ, ok := js.small.get(a); ok {
			// Its bytes stay valid for the message: the chunk is never overwritten.
			if (g.IsData(a) || elem != "" && typ == elem) && len(g.Users(a)) == 1 && js.flags[a]&flagOutput == 0 && len(body) <= inlineLimit {
				args = append(args, worker.Arg{Body: body})
				continue
			}
			b.msg.Puts = append(b.msg.Puts, worker.Put{Key: key, Type: typ, Body: body})
			c.addHolder(js, a, w)
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
		case c.opts.PeerTransfers && js.flags[a]&flagUnconfirmed == 0:
			// Only a worker that reported the value is named: one it was merely sent to may not
			// have it yet when the peer asks.
			holder := c.anyHolder(js, a)
			if holder == nil || holder.retiring != nil {
				c.fetch(js, a, i) // lost: computed again first; retiring: through the coordinator
				return false
			}
			b.msg.Peers = append(b.msg.Peers, worker.PeerSource{Key: key, Type: g.Func(a).Result, Address: holder.PeerAddress})
		default:
			c.fetch(js, a, i)
			return false
		}
		c.addHolder(js, a, w)
		args = append(args, worker.Arg{Key: key})
	}
	// The batch's tasks mostly share a function: one map lookup per change of function.
	id := b.fnID
	if fi != b.fn {
		f := g.Func(i)
		fk := funcKey{name: f.Name, elem: f.Elem}
		var ok bool
		if id, ok = w.funcs[fk]; !ok {
			id = uint32(len(w.funcs) + 1)
			w.funcs[fk] = id
			b.msg.Functions = append(b.msg.Functions, worker.FunctionDef{ID: id, Name: f.Name, Elem: f.Elem})
		}
		b.fn, b.fnID = fi, id
	}
	args = args[:len(args):len(args)]
	b.argBuf = b.argBuf[:start+len(args)]
	var stream []byte
	if js.Streams != nil {
		stream = js.Streams[i]
	}
	b.msg.Tasks = append(b.msg.Tasks, worker.Task{Key: js.key(i), Job: js.id, Fn: id, Args: args, Stream: stream, Retries: js.Retries, StoreKey: js.storeKey(i),
		Placed: true, Tried: js.tried(i)})
	b.assigned = append(b.assigned, i)
	js.set(i, stQueued)
	js.where[i] = -1
	c.addHolder(js, i, w)
	js.flags[i] &^= flagUnconfirmed // it runs there
	w.queue.push(assigned{js: js, i: i})
	if js.flags[i]&flagResources != 0 {
		c.take(w, js, i)
	}
	return true
}

// valueAt returns the coordinator's copy of a's value (data are encoded at submission), or nil
// when a computed value is only on workers.
func (c *Coordinator) valueAt(js *Job, a int32) (*Encoded, error) {
	if e := js.enc(a); e != nil {
		return e, nil
	}
	if body, typ, ok := js.small.get(a); ok {
		// As an Encoded, for the rare callers needing one (local tasks).
		e := NewEncoded(wire.Value{Body: body}, typ)
		js.setEnc(a, e)
		js.small.drop(a)
		return e, nil
	}
	if key, ok := js.External[a]; ok {
		e := c.store[key]
		if e == nil {
			return nil, fmt.Errorf("value %d is no longer kept in the cluster", key)
		}
		e.Retain()
		js.setEnc(a, e)
		js.size.set(a, int64(e.Value.Size()))
		return e, nil
	}
	if js.Graph.IsData(a) {
		return nil, fmt.Errorf("data node %d was not encoded", a)
	}
	return nil, nil
}

// chain also sends the tasks that can run right after task i on the same worker because all
// their inputs will be there: a chain of calls stays on one worker and its intermediates never
// travel.
func (c *Coordinator) chain(w *Worker, js *Job, i int32, limit int) {
	g := js.Graph
	if len(g.Users(i)) == 0 {
		return
	}
	todo := []int32{i}
	for len(todo) > 0 && w.queue.Len() < limit {
		x := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, u := range g.Users(x) {
			if w.queue.Len() >= limit || js.stopped() {
				return
			}
			if js.state[u] != stWaiting || js.flags[u]&(flagLocal|flagSuspect|flagResources) != 0 || len(g.Args(u)) > maxChainArgs {
				continue
			}
			if c.allInputsOn(js, u, w) && c.assign(w, js, u) {
				todo = append(todo, u)
			}
		}
	}
}

func (c *Coordinator) allInputsOn(js *Job, u int32, w *Worker) bool {
	for _, a := range js.Graph.Args(u) {
		switch {
		case js.Graph.IsData(a):
		case js.state[a] == stQueued && js.where[a] == w.id:
		case js.state[a] == stDone && c.holds(js, a, w):
		default:
			return false
		}
	}
	return true
}

// sendBatch decides which results must come back and queues the batch being filled.
func (c *Coordinator) sendBatch() {
	b := c.cur
	if b == nil {
		return
	}
	c.cur = nil
	if len(b.msg.Tasks) == 0 && len(b.msg.Puts) == 0 && len(b.msg.Peers) == 0 {
		b.recycle()
		return
	}
	js, w := b.js, b.w
	for k, i := range b.assigned {
		js.flags[i] &^= flagSentInstead
		send := worker.SendIfSmall
		switch {
		case js.flags[i]&flagOutput != 0:
			send = worker.SendAlways
		case c.usersAllOn(js, i, w):
			send = worker.SendNever
		case c.gatheredHere(js, i):
			send = worker.SendInstead
			js.flags[i] |= flagSentInstead
		}
		b.msg.Tasks[k].Send = send
	}
	b.msg.Job = js.id
	b.msg.NoRelay = js.NoRelay
	b.msg.Release, w.released = w.released, nil
	js.markSent(w.id)
	c.emit(instr{kind: doSend, w: w, out: &Outgoing{Kind: worker.KindBatch, Msg: &b.msg, Attachments: b.atts, Files: b.files,
		hold: b.hold, job: js, batch: b}})
}

func (c *Coordinator) usersAllOn(js *Job, i int32, w *Worker) bool {
	users := js.Graph.Users(i)
	for _, u := range users {
		if js.state[u] != stQueued || js.where[u] != w.id {
			return false
		}
	}
	return len(users) > 0
}

// fetch asks a worker holding a's value to send it to the coordinator, and parks task user
// until it comes.
func (c *Coordinator) fetch(js *Job, a, user int32) {
	if js.state[user] != stWaiting {
		js.set(user, stWaiting)
	}
	if js.flags[a]&flagFetching != 0 {
		js.fetchers[a] = append(js.fetchers[a], user)
		return
	}
	holder := c.anyHolder(js, a)
	if holder == nil || js.state[a] != stDone {
		// Lost: computed again, and user waits for it (recompute counts it among user's
		// arguments to wait for).
		c.recompute(js, nil)
		if js.waiting.get(user) == 0 {
			c.stopJob(js, &TaskFailure{Task: user, Err: fmt.Errorf("%w: the value of task %d is on no live worker", ErrInternal, a)})
		}
		return
	}
	js.fetchers[a] = append(js.fetchers[a], user)
	js.flags[a] |= flagFetching
	js.fetchFrom[a] = holder.id
	c.send(holder, worker.KindFetch, &worker.Fetch{Keys: []uint64{js.key(a)}, Types: []string{js.Graph.Func(a).Result}}, js, nil, nil, nil)
}

// refetch deals with a fetch of a that will not be answered with the value (its worker did not
// have it, or left): the parked tasks try again if a is still somewhere, else a is computed again
// and they wait for it.
func (c *Coordinator) refetch(js *Job, a int32) {
	waiters := js.fetchers[a]
	delete(js.fetchers, a)
	delete(js.fetchFrom, a)
	js.flags[a] &^= flagFetching
	if js.stopped() {
		return
	}
	if js.state[a] == stDone && !c.available(js, a) {
		c.recompute(js, nil)
	}
	for _, u := range waiters {
		if js.state[u] == stWaiting && js.waiting.get(u) == 0 && !c.parked(js, u) {
			c.enqueue(js, u)
		}
	}
}

// parked reports whether task u waits for a fetch.
func (c *Coordinator) parked(js *Job, u int32) bool {
	for _, a := range js.Graph.Args(u) {
		if js.flags[a]&flagFetching != 0 {
			for _, x := range js.fetchers[a] {
				if x == u {
					return true
				}
			}
		}
	}
	return false
}
