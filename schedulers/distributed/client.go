package distributed

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/cluster/planjob"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// ErrSchedulerGone is matched by the error of computations whose scheduler connection ended.
var ErrSchedulerGone = errors.New("lost the connection to the scheduler")

// ClientOptions configure a client.
type ClientOptions struct {
	Token string      // the shared token; read from the scheduler file when connecting by file
	TLS   *tls.Config // set to connect over TLS
	// Name names the client in the scheduler's logs and on its dashboard, beside its process ID
	// and address; by default this program and this machine ("study on node7").
	Name string
	Log  *zap.Logger
}

// Client is a connection to a distributed scheduler. It computes delayed graphs (it is a
// schedulers.Scheduler) and offers futures: Submit, Map, Gather, Scatter. It is safe for
// concurrent use.
type Client struct {
	address string
	c       *conn
	log     *zap.Logger
	workers int

	nextID atomic.Uint64
	mu     sync.Mutex
	jobs   map[uint64]*clientJob
	waits  map[uint64]chan stored
	shared map[graph.Key]*futureEntry // futures by key, while one lives (see Submit)
	gone   error                      // why the connection ended, once it has

	stop chan struct{}
	done chan struct{} // closed when the reader has exited
	wg   sync.WaitGroup
	once sync.Once
}

var _ schedulers.PlaceholderScheduler = (*Client)(nil)

// AcceptsPlaceholders marks the client as able to compute graphs holding its futures.
func (cl *Client) AcceptsPlaceholders() {}

// clientJob is a computation in flight: its plan-backed owner on this side.
type clientJob struct {
	pj      *planjob.Job
	outputs func(task int32, e *cluster.Encoded, key uint64) // extra handling (futures)
}

// Connect connects to the scheduler at address: "host:port", or the path of a scheduler file
// (which also gives the token and whether to use TLS).
func Connect(ctx context.Context, address string, opts ClientOptions) (*Client, error) {
	addr, token, useTLS, err := resolveAddress(address, opts.Token)
	if err != nil {
		return nil, err
	}
	if useTLS && opts.TLS == nil {
		return nil, fmt.Errorf("the scheduler at %s serves TLS: give a TLS configuration (LAZYGRAPH_TLS_CA)", addr)
	}
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.Name == "" {
		opts.Name = defaultClientName()
	}
	type result struct {
		c   *conn
		n   int
		err error
	}
	res := make(chan result, 1)
	go func() {
		c, n, err := handshakeClient(addr, token, opts)
		res <- result{c, n, err}
	}()
	var r result
	select {
	case r = <-res:
	case <-ctx.Done():
		go func() {
			if r := <-res; r.c != nil {
				r.c.Close()
			}
		}()
		return nil, ctx.Err()
	}
	if r.err != nil {
		return nil, r.err
	}
	cl := &Client{address: addr, c: r.c, log: opts.Log, workers: r.n, jobs: map[uint64]*clientJob{},
		waits: map[uint64]chan stored{}, stop: make(chan struct{}), done: make(chan struct{})}
	cl.wg.Add(2)
	go func() {
		defer cl.wg.Done()
		r.c.heartbeat(cl.stop)
	}()
	go func() {
		defer cl.wg.Done()
		cl.read()
	}()
	return cl, nil
}

func handshakeClient(addr, token string, opts ClientOptions) (*conn, int, error) {
	c, err := dial(addr, opts.TLS)
	if err != nil {
		return nil, 0, err
	}
	if err := authenticate(c, token, roleClient); err != nil {
		c.Close()
		return nil, 0, err
	}
	worker.RegisterFunctionTypes()
	if err := c.send(kindHello, &hello{Role: roleClient, Fingerprint: functionsFingerprint(), PID: os.Getpid(), Name: opts.Name}, nil); err != nil {
		c.Close()
		return nil, 0, err
	}
	var info clusterInfo
	if _, err := c.receiveMessage(kindWorkerInfo, &info); err != nil {
		c.Close()
		return nil, 0, err
	}
	c.handshakeDone()
	return c, info.Workers, nil
}

// resolveAddress reads a scheduler file when address names one: a path (it has a separator or
// ends in .json), or an existing file. A missing file is reported as missing.
func resolveAddress(address, token string) (addr, tok string, useTLS bool, err error) {
	if looksLikeFile(address) {
		f, err := ReadSchedulerFile(address)
		if err != nil {
			return "", "", false, err
		}
		if token == "" {
			token = f.Token
		}
		return f.Address, token, f.TLS, nil
	}
	if _, _, err := net.SplitHostPort(address); err != nil {
		return "", "", false, fmt.Errorf("scheduler address %q is neither host:port nor the path of a scheduler file", address)
	}
	if token == "" {
		token = os.Getenv(EnvToken)
	}
	if token == "" {
		return "", "", false, fmt.Errorf("no token for the scheduler at %s: set %s or use a scheduler file", address, EnvToken)
	}
	return address, token, false, nil
}

