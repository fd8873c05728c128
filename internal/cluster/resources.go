package cluster

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lazygraph/lazygraph/graph"
)

// Resources.
//
// A worker declares resources when it joins (Worker.Resources); a function declares what each of
// its tasks needs (Function.Resources). Tasks needing resources never enter the ordinary ready
// queues: they wait in their computation's resource queues, one per function (ranks, as in the
// ready queue), and are placed by place, which runs only when something changed (such a task
// became ready, a worker holding resources reported or joined). It looks at the workers
// declaring the resource the function names first (byResource), never at the others, and gives
// each as many tasks as its free amounts allow. A task holds its resources from the moment it is
// sent until its worker reports it (or dies), so a worker declaring gpu=1 has at most one gpu
// task queued or running. Other tasks run on any worker, those with resources included.
//
// Nothing here runs for a cluster whose workers and computations declare no resources: c.res
// stays nil and the only cost on the common path is a flag test per task.

// resIndex is the coordinator's resource bookkeeping, made when first needed.
type resIndex struct {
	byResource map[string][]*Worker // live workers declaring each resource, in the order they joined
	changed    bool                 // tasks to place, or resources freed: run place
}

// resQueues are a computation's ready tasks that need resources.
type resQueues struct {
	byFunc map[int32]*graph.ReadyQueue // by function index: ranks
	funcs  []int32                     // the functions with a queue, sorted
	count  int                         // tasks in the queues
}

func (c *Coordinator) resources() *resIndex {
	if c.res == nil {
		c.res = &resIndex{byResource: map[string][]*Worker{}}
	}
	return c.res
}

// joinResources indexes a joining worker's resources.
func (c *Coordinator) joinResources(w *Worker) {
	if len(w.Resources) == 0 {
		return
	}
	w.free = w.Resources.Clone()
	r := c.resources()
	for name := range w.Resources {
		r.byResource[name] = append(r.byResource[name], w)
	}
	r.changed = true
}

// leaveResources takes a worker that left out of the index.
func (c *Coordinator) leaveResources(w *Worker) {
	if len(w.Resources) == 0 || c.res == nil {
		return
	}
	for name := range w.Resources {
		list := slices.DeleteFunc(c.res.byResource[name], func(other *Worker) bool { return other == w })
		if len(list) == 0 {
			delete(c.res.byResource, name)
		} else {
			c.res.byResource[name] = list
		}
	}
}

// readyResources queues ready task i, which needs resources.
func (c *Coordinator) readyResources(js *Job, i int32) {
	if js.res == nil {
		js.res = &resQueues{byFunc: map[int32]*graph.ReadyQueue{}}
	}
	f := js.Graph.funcs.at(i)
	q := js.res.byFunc[f]
	if q == nil {
		q = new(graph.ReadyQueue)
		js.res.byFunc[f] = q
		k, _ := slices.BinarySearch(js.res.funcs, f)
		js.res.funcs = slices.Insert(js.res.funcs, k, f)
	}
	q.Push(js.Graph.rankOf(i))
	js.res.count++
	c.resources().changed = true
}

// dropResourceQueues forgets a stopped computation's waiting tasks.
func (js *Job) dropResourceQueues() { js.res = nil }

// take counts task i's resources as held by w (it was just sent there).
func (c *Coordinator) take(w *Worker, js *Job, i int32) {
	if w.free == nil {
		w.free = graph.Resources{}
	}
	for name, v := range js.Graph.Func(i).Resources {
		w.free[name] -= v
	}
}

// giveBack returns task i's resources to w (its worker reported it, or it was dropped).
func (c *Coordinator) giveBack(w *Worker, js *Job, i int32) {
	if js.flags[i]&flagResources == 0 || w.free == nil {
		return
	}
	for name, v := range js.Graph.Func(i).Resources {
		w.free[name] += v
	}
	if c.res != nil {
		c.res.changed = true
	}
}

// place gives tasks waiting for resources to workers that have them free: computations in
// serving order, functions in index order, tasks by priority, workers in the order they joined.
func (c *Coordinator) place() {
	if c.res == nil || !c.res.changed {
		return
	}
	c.res.changed = false
	for _, js := range c.serving() {
		if js.over || js.stopped() || js.res == nil || js.res.count == 0 {
			continue
		}
		for _, f := range slices.Clone(js.res.funcs) {
			c.placeFunc(js, f)
			if js.stopped() || js.res == nil {
				break
			}
		}
	}
}

// placeFunc places the ready tasks of js's function f.
func (c *Coordinator) placeFunc(js *Job, f int32) {
	q := js.res.byFunc[f]
	need := js.Graph.functions[f].Resources
	for _, w := range c.res.byResource[firstName(need)] {
		if q.Len() == 0 || js.stopped() {
			break
		}
		if !w.takesTasks() || !compatible(js, w) {
			continue
		}
		for q.Len() > 0 && !js.stopped() && w.free.Lacks(need) == "" {
			i := js.Graph.taskAt(q.Pop())
			js.res.count--
			if js.state[i] != stReady {
				continue
			}
			if js.flags[i]&flagSuspect != 0 && w.queue.Len() > 0 {
				// A suspect runs alone: it waits for this worker (or another) to be empty.
				q.Push(js.Graph.rankOf(i))
				js.res.count++
				break
			}
			c.curSize = 1
			c.assign(w, js, i)
			c.sendBatch()
		}
	}
	if js.res != nil && q.Len() == 0 {
		delete(js.res.byFunc, f)
		if k, ok := slices.BinarySearch(js.res.funcs, f); ok {
			js.res.funcs = slices.Delete(js.res.funcs, k, k+1)
		}
	}
}

