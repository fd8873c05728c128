package schedulers

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/lazygraph/lazygraph/graph"
)

// ErrNoResources is matched by the error of a computation with a task needing more of a
// resource than the machine declares (Job.Resources) on a local scheduler. It is returned before
// any task runs.
var ErrNoResources = errors.New("a task needs resources the machine does not declare")

// CheckResources returns an error matching ErrNoResources naming the first task (in plan order)
// needing more of a resource than have, or nil. where says whose resources have are ("the
// machine", "the largest worker share").
func CheckResources(plan *graph.Plan, have graph.Resources, where string) error {
	if !plan.NeedsResources() {
		return nil
	}
	for i := range int32(plan.Len()) {
		need := plan.Resources(i)
		if len(need) == 0 {
			continue
		}
		if missing := have.Lacks(need); missing != "" {
			t := plan.Task(i)
			return fmt.Errorf("%w: task %s of %s needs %s (all it needs: %s), and %s has %s; declare it with delayed.WithResources or LAZYGRAPH_RESOURCES",
				ErrNoResources, t.Key(), t.Func().Name(), missing, need, where, declared(have, missing))
		}
	}
	return nil
}

func declared(have graph.Resources, missing string) string {
	for k := range len(missing) {
		if missing[k] == '=' {
			name := missing[:k]
			if v, ok := have[name]; ok {
				return name + "=" + strconv.FormatFloat(v, 'g', -1, 64)
			}
			return "no " + name
		}
	}
	return "none"
}

// ResourcePool counts the free amounts of a machine's resources while tasks hold them. It is not
// safe for concurrent use: its user serialises calls.
type ResourcePool struct {
	free graph.Resources
}

// NewResourcePool returns a pool holding have.
func NewResourcePool(have graph.Resources) *ResourcePool {
	free := graph.Resources{}
	for k, v := range have {
		free[k] = v
	}
	return &ResourcePool{free: free}
}

// Acquire takes need from the pool when all of it is free, and reports whether it did.
func (p *ResourcePool) Acquire(need graph.Resources) bool {
	if p.free.Lacks(need) != "" {
		return false
	}
	for k, v := range need {
		p.free[k] -= v
	}
	return true
}

// Release gives back what Acquire took.
func (p *ResourcePool) Release(need graph.Resources) {
	for k, v := range need {
		p.free[k] += v
	}
}
