package processes

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/buildid"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/cluster/planjob"
	"github.com/lazygraph/lazygraph/internal/subprocess"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// pool is a set of worker processes and the coordinator that schedules computations on them.
type pool struct {
	size    int
	exe     string
	buildID string
	log     *zap.Logger
	coord   *cluster.Coordinator
	spawner *subprocess.Spawner
	procs   sync.WaitGroup // goroutines serving worker processes

	mu         sync.Mutex
	live       map[*proc]bool // started and not yet gone
	starting   int            // being started: counted before they are live
	startFails int
	lastStart  error // why the last worker failed to start, while workers keep failing
	closed     bool

	resources graph.Resources         // the machine's, dealt out among the workers by slot
	memory    schedulers.WorkerMemory // the workers' budget, as the computation set it
	slots     []bool                  // slots taken by live or starting workers
}

// maxStartFailures is how many workers may fail to start in a row before computations fail.
const maxStartFailures = 3

// maxKilledStarts is how many workers may be killed from outside while starting, in a row, before
// computations fail (a machine killing every new process, e.g. for memory, is not retried forever).
const maxKilledStarts = 20

func newPool(size int, exe string, resources graph.Resources, memory schedulers.WorkerMemory, log *zap.Logger) (*pool, error) {
	// Workers must be this very program: the same functions under the same names.
	id, err := buildid.Self()
	if err != nil {
		return nil, err
	}
	worker.RegisterFunctionTypes()
	p := &pool{size: size, exe: exe, buildID: id, log: log, spawner: subprocess.NewSpawner(), live: map[*proc]bool{},
		resources: resources, memory: memory, slots: make([]bool, size)}
	p.coord = cluster.New(cluster.Options{Log: log, WorkersNeeded: p.ensureWorkers})
	return p, nil
}

var errPoolClosed = fmt.Errorf("processes: the worker pool was closed: %w", cluster.ErrClosed)

// run computes one job on the pool, starting its workers if needed.
func (p *pool) run(ctx context.Context, j *schedulers.Job) error {
	if err := p.startupError(); err != nil {
		return err
	}
	// Workers start first: a process takes a while to start, which preparing the computation
	// (checking and encoding its data) overlaps.
	p.ensureWorkers()
	pj, err := planjob.New(ctx, j, true)
	if err != nil {
		return err
	}
	err = pj.Run(p.coord)
	if errors.Is(err, cluster.ErrClosed) {
		return errPoolClosed
	}
	return err
}

// ensureWorkers starts processes until the pool has its size. It does not wait for them.
func (p *pool) ensureWorkers() {
	p.mu.Lock()
	if p.closed || p.startupErrorLocked() != nil {
		p.mu.Unlock()
		return
	}
	need := p.size - len(p.live) - p.starting
	p.starting += max(need, 0)
	p.mu.Unlock()
	for range need {
		p.start()
	}
}

// start starts one worker process for a slot ensureWorkers reserved.
func (p *pool) start() {
	p.mu.Lock()
	slot := p.takeSlotLocked()
	p.mu.Unlock()
	w, err := start(p.spawner, p.exe, memoryEnv(p.size, p.memory)...)
	if err != nil {
		p.mu.Lock()
		p.starting--
		p.freeSlotLocked(slot)
		p.mu.Unlock()
		p.startFailed(err)
		return
	}
	w.slot = slot
	w.oom = watchOOM(w.cmd.Process.Pid)
	p.mu.Lock()
	p.starting--
	if p.closed {
		p.freeSlotLocked(slot)
		p.mu.Unlock()
		w.Kill()
		w.cmd.Wait()
		return
	}
	p.live[w] = true
	p.mu.Unlock()
	p.procs.Add(3)
	go func() {
		defer p.procs.Done()
		w.exit = w.cmd.Wait()
		// A killed worker leaves its spill directory: it is removed once the worker is reaped.
		worker.RemoveSpillDirs(w.spillRoot, w.cmd.Process.Pid)
		close(w.exited)
	}()
	go func() {
		defer p.procs.Done()
		p.serve(w)
	}()
	go func() {
		defer p.procs.Done()
		write := func(m *cluster.Outgoing) (int64, error) {
			before := w.conn.bytesSent()
			err := w.conn.bufferFrame(m.Kind, m.Msg, m.Attachments, m.Files)
			return w.conn.bytesSent() - before, err
		}
		if err := w.out.Drain(write, w.conn.flush); err != nil {
			w.conn.Close() // the reader sees it and reports the worker gone
		}
	}()
}

