package cluster

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/wire"
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
	// WorkersNeeded is called when a worker left while computations wait, or a computation
	// arrives while no worker is in service, so that the scheduler can start another. It runs on
	// a goroutine of its own (never the coordinator's), one call at a time.
	WorkersNeeded func()
	// NoWorkerTimeout fails a computation that has had no worker able to run it for this long
	// (default: $LAZYGRAPH_NO_WORKER_TIMEOUT, else 60s). The error matches ErrNoWorker.
	NoWorkerTimeout time.Duration
	// RetireTimeout stops a retiring worker whose retirement (its running task, its hand-over)
	// takes longer; its task runs elsewhere uncharged (retiretimeout.go). Zero: no limit,
	// unless the retirement asks for one (RetireWithin).
	RetireTimeout time.Duration
}

// NoWorkerTimeoutEnv names the environment variable giving the default of
// Options.NoWorkerTimeout, as a Go duration ("90s") or a number of seconds.
const NoWorkerTimeoutEnv = "LAZYGRAPH_NO_WORKER_TIMEOUT"

// DefaultNoWorkerTimeout is Options.NoWorkerTimeout when neither it nor the environment says.
const DefaultNoWorkerTimeout = 60 * time.Second

// ErrNoWorker is matched by the error of a computation that no worker could run for
// Options.NoWorkerTimeout.
var ErrNoWorker = errors.New("no worker able to run the computation")

// Coordinator schedules computations on workers. All its state belongs to one goroutine; the
// methods below hand it events and return at once.
type Coordinator struct {
	opts    Options
	log     *zap.Logger
	events  chan event // the inbox (inbox.go)
	closing chan struct{}
	stopped chan struct{}
	nextJob atomic.Uint32
	nextKey atomic.Uint64
	super   supervisor
	status  statusCache
	gate    resultGate

	// The loop's own.
	workers     []*Worker // by id, ids never reused; nil or dead once gone
	alive       []*Worker // the workers in service, in the order they joined
	groups      map[string]int
	jobs        []*Job // oldest first
	byID        map[uint32]*Job
	store       map[uint64]*Encoded // values kept beyond computations (futures, scattered data)
	storeHeld   map[uint64][]int32  // workers holding each stored value
	closed      bool
	recent      recentTasks
	dirty       []*Worker             // workers whose queue shrank or who joined: fill them
	hungry      map[string]*workerSet // workers that found nothing to do, by group
	out         []instr               // instructions of the event being handled
	cur         *batch                // the batch being filled, nil when none
	curSize     int                   // the tasks it will likely carry
	pending     []*Worker             // workers with releases or endings to tell
	prefer      []int64               // scratch for preferred, by worker id
	touched     []int32
	leaving     []*Worker // workers retiring (retire.go)
	retireStats RetireStats
	tele        telemetry

	// Priorities and resources (priority.go, resources.go).
	sorted     []*Job // jobs by priority, nil when it must be sorted again
	groupEnds  []int  // ends of the runs of equal priority in sorted
	servingBuf []*Job
	turn       uint64
	res        *resIndex // nil until a worker or a computation has resources

	memory memoryRecords // workers' last memory reports (memory.go)

	check func(*Coordinator) // tests: called after every event
	// Benchmarks: the clock of the loop's thread (CPU time; the loop then keeps its OS thread),
	// read around each event to add its cost to busy.
	stepClock   func() int64
	busy        atomic.Int64
	locals      sync.WaitGroup // owners running local tasks
	graceTimers sync.WaitGroup // cancellation grace periods
}

// ErrClosed is matched by the error of computations the coordinator stopped when it was closed.
var ErrClosed = errors.New("scheduler closed")

// New starts a coordinator.
func New(opts Options) *Coordinator {
	c := newCoordinator(opts)
	c.super.start(c)
	go c.loop()
	return c
}

