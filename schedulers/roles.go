package schedulers

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// EnvWorkerRole is set by a scheduler in the environment of the worker processes it starts:
// its value names the role (the scheduler) the process must serve.
const EnvWorkerRole = "LAZYGRAPH_WORKER"

var roles = struct {
	sync.Mutex
	byName map[string]func() error
}{byName: map[string]func() error{}}

// serving is set while this process serves as a worker.
var serving atomic.Bool

// startedAsWorker records that the environment named a role when the program started, so that a
// program which forgot to call delayed.Init can be told so instead of starting workers itself.
var startedAsWorker = os.Getenv(EnvWorkerRole) != ""

// RegisterWorkerRole makes serve run when a process started with EnvWorkerRole=name calls
// [ServeWorker]. Call it from the scheduler package's init function.
func RegisterWorkerRole(name string, serve func() error) {
	roles.Lock()
	defer roles.Unlock()
	if _, dup := roles.byName[name]; dup || serve == nil {
		panic("schedulers: RegisterWorkerRole called twice for " + name)
	}
	roles.byName[name] = serve
}

// ServeWorker serves as a worker when the environment says this process is one, and reports
// whether it did; the program should then exit. The variable is removed from the environment
// first, so that processes the tasks start are ordinary processes.
func ServeWorker() (bool, error) {
	role, ok := os.LookupEnv(EnvWorkerRole)
	if !ok || role == "" {
		return false, nil
	}
	os.Unsetenv(EnvWorkerRole)
	roles.Lock()
	serve := roles.byName[role]
	roles.Unlock()
	if serve == nil {
		return true, fmt.Errorf("%s=%q names no worker role this program knows", EnvWorkerRole, role)
	}
	serving.Store(true)
	defer serving.Store(false)
	return true, serve()
}

// InWorker reports whether this process is serving as a worker: a computation started inside a
// task then runs in this process instead of starting workers of its own.
func InWorker() bool { return serving.Load() }

// ErrForgotInit is returned when a process started as a worker computes without having served:
// its main does not call delayed.Init first, and would otherwise start workers of its own.
var ErrForgotInit = fmt.Errorf("this process was started as a lazygraph worker (%s is set) but main did not call delayed.Init() first; add `if delayed.Init() { return }` at the top of main (and of TestMain in tests)", EnvWorkerRole)

// StartedAsWorker reports whether the process was started as a worker but is not serving as one:
// the mistake [ErrForgotInit] describes.
func StartedAsWorker() bool {
	return startedAsWorker && !serving.Load() && os.Getenv(EnvWorkerRole) != ""
}
