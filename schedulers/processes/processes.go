// Package processes is lazygraph's scheduler for worker processes on this machine: the running
// program re-executed N times, each worker running one task at a time. Choose it for work that
// must not share memory with the caller, calls code that is not safe for concurrent use, or
// leaks; for plain Go code the threads scheduler is faster, since nothing needs copying.
//
// Workers start on the first computation and are reused by later ones (one pool per worker
// count) until [Close] or the end of the program. The program must call delayed.Init at the top
// of main (and of TestMain in tests): a re-executed process serves as a worker there instead of
// running main. Forgetting it is reported as an error when the workers start; a worker that turns
// out to be a different build of the program is refused.
//
// Tasks and values travel over a socket pair (not standard input and output, so a task printing
// to stdout does no harm) as length-prefixed msgpack frames; numeric slices travel as raw memory,
// and large ones through memory files the worker maps, not through the socket. Each worker keeps
// the values it received or computed until no task needs them, and the parent knows which worker
// holds what: a value reaches a worker at most once per computation, a task runs preferably on
// the worker holding most of its input bytes, and a chain of calls is sent to one worker whole,
// so its intermediates never travel. Only values the parent or another worker needs come back.
//
// Job.Chunksize k sends up to k ready tasks per message (static allocation); 1 sends them one at
// a time (dynamic allocation); 0, the default, adapts: it starts one at a time, then batches about
// two milliseconds of work per message while tasks are short, and keeps a second batch queued so
// that workers never wait for the next message.
//
// A worker that dies is replaced. The tasks it had are run again, and values only it held are
// computed again from the graph. A task that was running alone when its worker died is charged
// for it; after three charges its computation fails with an error naming it. Workers die with the
// parent: they are started from a locked OS thread with a parent-death signal, and exit when
// their socket closes. Cancelling a computation cancels its running tasks' contexts and, after a
// short grace period, kills the workers still running them.
//
// The scheduler registers itself as "processes".
package processes

import (
	"context"
	"fmt"
	"os"
	"sync"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/synchronous"
)

// Name is the name the scheduler is registered under.
const Name = "processes"

func init() {
	schedulers.Register(Name, defaultScheduler)
	schedulers.RegisterWorkerRole(Name, serve)
}

// Scheduler runs tasks in worker processes of this program. Its zero value is not usable; the
// registered one is.
type Scheduler struct {
	exe   string // the executable to start as workers; os.Executable when empty
	mu    sync.Mutex
	pools map[poolKey]*pool
}

// poolKey tells pools apart: by worker count, the machine's resources (graph.Resources.String)
// and the workers' memory budget.
type poolKey struct {
	workers   int
	resources string
	memory    schedulers.WorkerMemory
}

var defaultScheduler = &Scheduler{}

var _ schedulers.Scheduler = (*Scheduler)(nil)

// Execute runs job on the pool of job.Workers worker processes, starting it if needed.
func (s *Scheduler) Execute(ctx context.Context, job *schedulers.Job) error {
	if handled, err := synchronous.RunInWorker(ctx, job); handled {
		return err // workers start no workers
	}
	if job.Plan.Calls() == 0 {
		return nil
	}
	// Each worker gets its share of the machine's resources (graph.ShareResources): a task must
	// fit in the largest, worker 0's.
	largest := graph.ShareResources(job.Resources, 0, max(job.Workers, 1))
	if err := schedulers.CheckResources(job.Plan, largest, fmt.Sprintf("the largest share of the machine's %s among %d workers", describe(job.Resources), max(job.Workers, 1))); err != nil {
		return err
	}
	if err := job.WorkerMemory.Validate(); err != nil {
		return fmt.Errorf("processes: %w", err)
	}
	p, err := s.pool(job.Workers, job.Resources, job.WorkerMemory, job.Logger)
	if err != nil {
		return err
	}
	return p.run(ctx, job)
}

// pool returns the pool for a worker count; a new pool logs through the logger of the
// computation that starts it.
func (s *Scheduler) pool(workers int, resources graph.Resources, memory schedulers.WorkerMemory, log *zap.Logger) (*pool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := poolKey{workers, resources.String(), memory}
	if p := s.pools[key]; p != nil {
		return p, nil
	}
	exe := s.exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("processes: cannot find this program's executable: %w", err)
		}
	}
	p, err := newPool(workers, exe, resources, memory, log)
	if err != nil {
		return nil, err
	}
	if s.pools == nil {
		s.pools = make(map[poolKey]*pool)
	}
	s.pools[key] = p
	return p, nil
}

// Close stops this scheduler's worker processes and waits for them to exit. Computations still
// running fail. A later computation starts new workers.
func (s *Scheduler) Close() error {
	s.mu.Lock()
	pools := s.pools
	s.pools = nil
	s.mu.Unlock()
	for _, p := range pools {
		p.close()
	}
	return nil
}

// Close stops the worker processes of the registered processes scheduler.
func Close() error { return defaultScheduler.Close() }

// Errors of the processes scheduler.
var (
	// ErrNotPortable is matched by the error for a graph using functions worker processes cannot
	// know: closures, or functions wrapped after package initialisation.
	ErrNotPortable = cluster.ErrNotPortable
	// ErrWorkerKilled is matched by the error for a task whose worker kept dying while running it.
	ErrWorkerKilled = cluster.ErrWorkerDied
)

func describe(r graph.Resources) string {
	if len(r) == 0 {
		return "resources (none declared)"
	}
	return r.String()
}
