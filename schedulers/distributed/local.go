package distributed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/cluster/planjob"
	"github.com/lazygraph/lazygraph/internal/subprocess"
	"github.com/lazygraph/lazygraph/schedulers"
)

// LocalClusterOptions configure a local cluster.
type LocalClusterOptions struct {
	Workers    int         // worker processes (default 1)
	Executable string      // the program to run as workers; this one by default
	Status     string      // address of the status endpoint; none when empty
	Log        *zap.Logger // nothing is logged when nil
	// WorkerResources gives worker k (0 <= k < Workers) the resources WorkerResources[k]
	// (see graph.Resources and delayed.Resources); workers beyond its length declare none. A
	// worker replacing one that left gets the same resources.
	WorkerResources []graph.Resources
}

// LocalCluster is a scheduler in this process and worker processes of this program on this
// machine: the distributed scheduler with no address to go to. It keeps its size: a worker
// process that exits or leaves the scheduler — killed, crashed, or dropped after a cancelled
// computation — is replaced at once, whether or not a computation waits. Workers that keep
// exiting before they join (a program whose main does not call delayed.Init, say) are not
// restarted: computations fail with their last words. Workers die with this process.
type LocalCluster struct {
	server  *Server
	opts    LocalClusterOptions
	spawner *subprocess.Spawner
	wg      sync.WaitGroup

	mu       sync.Mutex
	procs    map[int]*localProc // by pid, until reaped
	ready    bool               // startup is over: workers that go are replaced
	closed   bool
	failures int           // workers in a row that exited before joining
	failed   error         // set when workers keep failing to start; no more are started
	exits    chan struct{} // closed and replaced whenever a worker process exits
	broken   chan struct{} // closed when failed is set
}

// localProc is what the cluster knows of a worker process.
type localProc struct {
	cmd    *exec.Cmd
	tail   *subprocess.Tail
	joined bool   // it joined the scheduler once
	left   bool   // it left the scheduler: gone, even if its process has not exited yet
	exited bool   // its process has exited (it is reaped when Wait returns)
	status string // how it exited
	slot   int    // its place among the cluster's workers (for WorkerResources)
}

// maxLocalStartFailures is how many workers in a row may exit before joining before the cluster
// stops starting them.
const maxLocalStartFailures = 3

// errWorkerExited is the startup failure of a local worker that exited before joining.
var errWorkerExited = errors.New("local worker exited before joining the scheduler")

// StartLocalCluster starts a scheduler on a loopback port and opts.Workers worker processes, and
// waits until they have joined. A worker that exits before joining is an error at once, with
// what it printed.
func StartLocalCluster(ctx context.Context, opts LocalClusterOptions) (*LocalCluster, error) {
	if opts.Workers < 1 {
		opts.Workers = 1
	}
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.Executable == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("local cluster: %w", err)
		}
		opts.Executable = exe
	}
	lc := &LocalCluster{opts: opts, spawner: subprocess.NewSpawner(), procs: map[int]*localProc{},
		exits: make(chan struct{}), broken: make(chan struct{})}
	server, err := NewServer(ServerOptions{Listen: "127.0.0.1:0", Status: opts.Status, Log: opts.Log,
		WorkersNeeded: lc.replaceWorkers, WorkerChanged: lc.workerChanged})
	if err != nil {
		lc.spawner.Stop()
		return nil, err
	}
	lc.server = server
	lc.mu.Lock()
	for k := range opts.Workers {
		if err := lc.startWorkerLocked(k); err != nil {
			lc.mu.Unlock()
			lc.Close()
			return nil, err
		}
	}
	lc.mu.Unlock()
	if err := lc.waitForStart(ctx); err != nil {
		lc.Close()
		return nil, err
	}
	return lc, nil
}

// waitForStart waits until the workers have joined, and fails as soon as one has exited first.
func (lc *LocalCluster) waitForStart(ctx context.Context) error {
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	joined := make(chan error, 1)
	go func() { joined <- lc.server.WaitForWorkers(waitCtx, lc.opts.Workers) }()
	for {
		lc.mu.Lock()
		exits := lc.exits
		reason := lc.exitedWorkersLocked()
		lc.mu.Unlock()
		if reason != "" {
			cancel()
			<-joined
			return fmt.Errorf("%w: %s. Worker processes re-run this program: main (and TestMain in tests) must start with `if delayed.Init() { return }`", errWorkerExited, reason)
		}
		select {
		case err := <-joined:
			if err != nil {
				return fmt.Errorf("local cluster: %w", err)
			}
			lc.mu.Lock()
			lc.ready = true
			lc.mu.Unlock()
			lc.replaceWorkers() // any that left meanwhile
			return nil
		case <-exits:
		}
	}
}

// Server returns the cluster's scheduler.
func (lc *LocalCluster) Server() *Server { return lc.server }

// Address returns the scheduler's address, for clients in other processes.
func (lc *LocalCluster) Address() string { return lc.server.Address() }

// Execute computes a job: in this process the job needs no client connection, its data are
// encoded once and go to the workers that need them. When workers keep failing to start, the
// job fails with what they printed.
func (lc *LocalCluster) Execute(ctx context.Context, job *schedulers.Job) error {
	lc.mu.Lock()
	failed, broken := lc.failed, lc.broken
	lc.mu.Unlock()
	if failed != nil {
		return failed
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	defer wg.Wait()
	watchDone := make(chan struct{})
	defer close(watchDone)
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-broken:
			lc.mu.Lock()
			err := lc.failed
			lc.mu.Unlock()
			cancel(err)
		case <-watchDone:
		}
	}()
	pj, err := planjob.New(runCtx, job, false)
	if err != nil {
		return err
	}
	pj.Job().Group = functionsFingerprint()
	err = pj.Run(lc.server.coord)
	if cause := context.Cause(runCtx); err != nil && ctx.Err() == nil && errors.Is(cause, errWorkerExited) {
		return cause
	}
	return err
}

