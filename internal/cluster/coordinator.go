package cluster

import (
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Options configure a coordinator.
type Options struct {
	Log *zap.Logger
	// PeerTransfers makes workers fetch inputs they lack from the workers holding them, instead
	// of through the coordinator. Workers must then have a PeerAddress.
	PeerTransfers bool
	// Retries is how many times a task may be running alone on a worker that dies before its
	// computation fails (default 3).
	Retries int
	// CancelGrace is how long tasks of a stopped computation may keep running before their
	// workers are killed (default 250ms).
	CancelGrace time.Duration
	// WorkersNeeded is called when a worker left while computations wait, so that the scheduler
	// can start another. It runs on the coordinator's goroutine and must not block.
	WorkersNeeded func()
}

// Coordinator schedules computations on workers. All its state belongs to one goroutine; the
// methods below hand it events and return at once.
type Coordinator struct {
	opts    Options
	log     *zap.Logger
	events  chan func()
	closing chan struct{}
	stopped chan struct{}
	nextJob atomic.Uint32
	nextKey atomic.Uint64

	// The loop's own.
	workers []*Worker // by slot; nil when free
	alive   []*Worker // the workers in service, in the order they joined
	jobs    []*Job
	store   map[uint64]*Encoded // values kept beyond computations (futures, scattered data)
	closed  bool
	recent  recentTasks
}

// ErrClosed is matched by the error of computations the coordinator stopped when it was closed.
var ErrClosed = errors.New("scheduler closed")

// New starts a coordinator.
func New(opts Options) *Coordinator {
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.Retries <= 0 {
		opts.Retries = 3
	}
	if opts.CancelGrace <= 0 {
		opts.CancelGrace = 250 * time.Millisecond
	}
	c := &Coordinator{
		opts:    opts,
		log:     opts.Log,
		events:  make(chan func(), 1024),
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
		store:   map[uint64]*Encoded{},
	}
	go c.loop()
	return c
}

func (c *Coordinator) loop() {
	defer close(c.stopped)
	for {
		select {
		case f := <-c.events:
			f()
			c.schedule()
			c.flush()
		case <-c.closing:
			c.shutdown()
			return
		}
	}
}

// do runs f on the coordinator's goroutine; false if the coordinator has stopped.
func (c *Coordinator) do(f func()) bool {
	select {
	case c.events <- f:
		return true
	case <-c.stopped:
		return false
	}
}

// Submit starts a computation. Its owner hears the outcome through Finished.
func (c *Coordinator) Submit(js *Job) {
	n := uint64(js.Graph.Len())
	js.init(c.nextJob.Add(1), c.nextKey.Add(n)-n)
	if js.remaining == 0 {
		js.Owner.Finished(nil)
		return
	}
	if !c.do(func() { c.onJob(js) }) {
		js.Owner.Finished(ErrClosed)
	}
}

// Cancel stops a computation with cause: nothing more starts, running tasks are cancelled and,
// after a grace period, their workers killed.
func (c *Coordinator) Cancel(js *Job, cause error) {
	c.do(func() {
		if c.running(js) {
			c.stopJob(js, cause)
		}
	})
}

// FailAll stops every computation with err (workers cannot start, say).
func (c *Coordinator) FailAll(err error) {
	c.do(func() {
		for _, js := range append([]*Job(nil), c.jobs...) {
			c.stopJob(js, err)
		}
	})
}

// AddWorker puts a worker to work.
func (c *Coordinator) AddWorker(w *Worker) {
	c.do(func() { c.onWorker(w) })
}

// WorkerDown takes a worker out: its tasks run elsewhere and the values only it held are
// computed again. crashed says it died unexpectedly (counting against the task it ran).
func (c *Coordinator) WorkerDown(w *Worker, cause error, crashed bool) {
	c.do(func() { c.onDown(w, cause, crashed) })
}

// Kill ends a worker on purpose: the coordinator stops using it and its link kills it.
func (c *Coordinator) Kill(w *Worker) {
	c.do(func() {
		w.killed = true
		w.Link.Kill()
	})
}

// Results hands over a worker's results.
func (c *Coordinator) Results(w *Worker, r *worker.Results, attachments [][]byte) {
	c.do(func() { c.onResults(w, r, attachments) })
}

// Values hands over values a worker sent when asked.
func (c *Coordinator) Values(w *Worker, v *worker.Values, attachments [][]byte) {
	c.do(func() { c.onValues(w, v, attachments) })
}

// LocalDone reports a task its owner ran after RunLocal returned done=false.
func (c *Coordinator) LocalDone(js *Job, i int32, v *Encoded, err error) {
	c.do(func() { c.onLocalDone(js, i, v, err) })
}

// Close stops every computation (with ErrClosed) and the coordinator. It does not close links.
func (c *Coordinator) Close() {
	select {
	case <-c.closing:
	default:
		close(c.closing)
	}
	<-c.stopped
}

// Store keeps a value (taking the caller's reference) until Forget, so that computations can
// use it as a data node (Job.External) without sending it again. With broadcast it is sent to
// every worker now. It returns the key the value is kept under.
func (c *Coordinator) Store(e *Encoded, broadcast bool) uint64 {
	key := c.nextKey.Add(1)
	if !c.do(func() { c.onStore(key, e, broadcast) }) {
		e.Release()
	}
	return key
}

// Forget stops keeping values.
func (c *Coordinator) Forget(keys []uint64) {
	c.do(func() {
		for _, key := range keys {
			e := c.store[key]
			if e == nil {
				continue
			}
			delete(c.store, key)
			e.Release()
			for _, w := range c.live() {
				if _, ok := w.holds[key]; ok {
					delete(w.holds, key)
					w.released = append(w.released, key)
				}
			}
		}
	})
}

func (c *Coordinator) onStore(key uint64, e *Encoded, broadcast bool) {
	c.store[key] = e
	if !broadcast {
		return
	}
	for _, w := range c.live() {
		e.Retain()
		msg := &worker.Batch{Puts: []worker.Put{{Key: key, Type: e.Type, Body: e.Value.Body, Attachments: len(e.Value.Attachments)}}}
		w.send(worker.KindBatch, msg, nil, e.Value.Attachments, e.Files, []*Encoded{e})
		w.holds[key] = int64(e.Value.Size())
	}
}

func (c *Coordinator) shutdown() {
	c.closed = true
	for _, js := range append([]*Job(nil), c.jobs...) {
		js.failure = nil
		c.stopJob(js, ErrClosed)
		c.finish(js)
	}
	for key, e := range c.store {
		delete(c.store, key)
		e.Release()
	}
}

func (c *Coordinator) onWorker(w *Worker) {
	if c.closed {
		w.Link.Kill()
		return
	}
	w.funcs = map[funcKey]uint32{}
	w.holds = map[uint64]int64{}
	w.up = true
	c.alive = append(c.alive, w)
	for slot, other := range c.workers {
		if other == nil {
			w.slot = slot
			c.workers[slot] = w
			return
		}
	}
	w.slot = len(c.workers)
	c.workers = append(c.workers, w)
}

// live returns the workers in service, without allocating: it is called for every task.
// Callers must not modify it.
func (c *Coordinator) live() []*Worker { return c.alive }

// retire takes a worker out of the live list. The list is copied, so that loops over the old
// one are not disturbed.
func (c *Coordinator) retire(w *Worker) {
	c.alive = slices.DeleteFunc(slices.Clone(c.alive), func(other *Worker) bool { return other == w })
}

func (c *Coordinator) running(js *Job) bool {
	for _, other := range c.jobs {
		if other == js {
			return true
		}
	}
	return false
}

func (c *Coordinator) jobByID(id uint32) *Job {
	for _, js := range c.jobs {
		if js.id == id {
			return js
		}
	}
	return nil
}

func (c *Coordinator) lookup(key uint64) (*Job, int32, bool) {
	for _, js := range c.jobs {
		if i, ok := js.index(key); ok {
			return js, i, true
		}
	}
	return nil, 0, false
}
