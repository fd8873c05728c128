package distributed

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/cluster"
)

// Graceful retirement of workers (see cluster.Coordinator.Retire): a worker whose lifetime ends
// (WorkerOptions.Lifetime, RetireAt), that is told to (WorkerOptions.Retire: SIGTERM, which Slurm
// sends before the walltime) or that an adaptive scheduler no longer needs stops taking tasks,
// hands back those it was sent and has not started, finishes the one it runs, hands the values only it holds over to the scheduler (which puts
// them on other workers, or keeps them while none is connected), and exits successfully. Nothing
// it computed is computed again.

// kindRetire is a worker asking to retire; the scheduler answers with kindShutdown once the
// worker has handed everything over.
const kindRetire byte = 46

// retireRequest is the body of a kindRetire frame.
type retireRequest struct {
	Reason string `msgpack:"r"`
	// Timeout stops the worker if its retirement takes longer (WorkerOptions.RetireTimeout);
	// 0: the scheduler's (ServerOptions.RetireTimeout).
	Timeout time.Duration `msgpack:"t,omitempty"`
}

// Environment of a program's worker role (delayed.Init) for retirement.
const (
	// EnvWorkerLifetime is how long a worker serves before it retires (a Go duration).
	EnvWorkerLifetime = "LAZYGRAPH_WORKER_LIFETIME"
	// EnvWorkerLifetimeMargin is how long before its Slurm job's end time a worker retires
	// (default DefaultLifetimeMargin).
	EnvWorkerLifetimeMargin = "LAZYGRAPH_WORKER_LIFETIME_MARGIN"
	// EnvWorkerRetireTimeout is how long a retiring worker may take to finish its running task
	// and hand its values over before the scheduler stops it (a Go duration; see
	// WorkerOptions.RetireTimeout).
	EnvWorkerRetireTimeout = "LAZYGRAPH_WORKER_RETIRE_TIMEOUT"
)

// retireSlack is what a retirement timeout defaulted from a Slurm job's end time leaves before
// that end, for the worker to be stopped and its task moved.
const retireSlack = 10 * time.Second

// DefaultLifetimeMargin is how long before its Slurm job ends a worker retires, by default.
const DefaultLifetimeMargin = time.Minute

// Retired tells a retired worker it may exit: the scheduler's goodbye, after everything queued.
func (l *workerLink) Retired(reason string) {
	l.out.Put(cluster.NewOutgoing(kindShutdown, &shutdownNotice{Reason: "retired: " + reason}, nil))
}

var _ cluster.RetireLink = (*workerLink)(nil)

// workerNames finds connected workers by the name they gave (WorkerOptions.Name), for
// RetireWorker and adaptive scaling.
type workerNames struct {
	mu     sync.Mutex
	byName map[string]*cluster.Worker
	since  map[*cluster.Worker]time.Time
}

func (n *workerNames) add(name string, w *cluster.Worker) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byName == nil {
		n.byName, n.since = map[string]*cluster.Worker{}, map[*cluster.Worker]time.Time{}
	}
	n.byName[name] = w
	n.since[w] = time.Now()
}

func (n *workerNames) remove(name string, w *cluster.Worker) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byName[name] == w {
		delete(n.byName, name)
	}
	delete(n.since, w)
}

func (n *workerNames) get(name string) *cluster.Worker {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.byName[name]
}

// names returns the connected workers' names.
func (n *workerNames) names() map[string]bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make(map[string]bool, len(n.byName))
	for name := range n.byName {
		out[name] = true
	}
	return out
}

// RetireWorker retires the connected worker that gave this name (see above). The error names
// the worker when none by that name is connected.
func (s *Server) RetireWorker(name, reason string) error {
	w := s.names.get(name)
	if w == nil {
		return fmt.Errorf("retire: no worker named %q is connected", name)
	}
	s.coord.Retire(w, reason)
	return nil
}

// RetireStats returns what worker retirements handed over so far.
func (s *Server) RetireStats() cluster.RetireStats { return s.coord.RetireStats() }

// onRetireRequest handles a worker asking to retire.
func (s *Server) onRetireRequest(w *cluster.Worker, body []byte) {
	var req retireRequest
	_ = decodeMessage(body, &req)
	s.log.Info("worker asks to retire", zap.String("worker", w.Name), zap.String("reason", req.Reason))
	s.coord.RetireWithin(w, req.Reason, max(req.Timeout, 0))
}

// retireWhen returns when the worker should retire (zero: never), from its options.
func (o *WorkerOptions) retireWhen(start time.Time) time.Time {
	var at time.Time
	if o.Lifetime > 0 {
		at = start.Add(o.Lifetime)
	}
	if !o.RetireAt.IsZero() && (at.IsZero() || o.RetireAt.Before(at)) {
		at = o.RetireAt
	}
	return at
}

