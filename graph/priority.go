package graph

import (
	"cmp"
	"slices"
)

// PriorityOrder ranks n tasks for ready queues when some have a priority: higher priority first,
// ties in index order (the plan's static order). prio(i) is task i's priority. It returns nil,
// nil when every priority is 0, so that the queues use task indices directly; otherwise rank[i]
// is task i's place and order[r] the task at place r. Pushing rank[i] into a [ReadyQueue] and
// mapping what Pop returns through order serves ready tasks by priority.
func PriorityOrder(n int, prio func(i int32) int) (rank, order []int32) {
	any := false
	for i := range int32(n) {
		if prio(i) != 0 {
			any = true
			break
		}
	}
	if !any {
		return nil, nil
	}
	order = make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(prio(b), prio(a)) })
	rank = make([]int32, n)
	for r, i := range order {
		rank[i] = int32(r)
	}
	return rank, order
}

// Priority returns task i's priority: its function's (0 for data nodes).
func (p *Plan) Priority(i int32) int {
	if fn := p.tasks[i].fn; fn != nil {
		return fn.priority
	}
	return 0
}

// Rank returns the plan's priority ranking (see [PriorityOrder]): nil, nil when no task has a
// priority, so that ready queues order tasks by index. Computed once, when the plan is compiled.
func (p *Plan) Rank() (rank, order []int32) { return p.rank, p.order }

// Resources returns what task i needs while it runs: its function's resources (nil for none).
// Do not modify it.
func (p *Plan) Resources(i int32) Resources {
	if fn := p.tasks[i].fn; fn != nil {
		return fn.resources
	}
	return nil
}

// NeedsResources reports whether some task of the plan needs resources.
func (p *Plan) NeedsResources() bool { return p.resourceful }

// InheritPriorities passes priorities down to the tasks computing a task's inputs, as Dask
// does: a task's effective priority is the highest of its own and that of every task using its
// result, directly or not, so that the inputs of an urgent task run (at least) as urgently. It
// returns prio itself when every priority is 0. Tasks must be in topological order (args(i) all
// below i), as plans and cluster graphs are.
func InheritPriorities(n int, prio func(i int32) int, args func(i int32) []int32) func(i int32) int {
	var eff []int
	for i := range int32(n) {
		if prio(i) != 0 {
			eff = make([]int, n)
			break
		}
	}
	if eff == nil {
		return prio
	}
	for i := range int32(n) {
		eff[i] = prio(i)
	}
	for i := int32(n) - 1; i >= 0; i-- {
		for _, a := range args(i) {
			eff[a] = max(eff[a], eff[i])
		}
	}
	return func(i int32) int { return eff[i] }
}
