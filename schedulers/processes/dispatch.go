package processes

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Tuning of the adaptive chunk size.
const (
	targetBatch   = 2 * time.Millisecond // work a batch should hold, when tasks are short
	maxChunk      = 1 << 14
	maxDepth      = 64               // chunks queued on one worker at most
	shortTask     = time.Millisecond // tasks shorter than this are pipelined: a second batch waits
	maxFuseArgs   = 8                // tasks with more arguments are not chained onto a worker
	inlineLimit   = 1 << 10          // data used once and smaller than this travels inside the task
	cancelGrace   = 250 * time.Millisecond
	maxRetries    = 3
	minLocalBytes = 1
)

func (p *pool) onJob(js *job) {
	if p.closed {
		js.done <- errPoolClosed
		return
	}
	if err := p.startupError(); err != nil {
		js.done <- err
		return
	}
	p.jobs = append(p.jobs, js)
	for _, i := range js.plan.Initial() {
		p.enqueue(js, i)
	}
	p.ensureWorkers()
}

// enqueue makes task i ready: in the queue of the worker holding most of its inputs, or in the
// job's shared queue.
func (p *pool) enqueue(js *job, i int32) {
	if js.flags[i]&flagLocal != 0 {
		p.runLocal(js, i)
		return
	}
	js.status[i] = stReady
	if slot := p.preferred(js, i); slot >= 0 {
		js.local[slot].push(i)
	} else {
		js.ready.push(i)
	}
}

// preferred returns the live worker holding the most bytes of task i's inputs, or -1.
func (p *pool) preferred(js *job, i int32) int {
	best, bestBytes := -1, int64(0)
	for _, w := range p.workers {
		if w == nil || w.dead {
			continue
		}
		var held int64
		for _, a := range js.plan.Args(i) {
			if w.holds[js.key(a)] {
				held += max(js.size[a], minLocalBytes)
			}
		}
		if held > bestBytes {
			best, bestBytes = w.slot, held
		}
	}
	return best
}

// capacity is how many of a job's tasks a worker may have queued. Long tasks go one chunk at a
// time, so that no worker sits on work another could start. Short ones are queued about
// targetBatch of work deep (at least two chunks), so that the worker never waits for the next
// message; chunks still go out as separate messages of the chosen size.
func (p *pool) capacity(js *job) (chunk, limit int) {
	if js.samples == 0 {
		k := max(js.j.Chunksize, 1)
		return k, k
	}
	k := js.j.Chunksize
	if k <= 0 {
		k = int(float64(targetBatch) / max(js.avgNs, 1))
		k = min(max(k, 1), maxChunk, max(1, js.remaining/(2*p.size)))
	}
	if js.avgNs >= float64(shortTask) {
		return k, k
	}
	depth := int(float64(targetBatch) / (float64(k) * max(js.avgNs, 1)))
	return k, k * min(max(depth, 2), maxDepth)
}

// schedule gives every worker with room tasks from the jobs, oldest job first.
func (p *pool) schedule() {
	for _, w := range p.workers {
		if w == nil || !w.up || w.dead {
			continue
		}
		for _, js := range p.jobs {
			if js.stopped() {
				continue
			}
			p.fill(w, js)
		}
	}
}

// batch collects what one message to a worker carries for one job.
type batch struct {
	w        *proc
	js       *job
	msg      worker.Batch
	atts     [][]byte
	files    []*sharedFile // aligned with atts
	assigned []int32
}

func (p *pool) fill(w *proc, js *job) {
	b := &batch{w: w, js: js}
	chunk, limit := p.capacity(js)
	readyInBatch := 0
	for w.queue.Len() < limit && !js.stopped() {
		if head, ok := w.queue.head(); ok && head.js == js && js.flags[head.i]&flagSuspect != 0 {
			break // a suspect runs alone
		}
		i, ok := p.next(js, w, limit)
		if !ok {
			break
		}
		if js.flags[i]&flagSuspect != 0 {
			if w.queue.Len() > 0 {
				js.ready.push(i) // wait for an empty worker
				break
			}
			p.assign(b, i)
			break
		}
		if !p.assign(b, i) {
			continue
		}
		p.chain(b, i, limit)
		if readyInBatch++; readyInBatch == chunk {
			// A message carries at most a chunk of ready tasks (and the chains they start).
			p.sendBatch(b)
			b, readyInBatch = &batch{w: w, js: js}, 0
		}
	}
	p.sendBatch(b)
}