// newCoordinator returns a coordinator with no goroutine yet: tests drive it event by event.
func newCoordinator(opts Options) *Coordinator {
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.Retries <= 0 {
		opts.Retries = 3
	}
	if opts.CancelGrace <= 0 {
		opts.CancelGrace = 250 * time.Millisecond
	}
	if opts.NoWorkerTimeout <= 0 {
		opts.NoWorkerTimeout = noWorkerTimeoutFromEnv(opts.Log)
	}
	c := &Coordinator{
		opts:      opts,
		log:       opts.Log,
		events:    make(chan event, 1024),
		closing:   make(chan struct{}),
		stopped:   make(chan struct{}),
		groups:    map[string]int{},
		byID:      map[uint32]*Job{},
		store:     map[uint64]*Encoded{},
		storeHeld: map[uint64][]int32{},
		hungry:    map[string]*workerSet{},
	}
	return c
}

func noWorkerTimeoutFromEnv(log *zap.Logger) time.Duration {
	s := os.Getenv(NoWorkerTimeoutEnv)
	if s == "" {
		return DefaultNoWorkerTimeout
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		var secs float64
		if _, serr := fmt.Sscan(s, &secs); serr == nil {
			d, err = time.Duration(secs*float64(time.Second)), nil
		}
	}
	if err != nil || d <= 0 {
		log.Warn("ignoring an invalid "+NoWorkerTimeoutEnv, zap.String("value", s))
		return DefaultNoWorkerTimeout
	}
	return d
}

func (c *Coordinator) loop() {
	defer close(c.stopped)
	if c.stepClock != nil {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	for {
		select {
		case ev := <-c.events:
			c.step(ev)
		case <-c.closing:
			c.shutdown()
			// Events sent before the coordinator stopped still run: with c.closed set they only
			// release and refuse.
			for {
				select {
				case ev := <-c.events:
					c.step(ev)
				default:
					return
				}
			}
		}
	}
}

// ErrInternal is matched by the error of computations stopped because the coordinator found its
// own bookkeeping broken (a bug, reported rather than crashing the process).
var ErrInternal = errors.New("internal error in the coordinator")

// step handles one event: handle changes the state, then ready tasks are handed out and pending
// releases told, and the instructions all that queued are executed. A panic (a broken
// invariant) fails every computation instead of the process.
func (c *Coordinator) step(ev event) {
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("coordinator bug", zap.Stringer("event", ev), zap.Any("panic", r), zap.Stack("stack"))
			c.broken(fmt.Errorf("%w: %v", ErrInternal, r))
			c.execute()
		}
	}()
	var start int64
	if c.stepClock != nil {
		start = c.stepClock()
	}
	if ce := c.log.Check(zap.DebugLevel, "event"); ce != nil {
		ce.Write(zap.Stringer("event", ev))
	}
	c.handle(ev)
	if len(c.leaving) > 0 {
		c.progressRetirements()
	}
	c.schedule()
	c.flush()
	if c.check != nil {
		c.check(c)
	}
	c.execute()
	if c.stepClock != nil {
		c.busy.Add(c.stepClock() - start)
	}
}

// broken stops every computation after a bug, as best it can.
func (c *Coordinator) broken(err error) {
	defer func() { _ = recover() }()
	c.cur = nil
	for _, js := range slices.Clone(c.jobs) {
		if !js.over {
			js.over = true
			c.tellFinished(js, err)
		}
	}
	c.jobs = nil
	c.jobsChanged()
	clear(c.byID)
}

// do hands ev to the coordinator's goroutine; false if the coordinator has stopped.
func (c *Coordinator) do(ev event) bool {
	select {
	case <-c.stopped:
		return false
	default:
	}
	select {
	case c.events <- ev:
		return true
	case <-c.stopped:
		return false
	}
}

// Submit starts a computation. Its owner hears the outcome through Finished. Its data are
// encoded (Owner.Data) here, on the caller's goroutine.
func (c *Coordinator) Submit(js *Job) {
	n := uint64(js.Graph.Len())
	js.init(c.nextJob.Add(1), c.nextKey.Add(n)-n)
	if js.remaining() == 0 {
		js.Owner.Finished(nil)
		return
	}
	if err := js.encodeData(); err != nil {
		js.Owner.Finished(err)
		return
	}
	if !c.do(evSubmitted{js}) {
		js.releaseData()
		js.Owner.Finished(ErrClosed)
	}
}

