package cluster

import (
	"cmp"
	"slices"

	"github.com/lazygraph/lazygraph/graph"
)

// Priorities.
//
// Within a computation, ready tasks are served by their function's priority, then in graph
// order: the ready queues (Job.ready, Job.local, the resource queues) hold ranks
// (graph.PriorityOrder) instead of task indices when some function has a priority, so a queue pop
// is still one heap operation. Without priorities ranks are task indices and nothing changes.
//
// Across computations, a worker with room is filled from the computations of highest priority
// (Job.Priority) first; computations of equal priority take turns (serving): each fill starts
// with the next one, so two computations on one cluster share its workers instead of the oldest
// taking them all.

// prioritize derives the ranking and the resource needs from the functions.
func (g *Graph) prioritize() {
	own := func(i int32) int {
		if f := g.funcs.at(i); f >= 0 {
			return g.functions[f].Priority
		}
		return 0
	}
	// A task's inputs run at (at least) its priority.
	g.rank, g.order = graph.PriorityOrder(g.funcs.len(), graph.InheritPriorities(g.funcs.len(), own, g.Args))
	g.needs = nil
	for k, f := range g.functions {
		if len(f.Resources) > 0 {
			if g.needs == nil {
				g.needs = make([]bool, len(g.functions))
			}
			g.needs[k] = true
		}
	}
}

// rankOf returns task i's place in ready queues.
func (g *Graph) rankOf(i int32) int32 {
	if g.rank == nil {
		return i
	}
	return g.rank[i]
}

// taskAt returns the task at place r of ready queues.
func (g *Graph) taskAt(r int32) int32 {
	if g.order == nil {
		return r
	}
	return g.order[r]
}

// needsResources reports whether task i needs resources.
func (g *Graph) needsResources(i int32) bool {
	return g.needs != nil && g.funcs.at(i) >= 0 && g.needs[g.funcs.at(i)]
}

// Priority returns task i's priority (0 for data nodes).
func (g *Graph) Priority(i int32) int {
	if f := g.funcs.at(i); f >= 0 {
		return g.functions[f].Priority
	}
	return 0
}

func (js *Job) pushReady(i int32) { js.ready.Push(js.Graph.rankOf(i)) }

func (js *Job) popReady() int32 { return js.Graph.taskAt(js.ready.Pop()) }

// serving returns the computations in the order a worker with room is filled: higher
// Job.Priority first, equal priorities in turn (each call starts one further). The slice is
// reused by the next call.
func (c *Coordinator) serving() []*Job {
	if len(c.jobs) < 2 {
		return c.jobs
	}
	if c.sorted == nil {
		c.sorted = slices.Clone(c.jobs)
		slices.SortStableFunc(c.sorted, func(a, b *Job) int { return cmp.Compare(b.Priority, a.Priority) })
		c.groupEnds = c.groupEnds[:0]
		for k := 1; k <= len(c.sorted); k++ {
			if k == len(c.sorted) || c.sorted[k].Priority != c.sorted[k-1].Priority {
				c.groupEnds = append(c.groupEnds, k)
			}
		}
	}
	c.turn++
	out := c.servingBuf[:0]
	start := 0
	for _, end := range c.groupEnds {
		n := end - start
		off := int(c.turn % uint64(n))
		for k := range n {
			out = append(out, c.sorted[start+(off+k)%n])
		}
		start = end
	}
	c.servingBuf = out
	return out
}

// jobsChanged drops the serving order after a computation started or ended.
func (c *Coordinator) jobsChanged() { c.sorted = nil }