// next takes a ready task for worker w: one that prefers w, else any, else one that prefers a
// worker with no room for it (stealing), so no worker idles while another has a backlog.
func (p *pool) next(js *job, w *proc, limit int) (int32, bool) {
	for _, q := range []*readyQueue{&js.local[w.slot], &js.ready} {
		for q.Len() > 0 {
			if i := q.pop(); js.status[i] == stReady {
				return i, true
			}
		}
	}
	victim := -1
	for slot := range js.local {
		if slot == w.slot || js.local[slot].Len() == 0 || (victim >= 0 && js.local[slot].Len() <= js.local[victim].Len()) {
			continue
		}
		if owner := p.workers[slot]; owner != nil && owner.up && !owner.dead && owner.queue.Len() < limit {
			continue // its worker will take it
		}
		victim = slot
	}
	if victim >= 0 {
		q := &js.local[victim]
		for q.Len() > 0 {
			if i := q.pop(); js.status[i] == stReady {
				return i, true
			}
		}
	}
	return 0, false
}

// assign adds task i to the batch, with whatever the worker lacks of its inputs. It returns false
// when an input must first come back from another worker.
func (p *pool) assign(b *batch, i int32) bool {
	js, w := b.js, b.w
	fn := js.plan.Task(i).Func()
	args := make([]worker.Arg, 0, len(js.plan.Args(i)))
	for k, a := range js.plan.Args(i) {
		key := js.key(a)
		switch {
		case w.holds[key]:
			args = append(args, worker.Arg{Key: key})
		case js.plan.IsData(a) && js.uses[a] == 1 && js.size[a] <= inlineLimit:
			enc, err := wire.Encode(js.plan.Task(a).Value(), fn.ParamType(k))
			if err == nil && len(enc.Attachments) == 0 && len(enc.Body) <= inlineLimit {
				args = append(args, worker.Arg{Body: enc.Body})
				break
			}
			if err != nil {
				p.stopJob(js, unencodable(js, i, a, err))
				return false
			}
			fallthrough
		default:
			held, ok, err := p.valueAtParent(js, a, fn, k)
			if err != nil {
				p.stopJob(js, unencodable(js, i, a, err))
				return false
			}
			if !ok {
				p.fetch(js, a, i)
				return false
			}
			b.msg.Puts = append(b.msg.Puts, worker.Put{Key: key, Type: held.typ, Body: held.v.Body, Attachments: len(held.v.Attachments)})
			b.atts = append(b.atts, held.v.Attachments...)
			b.files = append(b.files, js.sharedFiles(a, held.v)...)
			w.holds[key] = true
			args = append(args, worker.Arg{Key: key})
		}
	}
	fk := funcKey{name: fn.Name()}
	if fn.Builtin() {
		elem, err := wire.TypeName(fn.ParamType(0))
		if err != nil {
			p.stopJob(js, fmt.Errorf("%s: %w", js.plan.Task(i).Key(), err))
			return false
		}
		fk.elem = elem
	}
	id, ok := w.funcs[fk]
	if !ok {
		id = uint32(len(w.funcs) + 1)
		w.funcs[fk] = id
		b.msg.Functions = append(b.msg.Functions, worker.FunctionDef{ID: id, Name: fk.name, Elem: fk.elem})
	}
	b.msg.Tasks = append(b.msg.Tasks, worker.Task{Key: js.key(i), Job: js.id, Fn: id, Args: args})
	b.assigned = append(b.assigned, i)
	js.status[i] = stAssigned
	js.where[i] = int16(w.slot)
	w.queue.push(assigned{js: js, i: i})
	w.holds[js.key(i)] = true
	js.inflight++
	return true
}

// chain also sends the tasks that can run right after task i on the same worker because all
// their inputs will be there: a chain of calls stays on one worker and its intermediates never
// travel.
func (p *pool) chain(b *batch, i int32, limit int) {
	js, w := b.js, b.w
	todo := []int32{i}
	for len(todo) > 0 && w.queue.Len() < limit {
		x := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, u := range js.plan.Users(x) {
			if w.queue.Len() >= limit {
				return
			}
			if js.status[u] != stWaiting || js.flags[u]&(flagLocal|flagSuspect) != 0 || len(js.plan.Args(u)) > maxFuseArgs {
				continue
			}
			if !p.allInputsOn(js, u, w) {
				continue
			}
			if p.assign(b, u) {
				todo = append(todo, u)
			}
		}
	}
}

