package delayed

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Environment variables read by every Compute (below options and [Configure] in precedence).
const (
	EnvScheduler = "LAZYGRAPH_SCHEDULER"         // scheduler name: synchronous, threads, processes, distributed
	EnvWorkers   = "LAZYGRAPH_WORKERS"           // number of workers, at least 1
	EnvChunksize = "LAZYGRAPH_CHUNKSIZE"         // tasks per message to a worker process; 0 = adaptive
	EnvAddress   = "LAZYGRAPH_SCHEDULER_ADDRESS" // address or scheduler file of a distributed scheduler
	EnvProgress  = "LAZYGRAPH_PROGRESS"          // "1" or "true": progress bar on standard error; "functions": and a line per function
	EnvCache     = "LAZYGRAPH_CACHE"             // directory of a result store (see WithCache)
)

// DefaultScheduler is the scheduler used when nothing else is configured.
const DefaultScheduler = "threads"

// Option configures computations: pass options to a Compute call, or to [Configure] for every
// computation.
type Option func(*settings)

// setting identifies one configurable field, for precedence and for error reporting.
type setting uint8

const (
	settingScheduler setting = iota
	settingWorkers
	settingChunksize
	settingAddress
	settingProgress
	settingLogger
	settingSeed
	settingRetries
	settingKeepGoing
	settingCache
	settingTrace
	settingPriority
	settingResources
	settingRelay
	settingDashboard
	settingWorkerMemory
	settingCount
)

type settings struct {
	scheduler     string
	instance      schedulers.Scheduler // a scheduler given directly, instead of by name
	workers       int
	chunksize     int
	address       string
	progress      io.Writer
	logger        *zap.Logger
	callbacks     []Callbacks
	wireCheck     bool   // see WithWireCheck
	seed          uint64 // root of the tasks' random streams: WithSeed, LAZYGRAPH_SEED
	retries       int    // WithRetries
	keepGoing     bool   // WithKeepGoing
	cacheDir      string
	progressFuncs bool            // WithFunctionProgress, LAZYGRAPH_PROGRESS=functions
	trace         string          // WithTrace, LAZYGRAPH_TRACE: file to write a trace to
	priority      int             // WithPriority
	resources     graph.Resources // WithResources, LAZYGRAPH_RESOURCES
	noRelay       bool            // WithOutputRelay(false), LAZYGRAPH_RELAY_OUTPUT=0
	relayOut      [2]io.Writer    // WithRelayedOutputTo: where relayed output goes
	dashboard     string          // WithDashboard, LAZYGRAPH_DASHBOARD: address to serve the dashboard on
	workerMemory  WorkerMemory    // WithWorkerMemory

	set  [settingCount]bool
	errs [settingCount]error
}

func (s *settings) assign(which setting, err error) {
	s.set[which] = true
	s.errs[which] = err
}

// WithScheduler selects the scheduler by registered name ("synchronous", "threads",
// "processes", "distributed").
func WithScheduler(name string) Option {
	return func(s *settings) {
		s.scheduler = name
		s.instance = nil
		s.assign(settingScheduler, nil)
	}
}

// Using computes with the given scheduler instance instead of one looked up by name: a
// distributed Client, say, whose futures a computation uses. It takes precedence over the
// scheduler name.
func Using(s schedulers.Scheduler) Option {
	return func(st *settings) {
		st.instance = s
		st.scheduler = fmt.Sprintf("%T", s)
		st.assign(settingScheduler, nil)
	}
}

// WithWorkers sets how many tasks may run at once: goroutines for threads, worker processes for
// processes, local workers for a local cluster. It must be at least 1.
func WithWorkers(n int) Option {
	return func(s *settings) {
		s.workers = n
		var err error
		if n < 1 {
			err = fmt.Errorf("workers must be at least 1, got %d", n)
		}
		s.assign(settingWorkers, err)
	}
}

// WithChunksize sets how many ready tasks the processes scheduler sends to a worker in one
// message: 1 hands out tasks one at a time (dynamic allocation), larger values batch them
// (static allocation), 0 (the default) adapts to how long tasks take. Negative values are an
// error. The local schedulers ignore it.
func WithChunksize(k int) Option {
	return func(s *settings) {
		s.chunksize = k
		var err error
		if k < 0 {
			err = fmt.Errorf("chunksize must be 0 (adaptive) or more, got %d", k)
		}
		s.assign(settingChunksize, err)
	}
}

