package distributed

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/buildid"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// WorkerOptions configure a worker.
type WorkerOptions struct {
	Address string      // the scheduler's address
	Token   string      // the shared token
	TLS     *tls.Config // set to dial the scheduler (and serve peers) over TLS
	// Listen is where other workers fetch this worker's values: host:port, where the host
	// defaults to the address this worker reaches the scheduler from and the port to any free one.
	Listen string
	Name   string // for the scheduler's logs and status
	// Nanny says a nanny process supervises this worker and tells the scheduler how it died
	// (ReportWorkerDeath); the scheduler then waits a moment for that after losing it.
	Nanny bool
	Log   *zap.Logger // nothing is logged when nil
	// SchedulerFile, when set, is read for the address (and the token, when Token is empty)
	// before every attempt to connect: a worker that loses a scheduler which crashed keeps trying
	// for ConnectTimeout, and rejoins a scheduler restarted on the same file with the same token.
	// Without it the worker rejoins a scheduler restarted at Address, within ConnectTimeout too.
	SchedulerFile string
	// ConnectTimeout is how long the worker keeps trying (with backoff) to reach its scheduler
	// before it fails: DefaultConnectTimeout when zero.
	ConnectTimeout time.Duration
	// Resources are what this worker has for tasks needing resources (delayed.Resources): it
	// runs such a task only while the amounts are free. See graph.ParseResources for the text
	// form (gpu=1,mem=64e9) and EnvWorkerResources.
	Resources graph.Resources
	// Lifetime, when set, retires the worker after it has served this long: it stops taking
	// tasks, finishes those it was sent, hands the values only it holds over and exits (see
	// retire.go). RetireAt does the same at a time (a Slurm job's end less a margin: see
	// LifetimeFromEnvironment); the earlier of the two counts.
	Lifetime time.Duration
	RetireAt time.Time
	// Retire, when closed, retires the worker the same way (SIGTERM).
	Retire <-chan struct{}
	// MemoryLimit is the worker's memory budget in bytes (see memory.go): when zero,
	// $LAZYGRAPH_WORKER_MEMORY, else the machine's memory.
	MemoryLimit int64
	// NoSpill keeps every value in memory, whatever the budget (as $LAZYGRAPH_WORKER_SPILL=off).
	NoSpill bool
	// RelayOutput sends what tasks write to standard output and error (and log there) to the
	// client whose task it is, tagged with the task's key, unless the client's computation says
	// otherwise. It takes over the process's descriptors 1 and 2 while the worker runs (see
	// worker.OutputCapture), so leave it off when RunWorker runs inside a program that does other
	// things. The worker role (LAZYGRAPH_WORKER=distributed) and `lazygraph worker` set it unless
	// LAZYGRAPH_RELAY_OUTPUT=0.
	RelayOutput bool
}

// RunWorker serves as a worker of the scheduler at opts.Address (or in opts.SchedulerFile) until
// the scheduler tells it to stop (it returns nil) or ctx ends. A scheduler it cannot reach for
// opts.ConnectTimeout is an error matching [ErrUnreachable] and naming the address. A scheduler
// lost without a goodbye (it crashed, or [Server.Close] closed it abruptly) is tried again with
// backoff for opts.ConnectTimeout, at the same address or at the one the scheduler file names:
// the worker rejoins a scheduler restarted there with the same token.
func RunWorker(ctx context.Context, opts WorkerOptions) error {
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.Name == "" {
		opts.Name, _ = os.Hostname()
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = DefaultConnectTimeout
	}
	if err := opts.Resources.Validate(); err != nil {
		return fmt.Errorf("worker resources: %w", err)
	}
	worker.RegisterFunctionTypes()
	retireAt := opts.retireWhen(time.Now())
	// Once retiring, the worker does not wait for a scheduler it lost: it has nothing to hand
	// over any more.
	connectCtx, stopConnecting := context.WithCancel(ctx)
	defer stopConnecting()
	stopWatch := watchRetire(opts.Retire, stopConnecting)
	defer stopWatch()
	mem, err := workerMemory(opts)
	if err != nil {
		return err
	}
	worker.ApplyGoLimit(mem)
	var capture *worker.OutputCapture
	if opts.RelayOutput {
		var err error
		if capture, err = worker.StartOutputCapture(); err != nil {
			opts.Log.Warn("tasks' output is not relayed", zap.Error(err))
		} else {
			defer capture.Close()
		}
	}
	explicitToken := opts.Token
	for {
		c, err := connectWorker(connectCtx, &opts, explicitToken)
		if err != nil {
			if retiring(opts.Retire, retireAt) && ctx.Err() == nil {
				return nil
			}
			return err
		}
		err = serveSession(ctx, opts, mem, c, retireAt, capture)
		if errors.Is(err, errToldToStop) {
			opts.Log.Info("the scheduler told this worker to stop", zap.Error(err))
			return nil
		}
		var lost *lostScheduler
		if !errors.As(err, &lost) {
			return err
		}
		if retiring(opts.Retire, retireAt) {
			return nil
		}
		// The scheduler crashed or the network broke (a scheduler shutting down says goodbye):
		// try to rejoin, at the same address or the one the scheduler file names next.
		opts.Log.Warn("lost the scheduler; trying to rejoin", zap.String("scheduler", lost.address),
			zap.String("error", lost.err.Error()), zap.Duration("for", opts.ConnectTimeout))
	}
}

