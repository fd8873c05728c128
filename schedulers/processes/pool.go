package processes

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/buildid"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// pool is a set of worker processes and the dispatcher goroutine that owns all scheduling state:
// the jobs, and what each worker holds and runs. Everything else talks to the dispatcher through
// events, so its state needs no locks.
type pool struct {
	size    int
	exe     string
	buildID string
	log     *zap.Logger

	events  chan event
	closing chan struct{} // closed when Close begins
	stopped chan struct{} // closed when the dispatcher has exited
	spawner *spawner
	procs   sync.WaitGroup // goroutines serving worker processes

	nextJob atomic.Uint32
	nextKey atomic.Uint64

	// The dispatcher's own.
	workers    []*proc // by slot; nil before start and after death
	started    int
	jobs       []*job
	startFails int
	lastStart  error // why the last worker failed to start, while it keeps failing
	closed     bool
}

type event interface{}

type (
	evJob  struct{ js *job }
	evUp   struct{ p *proc }
	evDown struct {
		p   *proc
		err error
	}
	evResults struct {
		p           *proc
		results     worker.Results
		attachments [][]byte
	}
	evValues struct {
		p           *proc
		values      worker.Values
		attachments [][]byte
	}
	evCancel struct{ js *job }
	evGrace  struct{ js *job }
	evClose  struct{}
)

// maxStartFailures is how many workers may fail to start in a row before jobs fail.
const maxStartFailures = 3

func newPool(size int, exe string, log *zap.Logger) (*pool, error) {
	// Workers must be this very program: same functions under the same names.
	id, err := buildid.Self()
	if err != nil {
		return nil, err
	}
	worker.RegisterFunctionTypes()
	p := &pool{
		size: size, exe: exe, buildID: id, log: log,
		events:  make(chan event, 256),
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
		spawner: startSpawner(),
		workers: make([]*proc, size),
	}
	go p.dispatch()
	return p, nil
}

// send delivers an event to the dispatcher unless the pool is closing.
func (p *pool) send(e event) bool {
	select {
	case p.events <- e:
		return true
	case <-p.stopped:
		return false
	}
}

// run computes one job on the pool.
func (p *pool) run(ctx context.Context, j *schedulers.Job) error {
	n := uint64(j.Plan.Len())
	js, err := newJob(ctx, p.nextJob.Add(1), p.nextKey.Add(n)-n, j, p.size)
	if err != nil {
		return err
	}
	if js.remaining == 0 {
		return nil
	}
	if !p.send(evJob{js}) {
		return errPoolClosed
	}
	stop := context.AfterFunc(ctx, func() { p.send(evCancel{js}) })
	defer stop()
	select {
	case err := <-js.done:
		return err
	case <-p.stopped:
		return errPoolClosed
	}
}

var errPoolClosed = fmt.Errorf("processes: the worker pool was closed")

// close stops the dispatcher and every worker process, and waits for them.
func (p *pool) close() {
	select {
	case <-p.closing:
	default:
		close(p.closing)
		p.send(evClose{})
	}
	<-p.stopped
	p.procs.Wait()
	p.spawner.stop()
}

func (p *pool) dispatch() {
	defer close(p.stopped)
	for e := range p.events {
		switch e := e.(type) {
		case evJob:
			p.onJob(e.js)
		case evUp:
			p.onUp(e.p)
		case evDown:
			p.onDown(e.p, e.err)
		case evResults:
			p.onResults(e.p, &e.results, e.attachments)
		case evValues:
			p.onValues(e.p, &e.values, e.attachments)
		case evCancel:
			p.onCancel(e.js)
		case evGrace:
			p.onGrace(e.js)
		case evClose:
			p.shutdown()
			return
		}
		p.schedule()
		p.flush()
	}
}