func (p *pool) allInputsOn(js *job, u int32, w *proc) bool {
	for _, a := range js.plan.Args(u) {
		switch {
		case js.plan.IsData(a):
		case js.status[a] == stAssigned && js.where[a] == int16(w.slot):
		case js.status[a] == stDone && w.holds[js.key(a)]:
		default:
			return false
		}
	}
	return true
}

// sendBatch decides which results must come back and queues the batch for the worker.
func (p *pool) sendBatch(b *batch) {
	if len(b.msg.Tasks) == 0 && len(b.msg.Puts) == 0 {
		return
	}
	js, w := b.js, b.w
	for k, i := range b.assigned {
		send := worker.SendIfSmall
		switch {
		case js.flags[i]&flagOutput != 0:
			send = worker.SendAlways
		case p.usersAllOn(js, i, w):
			send = worker.SendNever
		}
		b.msg.Tasks[k].Send = send
	}
	b.msg.Job = js.id
	b.msg.Release, w.released = w.released, nil
	w.out.put(outgoing{kind: worker.KindBatch, msg: &b.msg, attachments: b.atts, files: b.files, job: js})
}

func (p *pool) usersAllOn(js *job, i int32, w *proc) bool {
	users := js.plan.Users(i)
	for _, u := range users {
		if js.status[u] != stAssigned || js.where[u] != int16(w.slot) {
			return false
		}
	}
	return len(users) > 0
}

// heldValue is an encoded value in the parent, with the wire name of the type it was encoded as.
type heldValue struct {
	v   wire.Value
	typ string
}

// valueAtParent returns input a of a task encoded for a worker: a data node (encoded once, as the
// parameter type of its first user) or a result the parent holds. ok is false when the value is
// only on a worker.
func (p *pool) valueAtParent(js *job, a int32, fn *graph.Function, param int) (heldValue, bool, error) {
	if v, ok := js.atParent[a]; ok {
		return heldValue{v: v, typ: js.atParentType(a)}, true, nil
	}
	if !js.plan.IsData(a) {
		return heldValue{}, false, nil
	}
	static := fn.ParamType(param)
	value := js.plan.Task(a).Value()
	typ, err := wire.TypeName(static)
	if err != nil {
		return heldValue{}, false, err
	}
	if static.Kind() == reflect.Interface && value != nil && !wire.Known(reflect.TypeOf(value)) {
		return heldValue{}, false, fmt.Errorf("a %T in a parameter of type %s must be registered with delayed.RegisterType at package initialisation to reach worker processes", value, static)
	}
	enc, err := wire.Encode(value, static)
	if err != nil {
		return heldValue{}, false, err
	}
	js.atParent[a] = enc
	js.setAtParentType(a, typ)
	return heldValue{v: enc, typ: typ}, true, nil
}

func unencodable(js *job, user, arg int32, err error) error {
	t := js.plan.Task(user)
	return &graph.TaskError{Key: t.Key(), Func: t.Func().Name(),
		Err: fmt.Errorf("argument %s cannot be sent to a worker process: %w", js.plan.Task(arg).Key(), err)}
}

// fetch asks the worker holding a's value to send it, and parks task user until it arrives.
func (p *pool) fetch(js *job, a, user int32) {
	js.fetchers[a] = append(js.fetchers[a], user)
	js.status[user] = stWaiting
	if js.flags[a]&flagFetching != 0 {
		return
	}
	for _, w := range p.workers {
		if w != nil && w.up && !w.dead && w.holds[js.key(a)] {
			typ, err := wire.TypeName(js.resultType(a))
			if err != nil {
				p.stopJob(js, err)
				return
			}
			js.flags[a] |= flagFetching
			w.out.put(outgoing{kind: worker.KindFetch, msg: &worker.Fetch{Keys: []uint64{js.key(a)}, Types: []string{typ}}, job: js})
			return
		}
	}
	p.stopJob(js, fmt.Errorf("value of %s is on no live worker", js.plan.Task(a).Key()))
}

func (p *pool) onValues(w *proc, vals *worker.Values, atts [][]byte) {
	for _, put := range vals.Puts {
		if put.Attachments > len(atts) {
			p.onDown(w, fmt.Errorf("%w: fetch reply announces more attachments than it has", wire.ErrMalformedFrame))
			return
		}
		mine := atts[:put.Attachments]
		atts = atts[put.Attachments:]
		js, a, ok := p.lookup(put.Key)
		if !ok {
			continue
		}
		js.flags[a] &^= flagFetching
		if put.Type == "" {
			continue // no longer held there; recovery will recompute it if needed
		}
		js.atParent[a] = wire.Value{Body: put.Body, Attachments: mine}
		js.setAtParentType(a, put.Type)
		waiters := js.fetchers[a]
		delete(js.fetchers, a)
		for _, u := range waiters {
			if js.status[u] == stWaiting && js.waiting[u] == 0 {
				p.enqueue(js, u)
			}
		}
	}
}