// WithAddress gives the address (host:port) or scheduler file of a running distributed
// scheduler.
func WithAddress(addr string) Option {
	return func(s *settings) {
		s.address = addr
		s.assign(settingAddress, nil)
	}
}

// WithProgress draws a progress bar on w while computing (redrawn in place on a terminal, a
// line at a time otherwise). nil turns it off.
func WithProgress(w io.Writer) Option {
	return func(s *settings) {
		s.progress = w
		s.progressFuncs = false
		s.assign(settingProgress, nil)
	}
}

// WithLogger makes schedulers log through l. The default logs nothing.
func WithLogger(l *zap.Logger) Option {
	return func(s *settings) {
		s.logger = l
		s.assign(settingLogger, nil)
	}
}

// WithCallbacks adds callbacks. Unlike other options they accumulate: callbacks given to
// [Configure] and to the call are all called.
func WithCallbacks(cb Callbacks) Option {
	return func(s *settings) { s.callbacks = append(s.callbacks, cb) }
}

var global struct {
	mu   sync.RWMutex
	opts []Option
}

// Configure sets options for every later computation (options given to a call still take
// precedence) and returns a function restoring the previous configuration. Restore in reverse
// order of configuring, typically with defer.
func Configure(opts ...Option) (restore func()) {
	global.mu.Lock()
	defer global.mu.Unlock()
	prev := global.opts
	global.opts = append(slices.Clip(prev), opts...)
	return func() {
		global.mu.Lock()
		defer global.mu.Unlock()
		global.opts = prev
	}
}

// resolve combines defaults, the environment, Configure's options and the call's options, in
// increasing precedence. An invalid value is an error only if nothing with higher precedence
// replaced it.
func resolve(callOpts []Option) (settings, error) {
	s := settings{scheduler: DefaultScheduler, workers: runtime.GOMAXPROCS(0), logger: zap.NewNop()}
	fromEnvironment(&s)
	global.mu.RLock()
	for _, opt := range global.opts {
		opt(&s)
	}
	global.mu.RUnlock()
	for _, opt := range callOpts {
		if opt != nil {
			opt(&s)
		}
	}
	if s.logger == nil {
		s.logger = zap.NewNop()
	}
	for _, err := range s.errs {
		if err != nil {
			return s, fmt.Errorf("lazygraph configuration: %w", err)
		}
	}
	return s, nil
}

func fromEnvironment(s *settings) {
	if v, ok := os.LookupEnv(EnvScheduler); ok && v != "" {
		s.scheduler = strings.TrimSpace(v)
		s.assign(settingScheduler, nil)
	}
	if v, ok := os.LookupEnv(EnvWorkers); ok && v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			s.assign(settingWorkers, fmt.Errorf("%s=%q: want a whole number of at least 1", EnvWorkers, v))
		} else {
			s.workers = n
			s.assign(settingWorkers, nil)
		}
	}
	if v, ok := os.LookupEnv(EnvChunksize); ok && v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			s.assign(settingChunksize, fmt.Errorf("%s=%q: want 0 (adaptive) or a whole number of tasks", EnvChunksize, v))
		} else {
			s.chunksize = n
			s.assign(settingChunksize, nil)
		}
	}
	if v, ok := os.LookupEnv(EnvAddress); ok && v != "" {
		s.address = strings.TrimSpace(v)
		s.assign(settingAddress, nil)
	}
	seedFromEnvironment(s)
	traceFromEnvironment(s)
	resourcesFromEnvironment(s)
	relayFromEnvironment(s)
	dashboardFromEnvironment(s)
	if v, ok := os.LookupEnv(EnvCache); ok && v != "" {
		s.cacheDir = strings.TrimSpace(v)
		s.assign(settingCache, nil)
	}
	if v, ok := os.LookupEnv(EnvProgress); ok && v != "" {
		on, err := strconv.ParseBool(strings.TrimSpace(v))
		switch {
		case strings.EqualFold(strings.TrimSpace(v), "functions"):
			s.progress, s.progressFuncs = os.Stderr, true
			s.assign(settingProgress, nil)
		case err != nil:
			s.assign(settingProgress, fmt.Errorf("%s=%q: want 1, true, functions, 0 or false", EnvProgress, v))
		case on:
			s.progress = os.Stderr
			s.assign(settingProgress, nil)
		}
	}
}
