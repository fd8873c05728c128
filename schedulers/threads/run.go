package threads

import (
	"context"
	"sync"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// run is one execution of a job.
type run struct {
	job    *schedulers.Job
	plan   *graph.Plan
	parent context.Context    // the caller's context
	ctx    context.Context    // the tasks' context: ends with the caller's, or at the first failure
	cancel context.CancelFunc // ends ctx
	budget *budget
	stop   chan struct{} // closed when the run stops, for workers waiting for a token

	mu         sync.Mutex
	wake       sync.Cond // signalled when tasks become ready or the run stops
	tracker    *graph.Tracker
	ready      graph.ReadyQueue
	remaining  int // calls not finished yet
	idle       int // workers waiting on wake
	stopped    bool
	err        error
	freed      []int32 // scratch for finish
	newlyReady []int32 // scratch for finish

	// With priorities, ready holds ranks (see graph.PriorityOrder): rank maps a task to its
	// rank, order back. Both nil when no task has a priority: ready holds task indices.
	rank, order []int32
	// With resources: what the machine has free, and the ready tasks waiting for their
	// function's resources, by function (ranks, like ready).
	pool    *schedulers.ResourcePool
	blocked map[*graph.Function]*graph.ReadyQueue

	helpers sync.WaitGroup
}

func newRun(ctx context.Context, job *schedulers.Job) *run {
	r := &run{
		job:       job,
		plan:      job.Plan,
		parent:    ctx,
		stop:      make(chan struct{}),
		tracker:   graph.NewTracker(job.Plan),
		remaining: job.Plan.Calls(),
	}
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.wake.L = &r.mu
	r.rank, r.order = job.Plan.Rank()
	if r.rank == nil {
		r.ready = append(make(graph.ReadyQueue, 0, len(job.Plan.Initial())), job.Plan.Initial()...)
	} else {
		for _, i := range job.Plan.Initial() {
			r.ready.Push(r.rank[i])
		}
	}
	if job.Plan.NeedsResources() {
		r.pool = schedulers.NewResourcePool(job.Resources)
		r.blocked = map[*graph.Function]*graph.ReadyQueue{}
	}
	return r
}

func (r *run) execute() error {
	b, id := enclosingBudget()
	nested := b != nil
	if !nested {
		if id == 0 {
			id = goroutineID()
		}
		b = newBudget(max(r.job.Workers, 1))
		b.acquire(nil)
		enlist(id, b)
	}
	r.budget = b

	halted := make(chan struct{})
	stopWatching := context.AfterFunc(r.parent, func() {
		defer close(halted)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.halt(schedulers.Stopped(r.parent, r.plan.Calls()-r.remaining, r.plan.Calls()))
	})

	for w := 1; w < min(r.job.Workers, r.plan.Calls()); w++ {
		r.helpers.Add(1)
		go r.help(w)
	}
	holds := r.work(0, true)
	r.helpers.Wait()
	if !stopWatching() {
		<-halted
	}
	r.cancel()

	switch {
	case nested && !holds:
		// The enclosing task goes on running: it needs its token back.
		b.acquire(nil)
	case !nested:
		if holds {
			b.release()
		}
		discharge(id)
	}
	return r.err
}

// help runs a helper worker until the run stops.
func (r *run) help(w int) {
	defer r.helpers.Done()
	id := goroutineID()
	enlist(id, r.budget)
	defer discharge(id)
	if holds := r.work(w, false); holds {
		r.budget.release()
	}
}

// work takes ready tasks and runs them until the run stops. A worker runs tasks only while
// holding a token of the budget; it gives the token back when it has to wait for work. work
// reports whether it still holds a token when it returns.
func (r *run) work(w int, holds bool) bool {
	var (
		args []any
		err  error
	)
	r.mu.Lock()
	for !r.stopped {
		if r.ready.Len() == 0 {
			if r.job.Unreported(w) {
				// The observer hears of the untimed tasks this worker ran before it waits.
				r.mu.Unlock()
				r.job.Report(w)
				r.mu.Lock()
				continue
			}
			if holds {
				r.budget.release()
				holds = false
			}
			r.idle++
			r.wake.Wait()
			r.idle--
			continue
		}
		if !holds {
			r.mu.Unlock()
			holds = r.budget.acquire(r.stop)
			r.mu.Lock()
			continue
		}
		i := r.pop()
		need := r.needs(i)
		if need != nil && !r.pool.Acquire(need) {
			r.block(i)
			continue
		}
		if r.ready.Len() > 0 && r.idle > 0 {
			r.wake.Signal()
		}
		r.mu.Unlock()
		args, err = r.job.Run(r.ctx, i, w, args)
		r.mu.Lock()
		if need != nil {
			r.unblock(need)
		}
		if err != nil {
			r.halt(schedulers.Failure(r.parent, err, r.plan.Calls()-r.remaining, r.plan.Calls()))
			continue
		}
		r.finish(i)
	}
	r.mu.Unlock()
	r.job.Report(w)
	return holds
}

// finish records that task i ran: its users may become ready, its arguments may be released.
// It is called with mu held.
func (r *run) finish(i int32) {
	r.newlyReady = r.tracker.Finish(i, r.newlyReady[:0])
	for _, u := range r.newlyReady {
		r.push(u)
	}
	r.freed = r.tracker.Release(i, r.freed[:0])
	for _, f := range r.freed {
		r.job.Free(f)
	}
	r.remaining--
	if r.remaining == 0 {
		r.halt(nil)
	}
}

// halt stops the run with err (nil when every task finished); the first reason wins. It is
// called with mu held.
func (r *run) halt(err error) {
	if r.stopped {
		return
	}
	r.stopped = true
	r.err = err
	close(r.stop)
	r.cancel()
	r.wake.Broadcast()
}

// push makes task i ready.
func (r *run) push(i int32) {
	if r.rank != nil {
		i = r.rank[i]
	}
	r.ready.Push(i)
}

// pop takes the ready task to run first: highest priority, then lowest index.
func (r *run) pop() int32 {
	i := r.ready.Pop()
	if r.order != nil {
		i = r.order[i]
	}
	return i
}

// needs returns the resources task i holds while it runs, nil for none.
func (r *run) needs(i int32) graph.Resources {
	if r.pool == nil {
		return nil
	}
	if need := r.plan.Resources(i); len(need) > 0 {
		return need
	}
	return nil
}

// block parks ready task i until resources are given back. It is called with mu held.
func (r *run) block(i int32) {
	fn := r.plan.Task(i).Func()
	q := r.blocked[fn]
	if q == nil {
		q = new(graph.ReadyQueue)
		r.blocked[fn] = q
	}
	if r.rank != nil {
		i = r.rank[i]
	}
	q.Push(i)
}

// unblock gives back need and makes ready again, per function, as many parked tasks as the free
// resources could run now (a task that then finds them taken parks again). It is called with
// mu held.
func (r *run) unblock(need graph.Resources) {
	r.pool.Release(need)
	moved := false
	for fn, q := range r.blocked {
		var taken int
		for q.Len() > 0 && r.pool.Acquire(fn.Resources()) {
			r.ready.Push(q.Pop())
			taken++
			moved = true
		}
		for range taken {
			r.pool.Release(fn.Resources())
		}
		if q.Len() == 0 {
			delete(r.blocked, fn)
		}
	}
	if moved && r.idle > 0 {
		r.wake.Broadcast()
	}
}