// lookup finds the job and task of a key.
func (p *pool) lookup(key uint64) (*job, int32, bool) {
	for _, js := range p.jobs {
		if i, ok := js.index(key); ok {
			return js, i, true
		}
	}
	return nil, 0, false
}

func (p *pool) jobByID(id uint32) *job {
	for _, js := range p.jobs {
		if js.id == id {
			return js
		}
	}
	return nil
}

func (p *pool) onResults(w *proc, res *worker.Results, atts [][]byte) {
	for k := range res.Items {
		r := &res.Items[k]
		if r.Attachments > len(atts) || r.Attachments < 0 {
			p.onDown(w, fmt.Errorf("%w: results announce more attachments than they have", wire.ErrMalformedFrame))
			return
		}
		mine := atts[:r.Attachments]
		atts = atts[r.Attachments:]
		js := p.jobByID(r.Job)
		p.dequeue(w, js, r.Key)
		if js == nil {
			continue
		}
		i, ok := js.index(r.Key)
		if !ok || js.status[i] != stAssigned || js.where[i] != int16(w.slot) {
			continue
		}
		js.inflight--
		task := js.plan.Task(i)
		if r.Err != nil {
			err := decodeTaskError(r.Err)
			if obs := js.j.Observer; obs != nil {
				obs.TaskStarted(i, w.slot)
				obs.TaskFinished(i, w.slot, time.Duration(r.Elapsed), err)
			}
			if !js.stopped() {
				p.stopJob(js, schedulers.Failure(js.ctx, &graph.TaskError{Key: task.Key(), Func: task.Func().Name(), Err: err},
					js.plan.Calls()-js.remaining, js.plan.Calls()))
			}
			p.finishIfIdle(js)
			continue
		}
		js.observe(r.Elapsed)
		if obs := js.j.Observer; obs != nil {
			obs.TaskStarted(i, w.slot)
			obs.TaskFinished(i, w.slot, time.Duration(r.Elapsed), nil)
		}
		js.size[i] = r.Size
		if r.Sent {
			js.atParent[i] = wire.Value{Body: r.Body, Attachments: mine}
			js.setAtParentType(i, "")
		}
		if js.flags[i]&flagOutput != 0 {
			v, err := wire.Decode(wire.Value{Body: r.Body, Attachments: mine}, js.resultType(i))
			if err != nil || !r.Sent {
				p.stopJob(js, &graph.TaskError{Key: task.Key(), Func: task.Func().Name(), Err: fmt.Errorf("result did not come back: %v", err)})
				p.finishIfIdle(js)
				continue
			}
			js.j.SetResult(i, v)
		}
		p.completed(js, i, int16(w.slot))
	}
}

// dequeue removes a reported task from the worker's queue: its head, since a worker runs and
// reports its tasks in order.
func (p *pool) dequeue(w *proc, js *job, key uint64) {
	if js == nil {
		return
	}
	w.queue.remove(func(a assigned) bool { return a.js == js && js.key(a.i) == key })
}

// completed records that task i has its value (on worker slot, or in the parent for -1): its
// inputs may be released and its users may become ready.
func (p *pool) completed(js *job, i int32, slot int16) {
	js.status[i] = stDone
	js.where[i] = slot
	js.remaining--
	if js.stopped() {
		p.finishIfIdle(js)
		return
	}
	for _, a := range js.plan.Args(i) {
		js.uses[a]--
		if js.uses[a] == 0 {
			p.release(js, a)
		}
	}
	for _, u := range js.plan.Users(i) {
		js.waiting[u]--
		if js.waiting[u] == 0 && js.status[u] == stWaiting {
			p.enqueue(js, u)
		}
	}
	if js.remaining == 0 {
		p.finish(js)
	}
}

// release forgets a value nobody needs any more, on every worker and in the parent.
func (p *pool) release(js *job, a int32) {
	key := js.key(a)
	for _, w := range p.workers {
		if w != nil && w.holds[key] {
			delete(w.holds, key)
			w.released = append(w.released, key)
		}
	}
	delete(js.atParent, a)
	js.dropFiles(a)
	js.j.Free(a)
}

