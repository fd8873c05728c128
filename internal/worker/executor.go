package worker

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/store"
)

// Sink receives the results an Executor produces; a transport writes them to its connection.
type Sink interface {
	SendResults(r *Results, attachments [][]byte) error
}

// Executor runs a worker's tasks one at a time, in the order they arrive, and keeps values by
// key. Apply, Fetch and Cancel may be called from any goroutine (typically the connection's
// reader) while Run runs the tasks.
type Executor struct {
	sink Sink
	log  *zap.Logger

	name string // host and pid, named in the errors this executor reports
	// stuck is set when a task ran past its timeout without returning (see guardedCall).
	stuck atomic.Bool

	mu        sync.Mutex
	wake      sync.Cond
	values    map[uint64]any
	bad       map[uint64]error // values that arrived but could not be decoded, and why
	funcs     map[uint32]*graph.Function
	funcErrs  map[uint32]error
	queue     []item
	head      int
	jobs      map[uint32]*jobContext
	cancelled map[uint32]bool
	closed    bool
	mem       *memState // nil without a memory budget (see ManageMemory)
	// handingBack: the worker retires and runs no task it has not started (handback.go).
	handingBack bool

	capture *OutputCapture  // nil unless tasks' output is relayed (output.go)
	quiet   map[uint32]bool // jobs whose tasks' output is not relayed
}

// item is a task to run, or keys to release once the tasks before them have run.
type item struct {
	task    Task
	release []uint64
	finish  []uint32
}

type jobContext struct {
	ctx     context.Context
	cancel  context.CancelFunc
	cleanup []func() // run when the job is over, e.g. unmapping its inputs
	// The job's result store, when this worker shares its client's directory.
	store        *store.Store
	storeChecked bool
}

// ErrUnknownFunction is matched by the error of a task whose function this worker does not know.
var ErrUnknownFunction = errors.New("function not registered in this worker")

// NewExecutor returns an executor reporting to sink.
func NewExecutor(sink Sink, log *zap.Logger) *Executor {
	if log == nil {
		log = zap.NewNop()
	}
	x := &Executor{
		sink:      sink,
		log:       log,
		name:      processName(),
		values:    make(map[uint64]any),
		bad:       make(map[uint64]error),
		funcs:     make(map[uint32]*graph.Function),
		funcErrs:  make(map[uint32]error),
		jobs:      make(map[uint32]*jobContext),
		cancelled: make(map[uint32]bool),
	}
	x.wake.L = &x.mu
	return x
}

// Apply carries out a batch: function definitions and values at once, tasks and releases in
// turn. attachments are the frame's attachments, consumed by the puts in order. A function or
// value this process cannot rebuild (an unknown name, a type not registered here, bytes that do
// not decode) does not stop the executor: the tasks that need it fail with the reason. Apply
// returns an error only when the batch itself is inconsistent (its puts announce more
// attachments than the frame has), and then has applied nothing of it. Each of b.Tasks is
// copied: the caller may reuse that array (not the slices inside its tasks) once Apply returns.
func (x *Executor) Apply(b *Batch, attachments [][]byte) error {
	n := 0
	for _, p := range b.Puts {
		if p.Attachments < 0 || p.Attachments > len(attachments)-n {
			return fmt.Errorf("%w: value %d announces %d attachments, %d left", wire.ErrMalformedValue, p.Key, p.Attachments, len(attachments)-n)
		}
		n += p.Attachments
	}
	for _, def := range b.Functions {
		fn, err := resolveFunction(def)
		x.mu.Lock()
		if err != nil {
			x.funcErrs[def.ID] = err
		} else {
			x.funcs[def.ID] = fn
		}
		x.mu.Unlock()
	}
	x.applyPuts(b.Puts, attachments)
	x.mu.Lock()
	if x.handingBack && len(b.Tasks) > 0 {
		// Retiring: the batch's tasks go back to the parent unstarted.
		dropped := make([]TaskRef, len(b.Tasks))
		for k, t := range b.Tasks {
			dropped[k] = TaskRef{Job: t.Job, Key: t.Key}
		}
		b.Tasks = nil
		x.mu.Unlock()
		if err := x.sendDropped(dropped); err != nil {
			x.log.Warn("handing back tasks", zap.Error(err)) // the connection is failing: its end tells
		}
		x.mu.Lock()
	}
	defer x.mu.Unlock()
	if b.Store != nil && len(b.Tasks) > 0 {
		x.useStore(x.jobContext(b.Job), b.Store)
	}
	if len(b.Puts) > 0 {
		x.spill(false)
	}
	if b.NoRelay {
		if x.quiet == nil {
			x.quiet = map[uint32]bool{}
		}
		x.quiet[b.Job] = true
	}
	x.makeRoom(len(b.Tasks) + 2)
	for _, t := range b.Tasks {
		x.queue = append(x.queue, item{task: t})
	}
	if len(b.Release) > 0 {
		x.queue = append(x.queue, item{release: b.Release})
	}
	if len(b.Finished) > 0 {
		x.queue = append(x.queue, item{finish: b.Finished})
	}
	x.wake.Signal()
	return nil
}

