// Package distributed is lazygraph's scheduler for many machines: a scheduler server that
// coordinates worker processes — each the user's own program, started with the environment
// pointing at the scheduler — and the clients whose computations they run.
//
// # Roles
//
//   - The scheduler ([NewServer], or `lazygraph scheduler`) listens on loopback unless told
//     otherwise and writes a scheduler file (address, token, protocol version). It holds no user
//     code: it schedules by function name, and the values it handles stay encoded.
//   - A worker is the user's program started with LAZYGRAPH_WORKER=distributed and
//     LAZYGRAPH_SCHEDULER_FILE (or LAZYGRAPH_SCHEDULER_ADDRESS and LAZYGRAPH_TOKEN): its call to
//     delayed.Init serves as a worker ([RunWorker]) until the scheduler goes away. Workers fetch
//     the inputs they lack directly from the workers holding them.
//   - A client ([Connect]) submits computations. It is a scheduler for package delayed
//     (LAZYGRAPH_SCHEDULER=distributed with LAZYGRAPH_SCHEDULER_ADDRESS switches an unchanged
//     program onto the cluster) and offers futures: [Client.Submit], [Client.Map],
//     [Client.Gather], [Client.Scatter], [AsCompleted].
//
// Without an address, the "distributed" scheduler starts a local cluster ([StartLocalCluster]):
// a scheduler in this process and N worker processes of this program.
//
// # Scheduling
//
// The scheduler is the same coordinator as the processes scheduler's (internal/cluster):
// placement on the worker holding most input bytes, chains kept on one worker, adaptive
// batching, bounded queues per worker and stealing, retries, recomputation of values lost with a
// worker. A worker runs computations of clients whose functions are the same as its own
// (compared by a fingerprint of names and signatures); a computation whose client matches no
// connected worker fails with a message saying so.
//
// # Security
//
// Every connection — worker, client, worker to worker — proves the shared token with a
// challenge-response (HMAC-SHA256 over nonces from both ends; the token never crosses the wire,
// and the scheduler proves it knows it too). TLS is available with certificate files. Frames are
// limited to 64 KiB until a peer has authenticated; garbage, truncated frames and strangers are
// logged and dropped, and the scheduler goes on serving the others. Each side sends a heartbeat
// every second and counts a peer silent for five seconds as gone: a dead scheduler is an error
// for its clients within seconds, never a hang.
package distributed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/synchronous"
)

// Name is the name the scheduler is registered under.
const Name = "distributed"

// Environment of workers and clients.
const (
	EnvSchedulerFile = "LAZYGRAPH_SCHEDULER_FILE"    // path of a scheduler file
	EnvAddress       = "LAZYGRAPH_SCHEDULER_ADDRESS" // host:port, or a scheduler file's path
	EnvToken         = "LAZYGRAPH_TOKEN"             // the shared token
	EnvTLSCA         = "LAZYGRAPH_TLS_CA"            // CA certificate file for TLS
	EnvTLSCert       = "LAZYGRAPH_TLS_CERT"          // certificate file (scheduler; workers' peer listeners)
	EnvTLSKey        = "LAZYGRAPH_TLS_KEY"           // its key
	EnvWorkerListen  = "LAZYGRAPH_WORKER_LISTEN"     // where a worker listens for other workers
	EnvWorkerName    = "LAZYGRAPH_WORKER_NAME"       // a worker's name in logs and status
)

func init() {
	schedulers.Register(Name, defaultScheduler)
	schedulers.RegisterWorkerRole(Name, serveFromEnvironment)
}

// Scheduler computes on a cluster: the one at the job's Address, or a local cluster of
// job.Workers worker processes started on first use.
type Scheduler struct {
	mu       sync.Mutex
	clients  map[string]*Client
	clusters map[localKey]*LocalCluster
}

var defaultScheduler = &Scheduler{}

var _ schedulers.PlaceholderScheduler = (*Scheduler)(nil)

// AcceptsPlaceholders marks the scheduler as able to compute graphs holding futures.
func (s *Scheduler) AcceptsPlaceholders() {}

// Execute runs a job on the cluster.
func (s *Scheduler) Execute(ctx context.Context, job *schedulers.Job) error {
	if handled, err := synchronous.RunInWorker(ctx, job); handled {
		return err // a computation inside a task runs on its worker
	}
	if job.Plan.Calls() == 0 {
		return nil
	}
	if job.Address != "" {
		cl, err := s.client(ctx, job.Address, job.Logger)
		if err != nil {
			return err
		}
		return cl.Execute(ctx, job)
	}
	// A local cluster deals the machine's resources (Job.Resources) out among its workers, as
	// the processes scheduler does: a task must fit in the largest share, worker 0's.
	n := max(job.Workers, 1)
	if err := schedulers.CheckResources(job.Plan, graph.ShareResources(job.Resources, 0, n),
		fmt.Sprintf("the largest share of the machine's %s among %d local workers", job.Resources, n)); err != nil {
		return err
	}
	lc, err := s.localCluster(ctx, job.Workers, job.Resources, job.Logger)
	if err != nil {
		return err
	}
	return lc.Execute(ctx, job)
}