// runLocal runs a builtin that assembles values (a struct or map with delayed values inside)
// in the parent, once its inputs are here.
func (p *pool) runLocal(js *job, i int32) {
	task := js.plan.Task(i)
	args := make([]any, 0, len(js.plan.Args(i)))
	for _, a := range js.plan.Args(i) {
		switch {
		case js.plan.IsData(a):
			args = append(args, js.plan.Task(a).Value())
		case js.atParent[a].Body != nil:
			v, err := wire.Decode(js.atParent[a], js.resultType(a))
			if err != nil {
				p.stopJob(js, &graph.TaskError{Key: task.Key(), Func: task.Func().Name(), Err: err})
				return
			}
			args = append(args, v)
		default:
			p.fetch(js, a, i)
			return
		}
	}
	v, err := task.Func().Call(js.ctx, args)
	if err == nil {
		var enc wire.Value
		if enc, err = wire.Encode(v, js.resultType(i)); err == nil {
			js.atParent[i] = enc
			js.setAtParentType(i, "")
			js.size[i] = int64(enc.Size())
			js.j.SetResult(i, v)
		}
	}
	if err != nil {
		p.stopJob(js, &graph.TaskError{Key: task.Key(), Func: task.Func().Name(), Err: err})
		return
	}
	p.completed(js, i, -1)
}

// stopJob stops a job after a failure or cancellation: nothing more starts, its queued tasks on
// workers are dropped, running ones are cancelled and, after a grace period, killed.
func (p *pool) stopJob(js *job, err error) {
	if js.stopped() {
		return
	}
	js.fail(err)
	js.ready = nil
	for s := range js.local {
		js.local[s] = nil
	}
	for _, w := range p.workers {
		if w != nil && !w.dead && hasTasksOf(w, js) {
			w.out.put(outgoing{kind: worker.KindCancel, msg: &worker.Cancel{Job: js.id}})
		}
	}
	if js.inflight > 0 {
		time.AfterFunc(cancelGrace, func() { p.send(evGrace{js}) })
	}
	p.finishIfIdle(js)
}

func hasTasksOf(w *proc, js *job) bool {
	for _, a := range w.queue.items() {
		if a.js == js {
			return true
		}
	}
	return false
}

func (p *pool) onCancel(js *job) {
	if p.jobByID(js.id) != js {
		return
	}
	p.stopJob(js, schedulers.Stopped(js.ctx, js.plan.Calls()-js.remaining, js.plan.Calls()))
}

// onGrace kills the workers still running tasks of a stopped job.
func (p *pool) onGrace(js *job) {
	if p.jobByID(js.id) != js {
		return
	}
	for _, w := range p.workers {
		if w != nil && !w.dead && hasTasksOf(w, js) {
			w.killed = true
			w.cmd.Process.Kill()
		}
	}
}

func (p *pool) finishIfIdle(js *job) {
	if js.stopped() && js.inflight == 0 {
		p.finish(js)
	}
}

// finish ends a job: its values are released everywhere and Compute returns.
func (p *pool) finish(js *job) {
	k := -1
	for n, other := range p.jobs {
		if other == js {
			k = n
		}
	}
	if k < 0 {
		return
	}
	p.jobs = append(p.jobs[:k], p.jobs[k+1:]...)
	for a := range js.files {
		js.dropFiles(a)
	}
	first, last := js.keyBase+1, js.keyBase+uint64(js.plan.Len())
	for _, w := range p.workers {
		if w == nil || w.dead {
			continue
		}
		for key := range w.holds {
			if key >= first && key <= last {
				delete(w.holds, key)
				w.released = append(w.released, key)
			}
		}
		w.finished = append(w.finished, js.id)
	}
	js.done <- js.failure
}

// flush sends pending releases and job endings to workers that got no batch this round.
func (p *pool) flush() {
	for _, w := range p.workers {
		if w == nil || w.dead || !w.up || (len(w.released) == 0 && len(w.finished) == 0) {
			continue
		}
		msg := &worker.Batch{Release: w.released, Finished: w.finished}
		w.released, w.finished = nil, nil
		w.out.put(outgoing{kind: worker.KindBatch, msg: msg})
	}
}

// decodeTaskError rebuilds a task's error sent by a worker.
func decodeTaskError(rec *wire.ErrorRecord) error {
	err := wire.DecodeError(*rec)
	if rec.Panic {
		var value any = rec.Message
		var re *wire.RemoteError
		if !errors.As(err, &re) {
			value = err
		}
		return &graph.PanicError{Value: value, Stack: rec.Stack}
	}
	return err
}
