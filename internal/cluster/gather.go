package cluster

import (
	"fmt"
	"slices"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// A gathering task (graph.SliceFunction: delayed.All) whose inputs the coordinator holds
// already, as it does the small results of a wide graph, is built here rather than on a worker:
// sending it its inputs meant a put or an argument per input (a 19 MB message for a million
// ints, half of them sent back out) and a million decodes and map lookups on one worker, where
// building it here decodes the bytes held and sends one value, the slice, to the task using it.
// It runs off the loop, as the owner's local tasks do (stLocal), and reports as a task done.

// gatherHereMin is the fewest inputs of a gathering task built at the coordinator: a small one
// costs a worker little.
const gatherHereMin = 256

// gatherInput is what an off-loop build of a gathering task reads: copies of the references of
// its inputs' bodies and of the chunk and type lists (their bytes are never overwritten, see
// smallValues), so that the loop may go on changing its own.
type gatherInput struct {
	elem   string
	refs   []uint64
	chunks [][]byte
}

func (in *gatherInput) body(k int) []byte {
	c, _, off, n := smallUnpack(in.refs[k])
	return in.chunks[c][off : off+n : off+n]
}

// gatheredHere reports whether every user of task i is a gathering task the coordinator may
// build (gatherHere), so that i's result, once back, need not stay on its worker too: it is
// sent with worker.SendInstead. Were the gathering task sent to a worker after all, the result
// would go with it from the coordinator.
func (c *Coordinator) gatheredHere(js *Job, i int32) bool {
	g := js.Graph
	users := g.Users(i)
	for _, u := range users {
		if len(g.Args(u)) < gatherHereMin || js.flags[u]&flagResources != 0 || js.storeKey(u) != "" || !js.gathers(u) {
			return false
		}
	}
	return len(users) > 0
}

// gathers reports whether task i's function is the gathering builtin with an element type this
// process knows, remembered per function.
func (js *Job) gathers(i int32) bool {
	g := js.Graph
	fi := g.funcs.at(i)
	if fi < 0 {
		return false
	}
	if js.gatherFns == nil {
		js.gatherFns = make([]int8, len(g.functions))
	}
	if js.gatherFns[fi] == 0 {
		js.gatherFns[fi] = -1
		f := g.Func(i)
		if name, ok := wire.SliceOfType(f.Elem); f.Name == graph.SliceFunctionName && f.Elem != "" && ok && name == f.Result {
			js.gatherFns[fi] = 1
		}
	}
	return js.gatherFns[fi] > 0
}

// gatherHere starts building gathering task i of js at the coordinator when it holds every
// input as a small value of the element type; false (nothing changed) when it does not.
func (c *Coordinator) gatherHere(js *Job, i int32) bool {
	g := js.Graph
	args := g.Args(i)
	if len(args) < gatherHereMin || js.small.ref == nil || js.flags[i]&(flagSuspect|flagResources) != 0 || js.storeKey(i) != "" {
		return false
	}
	if !js.gathers(i) {
		return false // not a gathering task, or one of elements this process does not know (a standalone scheduler)
	}
	f := g.Func(i)
	elem := slices.Index(js.small.types, f.Elem) // each type is there once (smallValues.typeIndex)
	if elem < 0 {
		return false
	}
	for _, a := range args {
		r := js.small.ref[a]
		if _, t, _, _ := smallUnpack(r); r == 0 || t != elem || js.external(a) {
			return false
		}
	}
	in := &gatherInput{elem: f.Elem, refs: make([]uint64, len(args)), chunks: slices.Clone(js.small.chunks)}
	for k, a := range args {
		in.refs[k] = js.small.ref[a]
	}
	js.set(i, stLocal)
	js.where[i] = -1
	c.emit(instr{kind: doGather, js: js, i: i, gather: in})
	return true
}

// runGather builds a gathering task's value on a goroutine of its own and hands it back.
func (c *Coordinator) runGather(js *Job, i int32, in *gatherInput) {
	c.locals.Add(1)
	go func() {
		defer c.locals.Done()
		start := time.Now()
		v, err := wire.GatherSlice(in.elem, len(in.refs), in.body)
		ev := evGathered{js: js, i: i, start: start.UnixNano(), ns: int64(time.Since(start)), err: err}
		if err == nil {
			ev.v = NewEncoded(v, js.Graph.Func(i).Result)
		}
		if !c.do(ev) && ev.v != nil {
			ev.v.Release()
		}
	}()
}

// onGathered completes a gathering task built at the coordinator.
func (c *Coordinator) onGathered(ev evGathered) {
	js, i, v := ev.js, ev.i, ev.v
	if !c.running(js) || js.state[i] != stLocal {
		if v != nil {
			v.Release()
		}
		return
	}
	var size int64
	if v != nil {
		size = int64(v.Value.Size())
	}
	if ev.err != nil {
		js.set(i, stFailed)
		c.failTask(js, i, &TaskFailure{Task: i, Err: ev.err})
		return
	}
	c.recent.add(js.Graph.Func(i).Name, ev.ns)
	c.tellTaskDone(js, i, 0, ev.start, ev.ns, size, nil)
	js.hold(i, v)
	js.size.set(i, size)
	c.tellKeep(js, i, v)
	if js.flags[i]&flagOutput != 0 && !js.stopped() {
		c.output(js, i, v)
	}
	c.completed(js, i)
}

// evGathered: a gathering task built at the coordinator (gatherHere) is done.
type evGathered struct {
	js        *Job
	i         int32
	v         *Encoded
	err       error
	start, ns int64
}

func (evGathered) isEvent() {}

func (ev evGathered) String() string {
	if ev.err != nil {
		return fmt.Sprintf("%s: gathering task %d failed at the coordinator: %v", jobName(ev.js), ev.i, ev.err)
	}
	return fmt.Sprintf("%s: gathering task %d built at the coordinator", jobName(ev.js), ev.i)
}