func (s *Scheduler) client(ctx context.Context, address string, log *zap.Logger) (*Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cl := s.clients[address]; cl != nil && cl.Err() == nil {
		return cl, nil
	}
	cl, err := Connect(ctx, address, ClientOptions{Log: log, TLS: tlsFromEnvironment()})
	if err != nil {
		return nil, err
	}
	if s.clients == nil {
		s.clients = map[string]*Client{}
	}
	s.clients[address] = cl
	return cl, nil
}

// localKey tells local clusters apart: by worker count and the machine's resources.
type localKey struct {
	workers   int
	resources string
}

func (s *Scheduler) localCluster(ctx context.Context, workers int, resources graph.Resources, log *zap.Logger) (*LocalCluster, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := localKey{workers, resources.String()}
	if lc := s.clusters[key]; lc != nil {
		return lc, nil
	}
	shares := make([]graph.Resources, max(workers, 1))
	for k := range shares {
		shares[k] = graph.ShareResources(resources, k, len(shares))
	}
	lc, err := StartLocalCluster(ctx, LocalClusterOptions{Workers: workers, Log: log, WorkerResources: shares})
	if err != nil {
		return nil, err
	}
	if s.clusters == nil {
		s.clusters = map[localKey]*LocalCluster{}
	}
	s.clusters[key] = lc
	return lc, nil
}

// Close disconnects this scheduler's clients and stops its local clusters.
func (s *Scheduler) Close() error {
	s.mu.Lock()
	clients, clusters := s.clients, s.clusters
	s.clients, s.clusters = nil, nil
	s.mu.Unlock()
	for _, cl := range clients {
		cl.Close()
	}
	for _, lc := range clusters {
		lc.Close()
	}
	return nil
}

// Close disconnects the registered scheduler's clients and stops its local clusters.
func Close() error { return defaultScheduler.Close() }

// serveFromEnvironment is the worker role: serve the scheduler the environment names. A worker
// given a scheduler file reads it when it connects (it may not exist yet) and rejoins a scheduler
// restarted on it.
func serveFromEnvironment() error {
	opts := WorkerOptions{Listen: os.Getenv(EnvWorkerListen), Name: os.Getenv(EnvWorkerName), TLS: tlsFromEnvironment()}
	timeout, err := ConnectTimeoutFromEnvironment()
	if err != nil {
		return err
	}
	opts.ConnectTimeout = timeout
	if opts.Resources, err = ResourcesFromEnvironment(); err != nil {
		return err
	}
	file, address := os.Getenv(EnvSchedulerFile), os.Getenv(EnvAddress)
	switch {
	case file != "":
		opts.SchedulerFile, opts.Token = file, os.Getenv(EnvToken)
	case address == "":
		return fmt.Errorf("a distributed worker needs %s or %s", EnvSchedulerFile, EnvAddress)
	case looksLikeFile(address):
		opts.SchedulerFile, opts.Token = address, os.Getenv(EnvToken)
	default:
		addr, token, _, err := resolveAddress(address, os.Getenv(EnvToken))
		if err != nil {
			return err
		}
		opts.Address, opts.Token = addr, token
	}
	for _, v := range []string{EnvSchedulerFile, EnvAddress, EnvToken} {
		os.Unsetenv(v)
	}
	if opts.RelayOutput, err = worker.RelayOutputFromEnvironment(); err != nil {
		return err
	}
	opts.Log = zap.NewNop()
	if os.Getenv("LAZYGRAPH_WORKER_LOG") != "" {
		opts.Log = NewConsoleLogger()
	}
	retire, ctx, stop := RetireOnSIGTERM(context.Background())
	defer stop()
	if err := LifetimeFromEnvironment(ctx, &opts); err != nil {
		return err
	}
	opts.Retire = retire
	err = RunWorker(ctx, opts)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// NewConsoleLogger returns a logger for people reading a terminal: debug level, readable lines,
// and no stack traces (the events a cluster logs — a worker killed on purpose, a client leaving —
// are routine, not bugs).
func NewConsoleLogger() *zap.Logger {
	cfg := zap.NewDevelopmentConfig()
	cfg.DisableStacktrace = true
	log, err := cfg.Build()
	if err != nil {
		return zap.NewNop()
	}
	return log
}