// serve shakes hands with a new worker, hands it to the coordinator and relays its frames until
// its connection ends.
func (p *pool) serve(w *proc) {
	defer func() {
		w.out.Close()
		p.forget(w)
		p.ensureWorkers() // a replacement, now that w no longer counts
	}()
	if _, err := handshake(w, p.buildID); err != nil {
		w.Kill()
		p.startFailed(err)
		p.ensureWorkers()
		return
	}
	p.startSucceeded()
	w.cw = &cluster.Worker{Link: w, Name: fmt.Sprintf("pid %d", w.cmd.Process.Pid),
		Resources: graph.ShareResources(p.resources, w.slot, p.size)}
	p.coord.AddWorker(w.cw)
	for {
		f, err := w.conn.readFrame()
		if err != nil {
			p.forget(w)
			p.coord.WorkerDown(w.cw, p.crashReason(w, err), true)
			return
		}
		switch f.Kind {
		case worker.KindResults:
			res := cluster.NewResults() // the coordinator reuses it once handled
			if err := decodeMessage(f.Body, res); err != nil {
				w.Kill()
				p.forget(w)
				p.coord.WorkerDown(w.cw, err, true)
				return
			}
			p.coord.Results(w.cw, res, f.Attachments)
		case worker.KindValues:
			var vals worker.Values
			if err := decodeMessage(f.Body, &vals); err != nil {
				w.Kill()
				p.forget(w)
				p.coord.WorkerDown(w.cw, err, true)
				return
			}
			p.coord.Values(w.cw, &vals, f.Attachments)
		case worker.KindMemory:
			var rep worker.MemoryReport
			if err := decodeMessage(f.Body, &rep); err != nil {
				w.Kill()
				p.forget(w)
				p.coord.WorkerDown(w.cw, err, true)
				return
			}
			p.coord.Memory(w.cw, &rep)
		default:
			w.Kill()
			p.forget(w)
			p.coord.WorkerDown(w.cw, fmt.Errorf("worker sent unexpected frame kind %d", f.Kind), true)
			return
		}
	}
}

// forget stops counting w among the pool's live workers. It is called before the coordinator
// hears that w is gone, so that the replacement it asks for (WorkersNeeded) is not refused
// because w still counted.
func (p *pool) forget(w *proc) {
	p.mu.Lock()
	if p.live[w] {
		delete(p.live, w)
		p.freeSlotLocked(w.slot)
	}
	p.mu.Unlock()
}

// takeSlotLocked reserves the lowest free slot; p.mu is held.
func (p *pool) takeSlotLocked() int {
	for k, taken := range p.slots {
		if !taken {
			p.slots[k] = true
			return k
		}
	}
	p.slots = append(p.slots, true)
	return len(p.slots) - 1
}

// freeSlotLocked gives a slot back; p.mu is held.
func (p *pool) freeSlotLocked(k int) {
	if k >= 0 && k < len(p.slots) {
		p.slots[k] = false
	}
}

// crashReason describes how a worker's connection ended, waiting briefly for its exit status.
func (p *pool) crashReason(w *proc, err error) error {
	select {
	case <-w.exited:
		if oom := memoryDeath(fmt.Sprintf("process %d", w.cmd.Process.Pid), w.exit, w.stderr.String(), w.oom); oom != nil {
			return oom
		}
		if w.exit != nil {
			return fmt.Errorf("worker process %d died: %w", w.cmd.Process.Pid, w.exit)
		}
		return fmt.Errorf("worker process %d exited", w.cmd.Process.Pid)
	case <-time.After(time.Second):
		return fmt.Errorf("worker process %d: connection lost: %w", w.cmd.Process.Pid, err)
	}
}

// startFailed records a worker that did not start; when that keeps happening, or cannot be fixed
// by retrying, the computations fail with its reason.
func (p *pool) startFailed(err error) {
	p.mu.Lock()
	p.startFails++
	p.lastStart = err
	fatal := p.startupErrorLocked()
	p.mu.Unlock()
	p.log.Warn("worker did not start", zap.Error(err))
	if fatal != nil {
		p.coord.FailAll(fatal)
	}
}

func (p *pool) startSucceeded() {
	p.mu.Lock()
	p.startFails, p.lastStart = 0, nil
	p.mu.Unlock()
}

// startupError is why workers cannot start, once that is clear: a mistake retrying cannot fix
// (a program that does not call delayed.Init, a foreign build) or failures in a row.
func (p *pool) startupError() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.startupErrorLocked()
}

func (p *pool) startupErrorLocked() error {
	if p.lastStart != nil && (errors.Is(p.lastStart, ErrWorkerStart) || errors.Is(p.lastStart, ErrWorkerRefused) || p.startFails >= p.startLimit()) {
		return p.lastStart
	}
	return nil
}

// startLimit is how many failed starts in a row make startup fail, given the last one: more
// when workers were killed from outside while starting than when they failed by themselves.
func (p *pool) startLimit() int {
	if errors.Is(p.lastStart, errKilledStarting) {
		return maxKilledStarts
	}
	return maxStartFailures
}

// close stops the computations and every worker process, and waits for them.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	procs := make([]*proc, 0, len(p.live))
	for w := range p.live {
		procs = append(procs, w)
	}
	p.mu.Unlock()
	p.coord.Close()
	for _, w := range procs {
		w.Kill()
	}
	p.procs.Wait()
	p.spawner.Stop()
}