// encodeData asks the owner for every data node some task uses.
func (js *Job) encodeData() error {
	g := js.Graph
	sd, _ := js.Owner.(SmallDataOwner)
	for a := range int32(g.Len()) {
		if !g.IsData(a) || js.external(a) || len(g.Users(a)) == 0 {
			continue
		}
		if sd != nil {
			body, typ, ok, err := sd.SmallData(a, smallLimit)
			if err != nil {
				js.releaseData()
				return &TaskFailure{Task: g.Users(a)[0], Err: fmt.Errorf("argument %d cannot be sent to a worker: %w", a, err)}
			}
			if ok {
				js.size.set(a, int64(len(body)))
				if !js.holdSmall(a, body, typ) {
					js.setEnc(a, NewEncoded(wire.Value{Body: body}, typ))
				}
				continue
			}
		}
		e, err := js.Owner.Data(a)
		if err != nil {
			js.releaseData()
			return &TaskFailure{Task: g.Users(a)[0], Err: fmt.Errorf("argument %d cannot be sent to a worker: %w", a, err)}
		}
		js.size.set(a, int64(e.Value.Size()))
		// Small plain data are kept as bytes in shared chunks, not one Encoded each.
		if e.Files == nil && e.Cleanup == nil && js.small.fits(e.Value.Body, len(e.Value.Attachments)) &&
			js.holdSmall(a, e.Value.Body, e.Type) {
			e.Release()
			continue
		}
		js.setEnc(a, e)
	}
	return nil
}

func (js *Job) releaseData() {
	for a := range js.at {
		js.drop(int32(a))
	}
	js.small.reset()
}

// Cancel stops a computation with cause: nothing more starts, running tasks are cancelled and,
// after a grace period, their workers killed.
func (c *Coordinator) Cancel(js *Job, cause error) {
	c.do(evCancelled{js, cause})
}

// FailAll stops every computation with err (workers cannot start, say).
func (c *Coordinator) FailAll(err error) {
	c.do(evFailAll{err})
}

// AddWorker puts a worker to work.
func (c *Coordinator) AddWorker(w *Worker) {
	c.do(evWorkerJoined{w})
}

// WorkerDown takes a worker out: its tasks run elsewhere and the values only it held are
// computed again. crashed says it died unexpectedly (counting against the task it ran).
func (c *Coordinator) WorkerDown(w *Worker, cause error, crashed bool) {
	c.do(evWorkerLost{w, cause, crashed})
}

// Kill ends a worker on purpose: the coordinator stops using it and its link kills it.
func (c *Coordinator) Kill(w *Worker) {
	c.do(evWorkerKilled{w})
}

// Results hands over a worker's results. It waits while the coordinator has many results to
// handle already (resultgate.go). The coordinator takes r and reuses it once handled: the
// caller keeps nothing of it (NewResults returns one to decode into).
func (c *Coordinator) Results(w *Worker, r *worker.Results, attachments [][]byte) {
	c.results(w, r, attachments)
}

// Values hands over values a worker sent when asked.
func (c *Coordinator) Values(w *Worker, v *worker.Values, attachments [][]byte) {
	c.do(evValues{w, v, attachments})
}

// LocalDone reports a task its owner ran after RunLocal returned done=false.
func (c *Coordinator) LocalDone(js *Job, i int32, v *Encoded, err error) {
	c.do(evLocalDone{js, i, v, err})
}

// Close stops every computation (with ErrClosed) and the coordinator. It does not close links.
func (c *Coordinator) Close() {
	select {
	case <-c.closing:
	default:
		close(c.closing)
	}
	<-c.stopped
	c.super.stop()
	c.locals.Wait()
	c.graceTimers.Wait()
}

// Store keeps a value (taking the caller's reference) until Forget, so that computations can
// use it as a data node (Job.External) without sending it again. With broadcast it is sent to
// every worker now. It returns the key the value is kept under.
func (c *Coordinator) Store(e *Encoded, broadcast bool) uint64 {
	key := c.nextKey.Add(1)
	if !c.do(evStored{key, e, broadcast}) {
		e.Release()
	}
	return key
}