// lacking describes what keeps js's tasks waiting for resources when no connected worker of its
// group declares enough of them ("" when some worker could run each): the function and the
// resource, as "task 12 of pkg.train needs gpu=1 (all it needs: gpu=1,mem=1e+10)".
func (c *Coordinator) lacking(js *Job) string {
	if js.res == nil || js.res.count == 0 {
		return ""
	}
	for _, f := range js.res.funcs {
		q := js.res.byFunc[f]
		if q.Len() == 0 {
			continue
		}
		fn := js.Graph.functions[f]
		if c.canRun(js, fn.Resources) {
			continue
		}
		return fmt.Sprintf("task %d of %s needs %s (all it needs: %s)", js.Graph.taskAt((*q)[0]), fn.Name, c.missing(js, fn.Resources), fn.Resources)
	}
	return ""
}

// canRun reports whether a live worker of js's group declares all of need (free or not).
func (c *Coordinator) canRun(js *Job, need graph.Resources) bool {
	if c.res == nil {
		return false
	}
	for _, w := range c.res.byResource[firstName(need)] {
		if w.serving() && compatible(js, w) && w.Resources.Lacks(need) == "" {
			return true
		}
	}
	return false
}

// missing names the first resource of need (by name) that no live worker of js's group declares
// in the amount needed, as "gpu=1".
func (c *Coordinator) missing(js *Job, need graph.Resources) string {
	for _, name := range slices.Sorted(maps.Keys(need)) {
		one := graph.Resources{name: need[name]}
		if !c.canRun(js, one) {
			return graph.Resources{}.Lacks(one)
		}
	}
	return graph.Resources{}.Lacks(need)
}

func firstName(need graph.Resources) string {
	first := ""
	for name := range need {
		if first == "" || name < first {
			first = name
		}
	}
	return first
}

// declaredResources lists what the connected workers declare, for an error message.
func (c *Coordinator) declaredResources() string {
	var parts []string
	for _, w := range c.alive {
		if len(parts) == 8 {
			parts = append(parts, "...")
			break
		}
		r := "none"
		if len(w.Resources) > 0 {
			r = w.Resources.String()
		}
		parts = append(parts, w.Name+": "+r)
	}
	return strings.Join(parts, "; ")
}

// ResourceWait is a status line: tasks of one function waiting for resources.
type ResourceWait struct {
	Func  string `json:"function"`
	Needs string `json:"needs"`
	Tasks int    `json:"tasks"`
	// Unavailable says that no connected worker declares enough of them: the tasks wait for
	// such a worker to join, and fail after the no-worker timeout.
	Unavailable bool `json:"unavailable,omitempty"`
}

// resourceWaits lists the tasks waiting for resources, for Status.
func (c *Coordinator) resourceWaits() []ResourceWait {
	var out []ResourceWait
	for _, js := range c.jobs {
		if js.res == nil {
			continue
		}
		for _, f := range js.res.funcs {
			fn := js.Graph.functions[f]
			n := js.res.byFunc[f].Len()
			if n == 0 {
				continue
			}
			out = append(out, ResourceWait{Func: fn.Name, Needs: fn.Resources.String(), Tasks: n, Unavailable: !c.canRun(js, fn.Resources)})
		}
	}
	return out
}

// freeString formats w's free resources, zeros included.
func freeString(w *Worker) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(w.Resources)) {
		parts = append(parts, name+"="+strconv.FormatFloat(max(w.free[name], 0), 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}

// validateResources checks that every live worker's free resources are what it declared less
// what its queued tasks hold, that none is overdrawn, and that a worker declaring none has no
// task needing some.
func (c *Coordinator) validateResources() []error {
	var errs []error
	for _, w := range c.alive {
		held := graph.Resources{}
		for _, a := range w.queue.items() {
			if a.js.flags[a.i]&flagResources == 0 {
				continue
			}
			for name, v := range a.js.Graph.Func(a.i).Resources {
				held[name] += v
			}
		}
		for name, v := range held {
			if w.Resources[name] < v-1e-9 {
				errs = append(errs, fmt.Errorf("worker %s: its queued tasks hold %s=%v, it declares %v", w.Name, name, v, w.Resources[name]))
			}
		}
		for name, v := range w.Resources {
			if d := w.free[name] - (v - held[name]); d > 1e-9 || d < -1e-9 {
				errs = append(errs, fmt.Errorf("worker %s: %s=%v free, %v declared less %v held", w.Name, name, w.free[name], v, held[name]))
			}
		}
	}
	for _, js := range c.jobs {
		if js.res == nil {
			continue
		}
		n := 0
		for f, q := range js.res.byFunc {
			n += q.Len()
			if _, ok := slices.BinarySearch(js.res.funcs, f); !ok {
				errs = append(errs, fmt.Errorf("job %d: resource queue of function %d not listed", js.id, f))
			}
		}
		if n != js.res.count {
			errs = append(errs, fmt.Errorf("job %d: %d tasks in resource queues, counted %d", js.id, n, js.res.count))
		}
	}
	return errs
}