func resolveFunction(def FunctionDef) (fn *graph.Function, err error) {
	defer func() {
		if r := recover(); r != nil {
			fn, err = nil, fmt.Errorf("%w: %s: %v", ErrUnknownFunction, def.Name, r)
		}
	}()
	if def.Name == graph.SliceFunctionName {
		elem, ok := wire.TypeByName(def.Elem)
		if !ok {
			return nil, fmt.Errorf("%w: element type %s of %s is not registered", ErrUnknownFunction, def.Elem, def.Name)
		}
		return graph.SliceFunction(elem, nil), nil
	}
	fn, ok := graph.Lookup(def.Name)
	if !ok {
		return nil, fmt.Errorf("%w: %s (is it wrapped in a package-level variable?)", ErrUnknownFunction, def.Name)
	}
	return fn, nil
}

// putRun is how many values applyPuts decodes before it keeps them, under one lock.
const putRun = 256

// applyPuts decodes values and keeps them: decoded outside the lock, kept a run at a time (a
// gathering task's batch brings a value per task gathered), each type name resolved once per
// run of values of that type.
func (x *Executor) applyPuts(puts []Put, attachments [][]byte) {
	var (
		vals     [putRun]any
		errs     [putRun]error
		types    [putRun]reflect.Type
		typeName string
		typ      reflect.Type
		known    bool
		resolved bool
	)
	for len(puts) > 0 {
		run := puts[:min(len(puts), putRun)]
		puts = puts[len(run):]
		first := attachments
		for k, p := range run {
			if !resolved || p.Type != typeName {
				typeName, resolved = p.Type, true
				typ, known = wire.TypeByName(p.Type)
			}
			types[k] = typ
			if !known {
				vals[k], errs[k] = nil, &wire.UnregisteredTypeError{Type: p.Type}
			} else {
				vals[k], errs[k] = wire.Decode(wire.Value{Body: p.Body, Attachments: attachments[:p.Attachments]}, typ)
			}
			attachments = attachments[p.Attachments:]
		}
		x.mu.Lock()
		for k, p := range run {
			mine := first[:p.Attachments]
			first = first[p.Attachments:]
			if err := errs[k]; err != nil {
				x.log.Debug("value not decoded", zap.Uint64("key", p.Key), zap.Error(err))
				delete(x.values, p.Key)
				x.forgetHeld(p.Key)
				x.bad[p.Key] = fmt.Errorf("decoding its input %d: %w", p.Key, err)
				continue
			}
			if len(x.bad) > 0 {
				delete(x.bad, p.Key)
			}
			x.values[p.Key] = vals[k]
			if x.mem != nil {
				x.noteHeld(p.Key, types[k], int64(wire.Value{Body: p.Body, Attachments: mine}.Size()))
			}
		}
		x.mu.Unlock()
		clear(vals[:])
		clear(errs[:])
		clear(types[:])
	}
}

// AtJobEnd runs f once job is over (or the executor is closed): a transport uses it to unmap the
// memory its large inputs arrived in, which their values (and values derived from them) use.
func (x *Executor) AtJobEnd(job uint32, f func()) {
	x.mu.Lock()
	defer x.mu.Unlock()
	jc := x.jobContext(job)
	jc.cleanup = append(jc.cleanup, f)
}

