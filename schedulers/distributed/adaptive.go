package distributed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/internal/cluster"
)

// Launcher starts and stops workers for an adaptive scheduler (see Adaptive): a Slurm launcher
// submits a worker job, a command launcher starts a process, a Kubernetes one would scale a
// deployment. A worker it starts must join under the name StartWorker returns
// (WorkerOptions.Name, $LAZYGRAPH_WORKER_NAME), so that the scheduler knows it.
type Launcher interface {
	// StartWorker starts one worker and returns its name. It may return before the worker runs
	// (a job in a queue).
	StartWorker(ctx context.Context) (name string, err error)
	// StopWorker makes sure the named worker is gone: a worker that has not joined yet (a job
	// still pending) is cancelled, one that still runs after it was told to stop is ended. The
	// scheduler retires connected workers itself (gracefully) before it calls StopWorker.
	StopWorker(ctx context.Context, name string) error
}

// BatchLauncher is a Launcher that starts several workers at once (a Slurm job array).
type BatchLauncher interface {
	Launcher
	StartWorkers(ctx context.Context, n int) (names []string, err error)
}

// Adaptive scales a scheduler's workers with its load: when tasks wait for workers it starts
// more (at most Max), and it retires workers that have been idle for IdleAfter (keeping at least
// Min). Retiring is graceful (the worker hands its values over; nothing is recomputed). Set it in
// ServerOptions.Adaptive.
type Adaptive struct {
	Min, Max int
	Launcher Launcher
	// Interval is how often the load is looked at (default 1s).
	Interval time.Duration
	// IdleAfter is how long a worker with nothing to do is kept before it is retired
	// (default 10s): the hysteresis that keeps a cluster from shrinking between two bursts.
	IdleAfter time.Duration
	// TasksPerWorker is how many ready or running tasks justify one worker (default 1).
	TasksPerWorker int
	// StartTimeout is how long a started worker may take to join before it is stopped and
	// no longer counted (default 10 minutes: a Slurm queue can be slow).
	StartTimeout time.Duration
	// OnChange, when set, hears the worker counts whenever they change (a timeline). It runs on
	// the adaptive loop's goroutine and must not block.
	OnChange func(AdaptiveStatus)
}

// AdaptiveStatus is an adaptive scheduler's worker counts at one moment.
type AdaptiveStatus struct {
	Time     time.Time `json:"time"`
	Target   int       `json:"target"`   // workers wanted for the load
	Starting int       `json:"starting"` // started, not joined yet
	Serving  int       `json:"serving"`  // connected and taking tasks
	Retiring int       `json:"retiring"` // connected, handing over before they exit
	Tasks    int       `json:"tasks"`    // ready and running tasks
	Started  int       `json:"started"`  // workers started so far
	Retired  int       `json:"retired"`  // workers retired so far
}

func (a *Adaptive) validate() error {
	var errs []error
	if a.Launcher == nil {
		errs = append(errs, errors.New("adaptive: no Launcher"))
	}
	if a.Min < 0 || a.Max < 1 || a.Min > a.Max {
		errs = append(errs, fmt.Errorf("adaptive: want 0 <= Min <= Max and Max >= 1, got Min %d, Max %d", a.Min, a.Max))
	}
	return errors.Join(errs...)
}

func (a *Adaptive) defaults() {
	if a.Interval <= 0 {
		a.Interval = time.Second
	}
	if a.IdleAfter <= 0 {
		a.IdleAfter = 10 * time.Second
	}
	if a.TasksPerWorker <= 0 {
		a.TasksPerWorker = 1
	}
	if a.StartTimeout <= 0 {
		a.StartTimeout = 10 * time.Minute
	}
}

// adaptor is an Adaptive at work for one server.
type adaptor struct {
	a   Adaptive
	s   *Server
	log *zap.Logger

	mu       sync.Mutex
	starting map[string]time.Time // started, not joined yet
	joined   map[string]bool      // started by us and seen connected
	idle     map[*cluster.Worker]idleMark
	status   AdaptiveStatus
	started  int
	retired  int
}

type idleMark struct {
	since     time.Time
	completed int64
}

func newAdaptor(a Adaptive, s *Server) *adaptor {
	a.defaults()
	return &adaptor{a: a, s: s, log: s.log, starting: map[string]time.Time{}, joined: map[string]bool{}, idle: map[*cluster.Worker]idleMark{}}
}

// run looks at the load every Interval until ctx ends, then stops the workers it started that
// are still there.
func (ad *adaptor) run(ctx context.Context) {
	t := time.NewTicker(ad.a.Interval)
	defer t.Stop()
	for {
		ad.step(ctx, time.Now())
		select {
		case <-ctx.Done():
			ad.stopAll()
			return
		case <-t.C:
		}
	}
}