// startWorkerLocked starts a worker process; lc.mu is held.
func (lc *LocalCluster) startWorkerLocked(slot int) error {
	if lc.closed {
		return cluster.ErrClosed
	}
	cmd := exec.Command(lc.opts.Executable, "-lazygraph-worker")
	var resources graph.Resources
	if slot < len(lc.opts.WorkerResources) {
		resources = lc.opts.WorkerResources[slot]
	}
	cmd.Env = append(os.Environ(),
		schedulers.EnvWorkerRole+"="+Name,
		EnvAddress+"="+lc.server.Address(),
		EnvToken+"="+lc.server.Token(),
		EnvWorkerListen+"=127.0.0.1:0",
		EnvWorkerResources+"="+resources.String(),
	)
	cmd.Env = localMemoryEnv(cmd.Env, lc.opts.Workers)
	cmd.Stdout = subprocess.Stdout
	tail := subprocess.NewTail(subprocess.Stderr)
	cmd.Stderr = tail
	if err := lc.spawner.Start(cmd); err != nil {
		return fmt.Errorf("start local worker: %w", err)
	}
	state := &localProc{cmd: cmd, tail: tail, slot: slot}
	pid := cmd.Process.Pid
	lc.procs[pid] = state
	lc.wg.Add(1)
	go func() {
		defer lc.wg.Done()
		err := cmd.Wait()
		lc.exited(pid, state, err)
	}()
	return nil
}

// exited records a worker process's exit and replaces it.
func (lc *LocalCluster) exited(pid int, state *localProc, err error) {
	lc.mu.Lock()
	state.exited = true
	state.status = "exited"
	if err != nil {
		state.status = err.Error()
	}
	if !state.joined && lc.ready && !lc.closed {
		lc.failures++
		if lc.failures >= maxLocalStartFailures && lc.failed == nil {
			lc.failed = fmt.Errorf("%w: %d workers in a row exited before joining, the last (pid %d): %s. Worker processes re-run this program: main (and TestMain in tests) must start with `if delayed.Init() { return }`",
				errWorkerExited, lc.failures, pid, state.describe())
			close(lc.broken)
		}
	}
	if lc.ready {
		delete(lc.procs, pid) // reaped; during startup it stays for the error message
	}
	close(lc.exits)
	lc.exits = make(chan struct{})
	closed := lc.closed
	crashed := err != nil && state.joined && !state.left // not dropped by the scheduler first
	lc.mu.Unlock()
	if closed {
		return
	}
	if crashed {
		lc.opts.Log.Warn("local worker exited", zap.Int("pid", pid), zap.String("status", state.status))
	}
	lc.replaceWorkers()
}

// workerChanged hears from the scheduler of a worker process joining or leaving.
func (lc *LocalCluster) workerChanged(pid int, up bool) {
	lc.mu.Lock()
	state := lc.procs[pid]
	if state == nil {
		lc.mu.Unlock()
		return
	}
	if up {
		state.joined = true
		lc.failures = 0
	} else {
		state.left = true
	}
	lc.mu.Unlock()
	if !up {
		lc.replaceWorkers()
	}
}

// replaceWorkers starts processes for workers that are gone, so that the cluster keeps its size.
// A worker counts as gone as soon as it has left the scheduler or its process has exited, not
// when it is reaped; it runs again each time one is reaped.
func (lc *LocalCluster) replaceWorkers() {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.closed || !lc.ready || lc.failed != nil {
		return
	}
	taken := make([]bool, lc.opts.Workers)
	for pid, state := range lc.procs {
		switch {
		case state.exited:
			delete(lc.procs, pid) // reaped
		case !state.left && state.slot < len(taken):
			taken[state.slot] = true
		}
	}
	for slot, ok := range taken {
		if ok {
			continue
		}
		if err := lc.startWorkerLocked(slot); err != nil {
			lc.opts.Log.Warn("replacing a local worker", zap.Error(err))
			return
		}
	}
}

// describe is how the process exited, with its last words.
func (p *localProc) describe() string {
	r := p.status
	if last := strings.TrimSpace(p.tail.String()); last != "" {
		r += "; it printed: " + last
	}
	return r
}

// exitedWorkersLocked describes workers that have exited before joining, with their last words; lc.mu is held.
func (lc *LocalCluster) exitedWorkersLocked() string {
	var reasons []string
	for pid, state := range lc.procs {
		if state.exited && !state.joined {
			reasons = append(reasons, fmt.Sprintf("pid %d: %s", pid, state.describe()))
		}
	}
	slices.Sort(reasons)
	return strings.Join(reasons, "; ")
}

// Close stops the scheduler and the worker processes.
func (lc *LocalCluster) Close() error {
	lc.mu.Lock()
	lc.closed = true
	procs := make([]*exec.Cmd, 0, len(lc.procs))
	for _, state := range lc.procs {
		procs = append(procs, state.cmd)
	}
	lc.mu.Unlock()
	if lc.server != nil {
		lc.server.Close()
	}
	for _, cmd := range procs {
		cmd.Process.Kill()
	}
	lc.wg.Wait()
	lc.spawner.Stop()
	return nil
}