// Forget stops keeping values.
func (c *Coordinator) Forget(keys []uint64) {
	c.do(evForgotten{keys})
}

func (c *Coordinator) onForget(keys []uint64) {
	for _, key := range keys {
		e := c.store[key]
		if e == nil {
			continue
		}
		delete(c.store, key)
		for _, id := range c.storeHeld[key] {
			w := c.workers[id]
			c.noteRelease(w, key)
			w.heldKeys--
			w.heldBytes -= int64(e.Value.Size())
		}
		delete(c.storeHeld, key)
		e.Release()
	}
}

func (c *Coordinator) onStore(key uint64, e *Encoded, broadcast bool) {
	if c.closed {
		e.Release()
		return
	}
	c.store[key] = e
	if !broadcast {
		return
	}
	for _, w := range c.alive {
		e.Retain()
		msg := &worker.Batch{Puts: []worker.Put{{Key: key, Type: e.Type, Body: e.Value.Body, Attachments: len(e.Value.Attachments)}}}
		c.send(w, worker.KindBatch, msg, nil, e.Value.Attachments, e.Files, []*Encoded{e})
		c.storeHeld[key] = append(c.storeHeld[key], w.id)
		w.heldKeys++
		w.heldBytes += int64(e.Value.Size())
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
	c.publishStatus()
	c.execute()
}

func (c *Coordinator) onWorker(w *Worker) {
	if c.closed || w.dead {
		c.kill(w)
		return
	}
	w.funcs = map[funcKey]uint32{}
	w.up = true
	w.id = int32(len(c.workers))
	w.hungryAt = -1
	c.workers = append(c.workers, w)
	c.alive = append(c.alive, w)
	c.groups[w.Group]++
	c.joinResources(w)
	c.markDirty(w)
}

// retire takes a worker out of the live list.
func (c *Coordinator) retire(w *Worker) {
	if w.out {
		return
	}
	w.out = true
	for k, other := range c.alive {
		if other == w {
			c.alive = append(c.alive[:k:k], c.alive[k+1:]...)
			break
		}
	}
	c.leaveResources(w)
	if c.groups[w.Group]--; c.groups[w.Group] <= 0 {
		delete(c.groups, w.Group)
	}
	if s := c.hungry[w.Group]; s != nil {
		s.remove(w)
	}
	w.dirty = false
}

func (c *Coordinator) running(js *Job) bool { return c.byID[js.id] == js && !js.over }

// eligible counts the live workers that may run js's tasks.
func (c *Coordinator) eligible(js *Job) int {
	if js.Group == "" {
		return len(c.alive)
	}
	return c.groups[js.Group]
}

func (c *Coordinator) lookup(key uint64) (*Job, int32, bool) {
	for _, js := range c.jobs {
		if i, ok := js.index(key); ok {
			return js, i, true
		}
	}
	return nil, 0, false
}

// supervisor runs what must not run on the coordinator's goroutine: starting workers
// (Options.WorkersNeeded), and the clock that fails computations no worker can run.
type supervisor struct {
	need chan struct{}
	quit chan struct{}
	done sync.WaitGroup
}

func (s *supervisor) start(c *Coordinator) {
	s.need = make(chan struct{}, 1)
	s.quit = make(chan struct{})
	tick := min(c.opts.NoWorkerTimeout/4, time.Second)
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-s.quit:
				return
			case <-s.need:
				if c.opts.WorkersNeeded != nil {
					c.opts.WorkersNeeded()
				}
			case now := <-t.C:
				select {
				case c.events <- evTick{now}:
				case <-c.stopped:
				case <-s.quit:
					return
				}
			}
		}
	}()
}

// wake asks for workers, without blocking: a request pending covers this one.
func (s *supervisor) wake() {
	select {
	case s.need <- struct{}{}:
	default:
	}
}

func (s *supervisor) stop() {
	if s.quit == nil {
		return
	}
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.done.Wait()
}