func (x *Executor) jobContext(job uint32) *jobContext {
	jc := x.jobs[job]
	if jc == nil {
		ctx, cancel := context.WithCancel(context.Background())
		jc = &jobContext{ctx: ctx, cancel: cancel}
		x.jobs[job] = jc
	}
	return jc
}

// Cancel cancels job's running task (through its context) and skips its queued ones.
func (x *Executor) Cancel(job uint32) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.cancelled[job] = true
	if jc := x.jobs[job]; jc != nil {
		jc.cancel()
	}
}

// Fetch encodes kept values for the parent. A key not held comes back with an empty Type.
func (x *Executor) Fetch(f *Fetch) (*Values, [][]byte) {
	out := &Values{Puts: make([]Put, len(f.Keys))}
	var attachments [][]byte
	for i, k := range f.Keys {
		out.Puts[i].Key = k
		if i >= len(f.Types) {
			continue
		}
		x.mu.Lock()
		if put, atts, ok := x.spilledPut(k, f.Types[i]); ok {
			// Spilled: sent from disk as it was written, not decoded.
			x.mu.Unlock()
			out.Puts[i] = put
			attachments = append(attachments, atts...)
			continue
		}
		v, ok, err := x.value(k)
		x.mu.Unlock()
		if err != nil {
			x.log.Warn("fetch of a spilled value", zap.Uint64("key", k), zap.Error(err))
		}
		if !ok || err != nil {
			continue
		}
		t, ok := wire.TypeByName(f.Types[i])
		if !ok {
			continue
		}
		enc, err := wire.Encode(v, t)
		if err != nil {
			continue
		}
		out.Puts[i] = Put{Key: k, Type: f.Types[i], Body: enc.Body, Attachments: len(enc.Attachments)}
		attachments = append(attachments, enc.Attachments...)
	}
	return out, attachments
}

// Held reports how many values the executor keeps, in memory or spilled to disk.
func (x *Executor) Held() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.mem != nil {
		return len(x.values) + len(x.mem.onDisk)
	}
	return len(x.values)
}

// Close makes Run return once the running task ends; queued tasks are dropped.
func (x *Executor) Close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.closed = true
	for _, jc := range x.jobs {
		jc.cancel()
	}
	x.wake.Broadcast()
}

