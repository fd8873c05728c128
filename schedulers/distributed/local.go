package distributed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

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
}

// LocalCluster is a scheduler in this process and worker processes of this program on this
// machine: the distributed scheduler with no address to go to. Worker processes that die are
// replaced; they die with this process.
type LocalCluster struct {
	server  *Server
	opts    LocalClusterOptions
	spawner *subprocess.Spawner
	wg      sync.WaitGroup

	mu     sync.Mutex
	procs  map[*exec.Cmd]*localProc
	closed bool
}

// localProc is what the cluster knows of a worker process.
type localProc struct {
	tail   *subprocess.Tail
	exited bool
	status string
}

// errWorkerExited is the startup failure of a local worker that exited before joining.
var errWorkerExited = errors.New("local worker exited before joining the scheduler")

// StartLocalCluster starts a scheduler on a loopback port and opts.Workers worker processes, and
// waits until they have joined.
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
	lc := &LocalCluster{opts: opts, spawner: subprocess.NewSpawner(), procs: map[*exec.Cmd]*localProc{}}
	server, err := NewServer(ServerOptions{Listen: "127.0.0.1:0", Status: opts.Status, Log: opts.Log, WorkersNeeded: lc.replaceWorkers})
	if err != nil {
		lc.spawner.Stop()
		return nil, err
	}
	lc.server = server
	for range opts.Workers {
		if err := lc.startWorker(); err != nil {
			lc.Close()
			return nil, err
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	joined := make(chan error, 1)
	go func() { joined <- server.WaitForWorkers(waitCtx, opts.Workers) }()
	err = <-joined
	if err != nil {
		reason := lc.exitedWorkers()
		lc.Close()
		if reason != "" {
			return nil, fmt.Errorf("%w: %s. Worker processes re-run this program: main (and TestMain in tests) must start with `if delayed.Init() { return }`", errWorkerExited, reason)
		}
		return nil, fmt.Errorf("local cluster: %w", err)
	}
	return lc, nil
}

// Server returns the cluster's scheduler.
func (lc *LocalCluster) Server() *Server { return lc.server }

// Address returns the scheduler's address, for clients in other processes.
func (lc *LocalCluster) Address() string { return lc.server.Address() }

// Execute computes a job: in this process the job needs no client connection, its data are
// encoded once and go to the workers that need them.
func (lc *LocalCluster) Execute(ctx context.Context, job *schedulers.Job) error {
	pj, err := planjob.New(ctx, job, false)
	if err != nil {
		return err
	}
	pj.Job().Group = functionsFingerprint()
	return pj.Run(lc.server.coord)
}

func (lc *LocalCluster) startWorker() error {
	cmd := exec.Command(lc.opts.Executable, "-lazygraph-worker")
	cmd.Env = append(os.Environ(),
		schedulers.EnvWorkerRole+"="+Name,
		EnvAddress+"="+lc.server.Address(),
		EnvToken+"="+lc.server.Token(),
		EnvWorkerListen+"=127.0.0.1:0",
	)
	cmd.Stdout = subprocess.Stdout
	tail := subprocess.NewTail(subprocess.Stderr)
	cmd.Stderr = tail
	lc.mu.Lock()
	if lc.closed {
		lc.mu.Unlock()
		return cluster.ErrClosed
	}
	if err := lc.spawner.Start(cmd); err != nil {
		lc.mu.Unlock()
		return fmt.Errorf("start local worker: %w", err)
	}
	state := &localProc{tail: tail}
	lc.procs[cmd] = state
	lc.mu.Unlock()
	lc.wg.Add(1)
	go func() {
		defer lc.wg.Done()
		err := cmd.Wait()
		lc.mu.Lock()
		state.exited = true
		state.status = "exited"
		if err != nil {
			state.status = err.Error()
		}
		closed := lc.closed
		lc.mu.Unlock()
		if !closed && err != nil {
			lc.opts.Log.Warn("local worker exited", zap.Int("pid", cmd.Process.Pid), zap.Error(err))
		}
	}()
	return nil
}

// replaceWorkers starts processes for workers that died, so the cluster keeps its size.
func (lc *LocalCluster) replaceWorkers() {
	lc.mu.Lock()
	alive := 0
	for cmd, state := range lc.procs {
		if state.exited {
			delete(lc.procs, cmd)
		} else {
			alive++
		}
	}
	closed := lc.closed
	lc.mu.Unlock()
	if closed {
		return
	}
	for range lc.opts.Workers - alive {
		if err := lc.startWorker(); err != nil {
			lc.opts.Log.Warn("replacing a local worker", zap.Error(err))
		}
	}
}

// exitedWorkers describes workers that have exited, with their last words.
func (lc *LocalCluster) exitedWorkers() string {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	var reasons []string
	for cmd, state := range lc.procs {
		if !state.exited {
			continue
		}
		r := fmt.Sprintf("pid %d: %s", cmd.Process.Pid, state.status)
		if last := strings.TrimSpace(state.tail.String()); last != "" {
			r += "; it printed: " + last
		}
		reasons = append(reasons, r)
	}
	return strings.Join(reasons, "; ")
}

// Close stops the scheduler and the worker processes.
func (lc *LocalCluster) Close() error {
	lc.mu.Lock()
	lc.closed = true
	procs := make([]*exec.Cmd, 0, len(lc.procs))
	for cmd := range lc.procs {
		procs = append(procs, cmd)
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