// askToRetire waits for the worker's retirement time or signal and asks the scheduler to retire
// it, once; it returns when stop is closed.
func askToRetire(opts WorkerOptions, retireAt time.Time, c *conn, stop <-chan struct{}, log *zap.Logger) {
	var timer <-chan time.Time
	if !retireAt.IsZero() {
		t := time.NewTimer(time.Until(retireAt))
		defer t.Stop()
		timer = t.C
	}
	reason := ""
	select {
	case <-stop:
		return
	case <-timer:
		reason = "lifetime reached"
	case <-opts.Retire:
		reason = "asked to retire (SIGTERM)"
	}
	timeout := opts.retireTimeout(time.Now())
	log.Info("retiring: handing over to the scheduler", zap.String("reason", reason), zap.Duration("timeout", timeout))
	if err := c.send(kindRetire, &retireRequest{Reason: opts.Name + ": " + reason, Timeout: timeout}, nil); err != nil {
		log.Warn("asking to retire", zap.Error(err))
	}
}

// SlurmEndTime returns when the Slurm job this process runs in ends: $SLURM_JOB_END_TIME (Unix
// seconds) when set, else the EndTime `scontrol show job $SLURM_JOB_ID` prints. ok is false
// outside a Slurm job or when the job has no end time.
func SlurmEndTime(ctx context.Context) (end time.Time, ok bool) {
	if s := os.Getenv("SLURM_JOB_END_TIME"); s != "" {
		if secs, err := strconv.ParseInt(s, 10, 64); err == nil && secs > 0 {
			return time.Unix(secs, 0), true
		}
	}
	id := os.Getenv("SLURM_JOB_ID")
	if id == "" {
		return time.Time{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "scontrol", "show", "job", id).Output()
	if err != nil {
		return time.Time{}, false
	}
	return parseSlurmEndTime(string(out))
}

// parseSlurmEndTime reads EndTime=2026-12-02T05:10:00 from `scontrol show job` output (local
// time, as scontrol prints it).
func parseSlurmEndTime(out string) (time.Time, bool) {
	for _, f := range strings.Fields(out) {
		v, ok := strings.CutPrefix(f, "EndTime=")
		if !ok {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04:05", v, time.Local)
		if err != nil {
			return time.Time{}, false
		}
		return t, true
	}
	return time.Time{}, false
}

// LifetimeFromEnvironment fills a worker's retirement from its environment: a lifetime from
// $LAZYGRAPH_WORKER_LIFETIME, and in a Slurm job its end time less the margin
// ($LAZYGRAPH_WORKER_LIFETIME_MARGIN, default one minute). A malformed value is an error naming
// the variable.
func LifetimeFromEnvironment(ctx context.Context, opts *WorkerOptions) error {
	if s := os.Getenv(EnvWorkerLifetime); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return fmt.Errorf("$%s=%q: want a positive duration such as 30m", EnvWorkerLifetime, s)
		}
		opts.Lifetime = d
	}
	margin := DefaultLifetimeMargin
	if s := os.Getenv(EnvWorkerLifetimeMargin); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fmt.Errorf("$%s=%q: want a duration such as 1m", EnvWorkerLifetimeMargin, s)
		}
		margin = d
	}
	if s := os.Getenv(EnvWorkerRetireTimeout); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return fmt.Errorf("$%s=%q: want a positive duration such as 45s", EnvWorkerRetireTimeout, s)
		}
		opts.RetireTimeout = d
	}
	if end, ok := SlurmEndTime(ctx); ok {
		opts.RetireAt = end.Add(-margin)
		opts.endAt = end
	}
	return nil
}

// retireTimeout is how long a retirement starting at now may take: RetireTimeout when set,
// else, in a Slurm job, what remains before the job's end less retireSlack (at least a
// second), else 0 (the scheduler's).
func (o *WorkerOptions) retireTimeout(now time.Time) time.Duration {
	if o.RetireTimeout > 0 {
		return o.RetireTimeout
	}
	if o.endAt.IsZero() {
		return 0
	}
	return max(o.endAt.Sub(now)-retireSlack, time.Second)
}

// retiring reports whether the worker was told to retire or its retirement time passed.
func retiring(retire <-chan struct{}, at time.Time) bool {
	select {
	case <-retire:
		return true
	default:
		return !at.IsZero() && !time.Now().Before(at)
	}
}

// watchRetire calls f when retire is closed; the returned function stops watching (and waits).
func watchRetire(retire <-chan struct{}, f func()) (stop func()) {
	if retire == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-retire:
			f()
		case <-done:
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// RetireOnSIGTERM returns a channel closed at the first SIGTERM (for WorkerOptions.Retire: the
// worker retires gracefully, as Slurm asks before the walltime), and a context derived from
// parent cancelled at the second (stop at once). stop releases the signal and the context.
func RetireOnSIGTERM(parent context.Context) (retire <-chan struct{}, ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGTERM)
	ch := make(chan struct{})
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		n := 0
		for {
			select {
			case <-sig:
				if n++; n == 1 {
					close(ch)
					continue
				}
				cancel()
				return
			case <-done:
				return
			}
		}
	}()
	return ch, ctx, func() {
		signal.Stop(sig)
		close(done)
		wg.Wait()
		cancel()
	}
}

// HandsBack says that distributed workers give back their unstarted tasks when they retire
// (worker.HandBack): they run on the serving workers instead of delaying the retirement.
func (l *workerLink) HandsBack() bool { return true }

var _ cluster.HandBackLink = (*workerLink)(nil)
