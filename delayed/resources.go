package delayed

import (
	"fmt"
	"os"

	"github.com/lazygraph/lazygraph/graph"
)

// EnvResources names the environment variable declaring the resources of the machine a
// computation runs on, for the local schedulers ("gpu=1,mem=64e9"; see [WithResources]).
const EnvResources = "LAZYGRAPH_RESOURCES"

// Resources declares what each call of the function needs while it runs: named amounts such as
// {"gpu": 1} or {"mem": 16e9}, which lazygraph only compares and counts. A call runs only where
// every resource it names is free in the amount it needs, and holds them until it ends:
//
//   - processes and distributed: on a worker that declared them (lazygraph worker -resources
//     gpu=1, LAZYGRAPH_WORKER_RESOURCES, or the local cluster's option), as many calls at once
//     as its amounts allow; other tasks run on any worker. A computation needing a resource no
//     connected worker has waits for one, and fails after the no-worker timeout
//     (LAZYGRAPH_NO_WORKER_TIMEOUT) with an error matching ErrNoWorker that names the resource.
//   - threads: against the machine's resources declared by [WithResources] (or
//     LAZYGRAPH_RESOURCES): calls holding them leave that much less for other calls, so gpu=1
//     runs at most one such call at a time.
//   - synchronous: one call at a time, so it only checks the machine declared enough.
//
// On every scheduler a call needing more of a resource than the machine or any worker could
// ever have is an error, never a silent run: before anything runs on the local schedulers, and
// after the no-worker timeout on a cluster (where workers may still join). A malformed amount
// (not finite, or not above 0) makes every call of the function a *[BuildError].
func Resources(r map[string]float64) FuncOption {
	return func(o *funcOptions) { o.resources = graph.Resources(r).Clone() }
}

// Priority orders the function's ready calls before those of lower priority (the default is
// 0; negative runs later). Ties go in the graph's order (arguments before users, outputs in the
// order requested). Every scheduler honours it for the ready tasks of one computation; across
// computations sharing a cluster, [WithPriority] decides first. A high-priority call waits for
// its arguments like any other, but the priority passes to the tasks computing them (as in
// Dask): a task runs at (at least) the highest priority of the tasks using its result.
func Priority(p int) FuncOption {
	return func(o *funcOptions) { o.priority = p }
}

// WithPriority sets the computation's priority on a shared cluster (default 0): the coordinator
// serves the ready tasks of computations of higher priority first, and computations of equal
// priority in turn (round robin, worker by worker), not oldest first. The local schedulers run
// one computation per call, so it changes nothing there.
func WithPriority(p int) Option {
	return func(s *settings) {
		s.priority = p
		s.assign(settingPriority, nil)
	}
}

// WithResources declares the resources of the machine the computation runs on, for functions
// declaring [Resources]: the threads scheduler lets calls hold them while they run, the
// synchronous one checks them, and the processes scheduler deals them out among its workers
// (every whole unit to one worker in turn: gpu=2 over 4 workers gives workers 0 and 1 gpu=1;
// amounts above the worker count split evenly). A distributed cluster's workers declare their
// own (lazygraph worker -resources). The environment variable LAZYGRAPH_RESOURCES says the same
// ("gpu=1,mem=64e9"). Amounts must be finite and above 0.
func WithResources(r map[string]float64) Option {
	return func(s *settings) {
		s.resources = graph.Resources(r).Clone()
		s.assign(settingResources, s.resources.Validate())
	}
}

func resourcesFromEnvironment(s *settings) {
	v, ok := os.LookupEnv(EnvResources)
	if !ok || v == "" {
		return
	}
	r, err := graph.ParseResources(v)
	if err != nil {
		err = fmt.Errorf("%s=%q: %w", EnvResources, v, err)
	}
	s.resources = r
	s.assign(settingResources, err)
}