// serveSession serves one connection to the scheduler. The connection ending is a *lostScheduler.
func serveSession(ctx context.Context, opts WorkerOptions, mem worker.Memory, c *conn, retireAt time.Time, capture *worker.OutputCapture) error {
	defer c.Close()
	if err := authenticate(c, opts.Token, roleWorker); err != nil {
		return lostOr(opts.Address, err)
	}
	peers, err := listenForPeers(opts, c)
	if err != nil {
		return err
	}
	defer peers.Close()
	id, _ := buildid.Self()
	h := &hello{Role: roleWorker, BuildID: id, Fingerprint: functionsFingerprint(), PID: os.Getpid(), Name: opts.Name, PeerAddress: peers.Addr().String(), Resources: opts.Resources, Nanny: opts.Nanny}
	if err := c.send(kindHello, h, nil); err != nil {
		return err
	}
	var info clusterInfo
	if _, err := c.receiveMessage(kindWorkerInfo, &info); err != nil {
		return lostOr(opts.Address, fmt.Errorf("joining the scheduler: %w", err))
	}
	c.handshakeDone()
	opts.Log.Info("joined the scheduler", zap.String("scheduler", opts.Address), zap.String("peers", peers.Addr().String()))

	w := &workerRun{opts: opts, c: c, fetcher: newPeerFetcher(opts.Token, opts.TLS)}
	defer w.fetcher.close()
	w.x = worker.NewExecutor(resultSink{c}, opts.Log)
	w.x.ManageMemory(mem)
	if capture != nil {
		w.x.CaptureOutput(capture)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(4)
	go func() {
		defer wg.Done()
		c.heartbeat(stop)
	}()
	go func() {
		defer wg.Done()
		askToRetire(opts, retireAt, c, stop, opts.Log)
	}()
	go func() {
		defer wg.Done()
		servePeers(peers, opts.Token, w.x, opts.Log)
	}()
	batches := make(chan batchFrame, 64)
	go func() {
		defer wg.Done()
		w.applyBatches(batches)
	}()
	runDone := make(chan error, 1)
	go func() { runDone <- w.x.Run() }()
	readErr := make(chan error, 1)
	go func() { readErr <- w.read(batches) }()

	var result error
	ran := false // Run returned (a task ignored its timeout): nothing to wait for
	select {
	case result = <-readErr:
	case result = <-runDone:
		ran = true
	case <-ctx.Done():
		result = ctx.Err()
	}
	// Shut down: stop taking work, give the running task a moment, close everything.
	c.Close()
	peers.Close()
	w.x.Close()
	if !ran {
		select {
		case err := <-runDone:
			if errors.Is(err, worker.ErrStuckTask) {
				result = err // the process must end to stop the task: never rejoin
			}
		case <-time.After(2 * time.Second):
		}
	}
	close(stop)
	wg.Wait()
	w.bg.close()
	if errors.Is(result, errToldToStop) || errors.Is(result, ctx.Err()) && ctx.Err() != nil {
		return result
	}
	return lostOr(opts.Address, result)
}

type workerRun struct {
	opts    WorkerOptions
	c       *conn
	x       *worker.Executor
	fetcher *peerFetcher
	bg      background // profiles being taken (profile_cluster.go)
}

type batchFrame struct {
	batch worker.Batch
	atts  [][]byte
}

type resultSink struct{ c *conn }

func (s resultSink) SendResults(r *worker.Results, attachments [][]byte) error {
	return s.c.send(worker.KindResults, r, attachments)
}

// read handles the scheduler's frames. Batches go, in order, to applyBatches, which may first
// fetch inputs from other workers; fetches and cancellations are answered at once.
func (w *workerRun) read(batches chan<- batchFrame) error {
	defer close(batches)
	for {
		f, err := w.c.receive()
		if err != nil {
			return err
		}
		switch f.Kind {
		case worker.KindBatch:
			var b batchFrame
			if err := decodeMessage(f.Body, &b.batch); err != nil {
				return err
			}
			b.atts = f.Attachments
			batches <- b
		case worker.KindFetch:
			var req worker.Fetch
			if err := decodeMessage(f.Body, &req); err != nil {
				return err
			}
			vals, atts := w.x.Fetch(&req)
			if err := w.c.send(worker.KindValues, vals, atts); err != nil {
				return err
			}
		case worker.KindCancel:
			var req worker.Cancel
			if err := decodeMessage(f.Body, &req); err != nil {
				return err
			}
			w.x.Cancel(req.Job)
		case kindProfileRequest:
			body := f.Body
			w.bg.start(func(stop <-chan struct{}) {
				if err := serveProfileRequest(w.c, body, stop); err != nil {
					w.opts.Log.Warn("sending a CPU profile", zap.Error(err))
				}
			})
		case kindShutdown:
			var m shutdownNotice
			_ = decodeMessage(f.Body, &m)
			return fmt.Errorf("%w: %s", errToldToStop, m.Reason)
		case kindRefuse:
			var r refusal
			_ = decodeMessage(f.Body, &r)
			return fmt.Errorf("%w by the scheduler: %s", ErrRefused, r.Reason)
		default:
			return fmt.Errorf("scheduler sent frame kind %d", f.Kind)
		}
	}
}

// applyBatches fetches each batch's inputs from the workers holding them, then hands it to the
// executor, batch after batch.
func (w *workerRun) applyBatches(batches <-chan batchFrame) {
	for b := range batches {
		if len(b.batch.Peers) > 0 {
			puts, atts, err := w.fetcher.fetch(b.batch.Peers)
			if err != nil {
				// Tasks needing these inputs fail with a clear error from the executor; the
				// scheduler recovers when the holder is gone.
				w.opts.Log.Warn("fetching inputs from other workers", zap.Error(err))
			}
			b.batch.Puts = append(b.batch.Puts, puts...)
			b.atts = append(b.atts, atts...)
		}
		if err := w.x.Apply(&b.batch, b.atts); err != nil {
			w.opts.Log.Warn("applying a batch", zap.Error(err))
			w.c.Close()
			return
		}
	}
}