// Workers returns how many workers the scheduler had when the client connected.
func (cl *Client) Workers() int { return cl.workers }

// Address returns the scheduler's address.
func (cl *Client) Address() string { return cl.address }

// Close disconnects; the scheduler stops this client's computations and forgets its values.
func (cl *Client) Close() error {
	cl.once.Do(func() {
		close(cl.stop)
		cl.c.Close()
	})
	cl.wg.Wait()
	return nil
}

// Err returns why the connection ended, or nil while it lives.
func (cl *Client) Err() error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.gone
}

// read dispatches the scheduler's messages until the connection ends; then every computation in
// flight fails with ErrSchedulerGone.
func (cl *Client) read() {
	err := cl.readLoop()
	cl.mu.Lock()
	cl.gone = fmt.Errorf("%w (%s): %w", ErrSchedulerGone, cl.address, err)
	jobs := cl.jobs
	cl.jobs = map[uint64]*clientJob{}
	waits := cl.waits
	cl.waits = map[uint64]chan stored{}
	gone := cl.gone
	cl.mu.Unlock()
	close(cl.done)
	for _, j := range jobs {
		j.pj.Finished(gone)
	}
	for _, ch := range waits {
		ch <- stored{Err: gone.Error()}
	}
}

func (cl *Client) readLoop() error {
	for {
		f, err := cl.c.receive()
		if err != nil {
			return err
		}
		switch f.Kind {
		case kindOutput:
			var m output
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			atts, _, err := takeAttachments(f.Attachments, m.Attachments)
			if err != nil {
				return err
			}
			if j := cl.job(m.Job); j != nil {
				e := cluster.NewEncoded(wire.Value{Body: m.Body, Attachments: atts}, m.Type)
				if m.Stored {
					j.pj.Kept(m.Task)
				}
				j.pj.Output(m.Task, e, m.Key)
				if j.outputs != nil {
					j.outputs(m.Task, e, m.Key)
				}
			}
		case kindEvents:
			var m events
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			if j := cl.job(m.Job); j != nil {
				for _, ev := range m.Items {
					j.pj.TaskDone(ev.Task, ev.Worker, ev.Start, ev.Elapsed, ev.Size, ev.Err)
				}
			}
		case kindTaskOutput:
			if err := cl.taskOutput(f.Body); err != nil {
				return err
			}
		case kindLocalRun:
			var m localRun
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			if err := cl.runLocal(&m, f.Attachments); err != nil {
				return err
			}
		case kindFinished:
			var m finished
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			cl.mu.Lock()
			j := cl.jobs[m.Job]
			delete(cl.jobs, m.Job)
			cl.mu.Unlock()
			if j != nil {
				j.pj.Sent(m.BytesSent)
				j.pj.Finished(finishedError(&m))
			}
		case kindShutdown:
			var m shutdownNotice
			_ = decodeMessage(f.Body, &m)
			cl.c.Close()
			return fmt.Errorf("%w: %s", ErrSchedulerShutdown, m.Reason)
		case kindStored:
			var m stored
			if err := decodeMessage(f.Body, &m); err != nil {
				return err
			}
			cl.mu.Lock()
			ch := cl.waits[m.Request]
			delete(cl.waits, m.Request)
			cl.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		default:
			return fmt.Errorf("scheduler sent frame kind %d", f.Kind)
		}
	}
}

// finishedError turns a finished message back into an error PlanJob understands.
func finishedError(m *finished) error {
	if !m.Failed {
		return keptFailures(m)
	}
	switch m.Code {
	case codeWorkerDied:
		return &cluster.TaskFailure{Task: m.Task, Err: remoteError(cluster.ErrWorkerDied, m.Message)}
	case codeClosed:
		return remoteError(cluster.ErrClosed, m.Message)
	case codeNoWorkers:
		return remoteError(ErrNoWorkers, m.Message)
	}
	if err := registeredError(m.Code, m.Message); err != nil && m.Record == nil {
		if m.Task >= 0 {
			return &cluster.TaskFailure{Task: m.Task, Err: err}
		}
		return err
	}
	if m.Task >= 0 {
		if m.Record != nil {
			return &cluster.TaskFailure{Task: m.Task, Record: m.Record}
		}
		return &cluster.TaskFailure{Task: m.Task, Err: errors.New(m.Message)}
	}
	return errors.New(m.Message)
}

func (cl *Client) job(id uint64) *clientJob {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.jobs[id]
}

