package distributed

import (
	"fmt"
	"os"

	"github.com/lazygraph/lazygraph/graph"
)

// EnvWorkerResources names the environment variable giving a worker's resources when
// WorkerOptions.Resources and `lazygraph worker -resources` say nothing: "gpu=1,mem=64e9" (see
// graph.ParseResources). Tasks of functions declaring resources (delayed.Resources) run only on
// workers declaring them, while the amounts are free.
const EnvWorkerResources = "LAZYGRAPH_WORKER_RESOURCES"

// Limits of what a peer may declare or require.
const (
	// maxResources bounds the resources one worker declares or one function needs.
	maxResources = 64
	// maxPriority bounds priorities, of functions and of computations, either way.
	maxPriority = 1 << 30
)

// ResourcesFromEnvironment reads EnvWorkerResources (nil when unset or empty).
func ResourcesFromEnvironment() (graph.Resources, error) {
	v := os.Getenv(EnvWorkerResources)
	r, err := graph.ParseResources(v)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %w", EnvWorkerResources, v, err)
	}
	return r, nil
}

// validResources checks resources a peer sent: at most maxResources, well-formed names,
// finite positive amounts.
func validResources(r graph.Resources) error {
	if len(r) > maxResources {
		return fmt.Errorf("%d resources (at most %d)", len(r), maxResources)
	}
	return r.Validate()
}

// validWorkerResources checks what a joining worker declares.
func validWorkerResources(r graph.Resources) error {
	if err := validResources(r); err != nil {
		return fmt.Errorf("the worker's resources: %w", err)
	}
	return nil
}