// shutdown ends every job and worker.
func (p *pool) shutdown() {
	p.closed = true
	for _, js := range p.jobs {
		js.fail(errPoolClosed)
		js.done <- js.failure
	}
	p.jobs = nil
	for _, w := range p.workers {
		if w != nil {
			w.out.close()
			w.conn.Close()
			w.cmd.Process.Kill()
		}
	}
	// Readers report workers going down; nobody listens any more.
	go func() {
		for range p.events {
		}
	}()
	p.procs.Wait()
	close(p.events)
}

// ensureWorkers starts workers for empty slots.
func (p *pool) ensureWorkers() {
	if p.closed {
		return
	}
	for slot, w := range p.workers {
		if w == nil {
			p.startWorker(slot)
		}
	}
}

func (p *pool) startWorker(slot int) {
	reply := p.spawner.spawn(p.exe)
	if reply.err != nil {
		p.startFailed(reply.err)
		return
	}
	w := &proc{
		slot: slot, number: p.started, conn: reply.conn, cmd: reply.cmd, stderr: reply.stderr,
		exited: make(chan struct{}), out: newOutbox(),
		funcs: map[funcKey]uint32{}, holds: map[uint64]bool{},
	}
	p.started++
	p.workers[slot] = w
	p.procs.Add(3)
	go func() {
		defer p.procs.Done()
		w.exit = w.cmd.Wait()
		close(w.exited)
	}()
	go func() {
		defer p.procs.Done()
		p.read(w)
	}()
	go func() {
		defer p.procs.Done()
		if err := w.out.drain(w.conn); err != nil {
			w.conn.Close() // the reader sees it and reports the worker down
		}
	}()
}

// startFailed fails the jobs when workers keep failing to start.
func (p *pool) startFailed(err error) {
	p.startFails++
	p.lastStart = err
	p.log.Warn("worker did not start", zap.Error(err))
	if p.startupError() == nil {
		return
	}
	for _, js := range append([]*job(nil), p.jobs...) {
		p.stopJob(js, err)
	}
}

// startupError is why workers cannot start, once that is clear: a mistake retrying cannot fix,
// or too many failures in a row. Jobs fail with it at once rather than wait.
func (p *pool) startupError() error {
	if p.lastStart != nil && (isStartupMistake(p.lastStart) || p.startFails >= maxStartFailures) {
		return p.lastStart
	}
	return nil
}

// read handles the handshake and then every frame from worker w, until its connection ends.
func (p *pool) read(w *proc) {
	if _, err := handshake(w, p.buildID); err != nil {
		p.send(evDown{w, err})
		return
	}
	p.send(evUp{w})
	for {
		f, err := w.conn.readFrame()
		if err != nil {
			p.send(evDown{w, p.crashReason(w, err)})
			return
		}
		switch f.Kind {
		case worker.KindResults:
			e := evResults{p: w, attachments: f.Attachments}
			if err := decodeMessage(f.Body, &e.results); err != nil {
				p.send(evDown{w, err})
				return
			}
			p.send(e)
		case worker.KindValues:
			e := evValues{p: w, attachments: f.Attachments}
			if err := decodeMessage(f.Body, &e.values); err != nil {
				p.send(evDown{w, err})
				return
			}
			p.send(e)
		default:
			p.send(evDown{w, fmt.Errorf("worker sent unexpected frame kind %d", f.Kind)})
			return
		}
	}
}

// crashReason describes how a worker's connection ended, waiting briefly for its exit status.
func (p *pool) crashReason(w *proc, err error) error {
	select {
	case <-w.exited:
		if w.exit != nil {
			return fmt.Errorf("worker process %d died: %w", w.cmd.Process.Pid, w.exit)
		}
		return fmt.Errorf("worker process %d exited", w.cmd.Process.Pid)
	case <-time.After(time.Second):
		return fmt.Errorf("worker process %d: connection lost: %w", w.cmd.Process.Pid, err)
	}
}

func (p *pool) onUp(w *proc) {
	if w.dead {
		return
	}
	w.up = true
	p.startFails, p.lastStart = 0, nil
}