// step decides once.
func (ad *adaptor) step(ctx context.Context, now time.Time) {
	load := ad.s.coord.Load()
	names := ad.s.names.names()

	ad.mu.Lock()
	// Started workers that joined, or took too long.
	var late []string
	for name, at := range ad.starting {
		switch {
		case names[name]:
			delete(ad.starting, name)
			ad.joined[name] = true
		case now.Sub(at) > ad.a.StartTimeout:
			delete(ad.starting, name)
			late = append(late, name)
		}
	}
	for name := range ad.joined {
		if !names[name] {
			delete(ad.joined, name) // it left (retired, or died)
		}
	}
	serving, retiring := 0, 0
	var idle []*cluster.Worker
	live := map[*cluster.Worker]bool{}
	for _, wl := range load.Workers {
		live[wl.Worker] = true
		if wl.Retiring {
			retiring++
			continue
		}
		serving++
		m, seen := ad.idle[wl.Worker]
		if wl.Queued > 0 || !seen || m.completed != wl.Completed {
			ad.idle[wl.Worker] = idleMark{since: now, completed: wl.Completed} // busy since the last look
			continue
		}
		if now.Sub(m.since) >= ad.a.IdleAfter {
			idle = append(idle, wl.Worker)
		}
	}
	for w := range ad.idle {
		if !live[w] {
			delete(ad.idle, w)
		}
	}
	tasks := load.Ready + load.Queued
	want := (tasks + ad.a.TasksPerWorker - 1) / ad.a.TasksPerWorker
	if want == 0 && load.Waiting > 0 && serving == 0 {
		want = 1 // tasks wait for inputs that only a worker can compute
	}
	want = min(max(want, ad.a.Min), ad.a.Max)
	starting := len(ad.starting)
	toStart := max(want-serving-starting, 0)
	// Workers not wanted any more: first those still starting, then idle ones.
	var cancel []string
	if excess := serving + starting - want; excess > 0 && want <= serving {
		for name := range ad.starting {
			if excess == 0 {
				break
			}
			cancel = append(cancel, name)
			delete(ad.starting, name)
			excess--
		}
	}
	var retire []*cluster.Worker
	if excess := serving - want; excess > 0 {
		slices.SortFunc(idle, func(x, y *cluster.Worker) int { return x.Slot() - y.Slot() })
		for _, w := range idle {
			if excess == 0 {
				break
			}
			retire = append(retire, w)
			delete(ad.idle, w)
			excess--
		}
	}
	ad.mu.Unlock()

	for _, name := range append(late, cancel...) {
		if err := ad.a.Launcher.StopWorker(ctx, name); err != nil {
			ad.log.Warn("adaptive: stopping a worker", zap.String("worker", name), zap.Error(err))
		}
	}
	for _, w := range retire {
		ad.log.Info("adaptive: retiring an idle worker", zap.String("worker", w.Name))
		ad.s.coord.Retire(w, "idle (adaptive)")
	}
	started := ad.start(ctx, toStart, now)

	ad.mu.Lock()
	ad.started += started
	ad.retired += len(retire)
	st := AdaptiveStatus{Time: now, Target: want, Starting: len(ad.starting), Serving: serving - len(retire),
		Retiring: retiring + len(retire), Tasks: tasks, Started: ad.started, Retired: ad.retired}
	changed := st.Target != ad.status.Target || st.Starting != ad.status.Starting || st.Serving != ad.status.Serving ||
		st.Retiring != ad.status.Retiring
	ad.status = st
	ad.mu.Unlock()
	if changed {
		ad.log.Info("adaptive", zap.Int("target", st.Target), zap.Int("starting", st.Starting), zap.Int("serving", st.Serving),
			zap.Int("retiring", st.Retiring), zap.Int("tasks", st.Tasks))
		if ad.a.OnChange != nil {
			ad.a.OnChange(st)
		}
	}
}

// start starts n workers, at once when the launcher can.
func (ad *adaptor) start(ctx context.Context, n int, now time.Time) int {
	if n <= 0 {
		return 0
	}
	var names []string
	var err error
	if bl, ok := ad.a.Launcher.(BatchLauncher); ok {
		names, err = bl.StartWorkers(ctx, n)
	} else {
		for range n {
			name, serr := ad.a.Launcher.StartWorker(ctx)
			if serr != nil {
				err = serr
				break
			}
			names = append(names, name)
		}
	}
	if err != nil {
		ad.log.Warn("adaptive: starting workers", zap.Int("wanted", n), zap.Int("started", len(names)), zap.Error(err))
	}
	ad.mu.Lock()
	for _, name := range names {
		ad.starting[name] = now
	}
	ad.mu.Unlock()
	if len(names) > 0 {
		ad.log.Info("adaptive: started workers", zap.Strings("workers", names))
	}
	return len(names)
}

// stopAll stops the workers still starting, and those that did not leave when the scheduler
// stopped.
func (ad *adaptor) stopAll() {
	connected := ad.s.names.names()
	ad.mu.Lock()
	var names []string
	for name := range ad.starting {
		names = append(names, name)
	}
	for name := range ad.joined {
		if connected[name] {
			names = append(names, name) // it did not leave when told to
		}
	}
	ad.starting, ad.joined = map[string]time.Time{}, map[string]bool{}
	ad.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, name := range names {
		if err := ad.a.Launcher.StopWorker(ctx, name); err != nil {
			ad.log.Warn("adaptive: stopping a worker", zap.String("worker", name), zap.Error(err))
		}
	}
}

// Status returns the adaptive scheduler's latest worker counts.
func (ad *adaptor) snapshot() AdaptiveStatus {
	ad.mu.Lock()
	defer ad.mu.Unlock()
	return ad.status
}

// AdaptiveStatus returns the adaptive scheduler's latest worker counts (zero when the server
// is not adaptive).
func (s *Server) AdaptiveStatus() AdaptiveStatus {
	if s.adapt == nil {
		return AdaptiveStatus{}
	}
	return s.adapt.snapshot()
}