// runLocal runs a builtin assembly task the scheduler handed back, and answers.
func (cl *Client) runLocal(m *localRun, atts [][]byte) error {
	j := cl.job(m.Job)
	if j == nil {
		return nil
	}
	args := make([]*cluster.Encoded, len(m.Args))
	for k, a := range m.Args {
		mine, rest, err := takeAttachments(atts, a.Attachments)
		if err != nil {
			return err
		}
		atts = rest
		args[k] = cluster.NewEncoded(wire.Value{Body: a.Body, Attachments: mine}, a.Type)
	}
	reply := &localDone{Job: m.Job, Task: m.Task}
	var replyAtts [][]byte
	v, _, err := j.pj.RunLocal(m.Task, args)
	if err != nil {
		reply.Err = err.Error()
	} else {
		reply.Value = localValue{Type: v.Type, Body: v.Value.Body, Attachments: len(v.Value.Attachments)}
		replyAtts = v.Value.Attachments
	}
	return cl.c.send(kindLocalDone, reply, replyAtts)
}

// Execute computes a delayed graph on the cluster: what the "distributed" scheduler does when it
// has an address.
func (cl *Client) Execute(ctx context.Context, job *schedulers.Job) error {
	_, err := cl.run(ctx, job, nil, false)
	return err
}

// run submits a plan; outputs, when set, hears of each output (and its key when persist).
func (cl *Client) run(ctx context.Context, job *schedulers.Job, outputs func(int32, *cluster.Encoded, uint64), persist bool) (uint64, error) {
	if job.Plan.Calls() == 0 {
		return 0, nil
	}
	pj, err := planjob.New(ctx, job, false)
	if err != nil {
		return 0, err
	}
	id := cl.nextID.Add(1)
	msg, atts, err := cl.describe(id, pj, job, persist)
	if err != nil {
		return 0, err
	}
	var unshare func()
	msg.Store, unshare = shareStore(job)
	defer unshare()
	cl.mu.Lock()
	if cl.gone != nil {
		cl.mu.Unlock()
		return 0, cl.gone
	}
	cl.jobs[id] = &clientJob{pj: pj, outputs: outputs}
	cl.mu.Unlock()
	if err := cl.c.send(kindSubmit, msg, atts); err != nil {
		cl.mu.Lock()
		delete(cl.jobs, id)
		cl.mu.Unlock()
		return 0, fmt.Errorf("%w: %w", ErrSchedulerGone, err)
	}
	result := make(chan error, 1)
	go func() { result <- pj.Wait() }()
	select {
	case err := <-result:
		return id, err
	case <-ctx.Done():
	}
	// Cancelled: tell the scheduler and wait (boundedly) for it to stop the computation.
	_ = cl.c.send(kindCancelJob, &cancelJob{Job: id, Reason: context.Cause(ctx).Error()}, nil)
	select {
	case <-result:
	case <-time.After(10 * time.Second):
		cl.mu.Lock()
		delete(cl.jobs, id)
		cl.mu.Unlock()
		go func() { <-result }() // Finished is still called once, by the reader, when the connection ends
	}
	return id, schedulers.Stopped(ctx, pj.Finishes(), job.Plan.Calls())
}

// describe builds the submit message: the graph, the data encoded here, and the values already
// kept in the cluster (futures).
func (cl *Client) describe(id uint64, pj *planjob.Job, job *schedulers.Job, persist bool) (*submit, [][]byte, error) {
	argStart, args, funcs, functions, outputs := pj.Job().Graph.Description()
	msg := &submit{Job: id, ArgStart: argStart, Args: args, Funcs: funcs, Functions: functions, Outputs: outputs,
		Chunksize: job.Chunksize, Events: job.Observer != nil, Persist: persist, Retries: job.Retries, KeepGoing: job.KeepsGoing(), Priority: job.Priority, NoRelay: job.NoOutputRelay}
	for i, key := range pj.Job().Streams {
		if key != nil {
			msg.Streams = append(msg.Streams, streamEntry{Task: int32(i), Key: key})
		}
	}
	var atts [][]byte
	p := job.Plan
	for i := range int32(p.Len()) {
		if !p.IsData(i) {
			continue
		}
		if ref, ok := p.Task(i).Value().(*futureRef); ok {
			if ref.client != cl {
				return nil, nil, fmt.Errorf("a future of another client (scheduler %s) cannot be used here", ref.client.address)
			}
			msg.External = append(msg.External, externalEntry{Task: i, Key: ref.key})
			continue
		}
		e, err := pj.Data(i)
		if err != nil {
			t := p.Task(i)
			return nil, nil, fmt.Errorf("value %s cannot be sent to the cluster: %w", t.Key(), err)
		}
		msg.Data = append(msg.Data, dataEntry{Task: i, Type: e.Type, Body: e.Value.Body, Attachments: len(e.Value.Attachments)})
		atts = append(atts, e.Value.Attachments...)
	}
	return msg, atts, nil
}

// defaultClientName names a client that was given no name: its program and machine (the
// scheduler adds the process ID the hello carries, and the address). The name is free text in
// the hello: schedulers of every version show it.
func defaultClientName() string {
	name := filepath.Base(os.Args[0])
	if host, err := os.Hostname(); err == nil && host != "" {
		name += " on " + host
	}
	return name
}