// Run runs tasks until Close, reporting results to the sink in batches: when no task is
// waiting, after maxBatch results, or when the oldest unsent result is older than maxDelay.
func (x *Executor) Run() error {
	var (
		out         Results
		attachments [][]byte
		oldest      time.Time
		args        []any
	)
	x.mu.Lock()
	capture := x.capture
	x.mu.Unlock()
	if capture != nil {
		// Tasks run on this thread, which watches their output (OutputCapture.end).
		defer capture.watchFromThisThread()()
	}
	if x.mem != nil {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go x.monitor(stop, &wg)
		defer func() {
			close(stop)
			wg.Wait()
			x.closeMemory()
		}()
	} else if s, ok := x.sink.(MemorySink); ok {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go reportUsage(s, x.log, stop, &wg)
		defer func() {
			close(stop)
			wg.Wait()
		}()
	}
	flush := func() error {
		if len(out.Items) == 0 {
			return nil
		}
		err := x.sink.SendResults(&out, attachments)
		out.Items, attachments = out.Items[:0], attachments[:0]
		return err
	}
	for {
		x.mu.Lock()
		for x.head == len(x.queue) && !x.closed {
			if len(out.Items) > 0 {
				x.mu.Unlock()
				if err := flush(); err != nil {
					return err
				}
				x.mu.Lock()
				continue
			}
			x.queue, x.head = x.queue[:0], 0
			x.wake.Wait()
		}
		if x.closed {
			var cleanups []func()
			for _, jc := range x.jobs {
				cleanups = append(cleanups, jc.cleanup...)
			}
			x.jobs = map[uint32]*jobContext{}
			x.mu.Unlock()
			err := flush()
			for _, f := range cleanups {
				f()
			}
			return err
		}
		if !x.mayStart(&x.queue[x.head]) {
			// Paused for memory: report what ran, then wait until CheckMemory resumes.
			if len(out.Items) > 0 {
				x.mu.Unlock()
				if err := flush(); err != nil {
					return err
				}
				continue
			}
			x.wake.Wait()
			x.mu.Unlock()
			continue
		}
		it := x.queue[x.head]
		x.queue[x.head] = item{}
		x.head++
		switch {
		case it.release != nil:
			for _, k := range it.release {
				delete(x.values, k)
				delete(x.bad, k)
				x.forgetHeld(k)
			}
			x.mu.Unlock()
			continue
		case it.finish != nil:
			var cleanups []func()
			for _, j := range it.finish {
				if jc := x.jobs[j]; jc != nil {
					jc.cancel()
					cleanups = append(cleanups, jc.cleanup...)
				}
				delete(x.jobs, j)
				delete(x.cancelled, j)
				delete(x.quiet, j)
			}
			x.mu.Unlock()
			for _, f := range cleanups {
				f()
			}
			if r := x.MemoryReport(); r != nil {
				x.sendMemory(r) // fresh figures for whoever reads them once the job is over
			}
			continue
		}
		r, atts := x.run(&it.task, &args) // unlocks mu
		if len(out.Items) == 0 {
			oldest = time.Now()
		}
		out.Items = append(out.Items, r)
		attachments = append(attachments, atts...)
		if x.stuck.Load() {
			// A task is still running past its timeout: report it failed, then stop, so that
			// the worker process ends and takes the task with it. Nothing queued after it
			// started: the coordinator runs those elsewhere, uncharged.
			out.Stopping = true
			return errors.Join(fmt.Errorf("worker %s: %w", x.name, ErrStuckTask), flush())
		}
		// The parent sends more work as results come back: report once as many results wait
		// as tasks remain queued, so the next batch arrives before this one runs out.
		x.mu.Lock()
		left := len(x.queue) - x.head
		if x.mem != nil {
			x.unpin()
			x.spill(false)
		}
		x.mu.Unlock()
		if len(out.Items) >= left || len(out.Items) >= maxBatch || time.Since(oldest) > maxDelay || r.Err != nil {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

const (
	maxBatch = 512
	maxDelay = time.Millisecond
)

// run runs one task; it is called with mu held and returns with it released.
func (x *Executor) run(t *Task, args *[]any) (Result, [][]byte) {
	res := Result{Key: t.Key, Job: t.Job}
	if x.cancelled[t.Job] {
		x.mu.Unlock()
		return x.failed(res, context.Canceled), nil
	}
	fn := x.funcs[t.Fn]
	if fn == nil {
		err := x.funcErrs[t.Fn]
		x.mu.Unlock()
		if err == nil {
			err = fmt.Errorf("%w: function %d was never defined", ErrUnknownFunction, t.Fn)
		}
		return x.failed(res, err), nil
	}
	jc := x.jobContext(t.Job)
	var st *store.Store
	if t.StoreKey != "" {
		st = jc.store
	}
	relay := x.capture != nil && !x.quiet[t.Job]
	a := (*args)[:0]
	var missing error
	for _, arg := range t.Args {
		if arg.Key == 0 {
			a = append(a, nil) // decoded below, outside the lock
			continue
		}
		v, ok, err := x.value(arg.Key)
		if err != nil {
			missing = err
			break
		}
		if !ok {
			if missing = x.bad[arg.Key]; missing == nil {
				missing = fmt.Errorf("input %d is not held by this worker", arg.Key)
			}
			break
		}
		a = append(a, v)
	}
	if x.mem != nil {
		x.pin(fn, t)
	}
	x.mu.Unlock()
	*args = a
	if missing != nil {
		clear(a)
		return x.failed(res, missing), nil
	}
	if x.capture == nil {
		r, atts := x.call(jc.ctx, fn, t, a, res, st)
		clear(a)
		return r, atts
	}
	x.capture.begin(relay)
	r, atts := x.call(jc.ctx, fn, t, a, res, st)
	r.Output = x.capture.end()
	clear(a)
	return r, atts
}

// CaptureOutput makes each task's result carry what the task wrote to standard output and error,
// as c captures it (see [OutputCapture]), except for the tasks of batches marked NoRelay. Call it
// before Run.
func (x *Executor) CaptureOutput(c *OutputCapture) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.capture = c
}

// call decodes a task's inline arguments, calls its function and encodes its result, keeping it
// in st when st is set. Whatever goes wrong, a panic included, becomes the task's failure: a
// worker never dies of a task.
func (x *Executor) call(ctx context.Context, fn *graph.Function, t *Task, a []any, res Result, st *store.Store) (r Result, atts [][]byte) {
	defer func() {
		if p := recover(); p != nil {
			r, atts = x.failed(res, &graph.PanicError{Value: p, Stack: debug.Stack()}), nil
		}
	}()
	for i, arg := range t.Args {
		if arg.Key != 0 {
			continue
		}
		v, err := wire.Decode(wire.Value{Body: arg.Body}, fn.ParamType(i))
		if err != nil {
			return x.failed(res, fmt.Errorf("argument %d: %w", i+1, err)), nil
		}
		a[i] = v
	}

	if len(t.Stream) == 32 {
		ctx = graph.WithStreamKey(ctx, [32]byte(t.Stream))
	}
	start := time.Now()
	var guarded graph.CallFunc
	if fn.Policy().Timeout > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithCancel(ctx)
		defer stop()
		guarded = x.guardedCall(fn, stop)
	}
	var (
		v        any
		attempts int
		more     bool
		err      error
	)
	if t.Placed {
		attempts = int(t.Tried) + 1
		v, more, err = graph.CallAttempt(ctx, fn, a, t.Retries, attempts, guarded)
	} else {
		v, attempts, err = graph.CallWithPolicy(ctx, fn, a, t.Retries, guarded)
	}
	res.Start, res.Elapsed = start.UnixNano(), int64(time.Since(start))
	if err != nil {
		r := x.failed(res, err)
		r.Err.Attempts = attempts
		r.Retry = more && !x.stuck.Load()
		return r, nil
	}
	rt := resultType(fn)
	if t.Send == SendNever && st == nil && x.mem == nil {
		// Kept here, sent later if ever: check now that it could be.
		if err := wire.CheckValue(v, rt); err != nil {
			return x.unsendable(res, v, err), nil
		}
		x.keep(t.Key, v, rt, 0)
		return res, nil
	}
	// Encoded once, to send it, to keep it in the store (the client need not write it) or to
	// know its size against the memory budget (large slices are not copied).
	enc, err := wire.Encode(v, rt)
	if err != nil {
		return x.unsendable(res, v, err), nil
	}
	res.Size = int64(enc.Size())
	if st != nil {
		res.Stored = x.keepInStore(st, t.StoreKey, enc)
	}
	send := t.Send == SendAlways || (t.Send == SendIfSmall || t.Send == SendInstead) && res.Size <= SmallResult
	if !send || t.Send != SendInstead {
		x.keep(t.Key, v, rt, res.Size)
	}
	if send {
		res.Sent, res.Body, res.Attachments = true, enc.Body, len(enc.Attachments)
		return res, enc.Attachments
	}
	return res, nil
}

// unsendable fails a task whose result cannot travel to another process.
func (x *Executor) unsendable(res Result, v any, err error) Result {
	return x.failed(res, fmt.Errorf("its result of type %T cannot be sent to another process: %w", v, err))
}

func (x *Executor) keep(key uint64, v any, t reflect.Type, size int64) {
	x.mu.Lock()
	x.values[key] = v
	if len(x.bad) > 0 {
		delete(x.bad, key)
	}
	x.noteHeld(key, t, size)
	x.mu.Unlock()
}

// failed returns res reporting err, named with this worker.
func (x *Executor) failed(res Result, err error) Result {
	rec := EncodeTaskError(err)
	rec.Worker = x.name
	res.Err = &rec
	return res
}

// SmallResult is the largest encoded result that SendIfSmall sends.
const SmallResult = 64 << 10

func resultType(fn *graph.Function) reflect.Type {
	if fn.Result() != nil {
		return fn.Result()
	}
	return reflect.TypeFor[any]()
}
