package cluster

import "github.com/lazygraph/lazygraph/graph"

// Task states.
const (
	stWaiting  uint8 = iota // some argument is not computed yet
	stReady                 // in a ready queue
	stAssigned              // sent to a worker (possibly before its arguments are computed there)
	stDone                  // computed; its value is on its worker, at the coordinator, or both
)

// Task flags.
const (
	flagOutput   uint8 = 1 << iota // one of the requested outputs
	flagSuspect                    // was on a worker that died: run it alone, to know who kills
	flagFetching                   // its value has been asked of the worker holding it
	flagLocal                      // runs at the owner
)

// Job is one computation submitted to a coordinator.
type Job struct {
	Graph     *Graph
	Owner     Owner
	Chunksize int // ready tasks per message: 0 adapts, 1 is one at a time
	// Group restricts the computation to workers of the same group (programs with the same
	// functions); empty means any worker.
	Group string
	// External maps data nodes to values kept in the coordinator's store (Coordinator.Store).
	External map[int32]uint64
	// Persist keeps the outputs in the store when they are computed (futures).
	Persist bool

	id      uint32
	keyBase uint64
	status  []uint8
	flags   []uint8
	where   []int16 // done: the worker that computed it (-1: the coordinator); assigned: its worker
	waiting []int32 // arguments not computed yet
	uses    []int32 // uses of the result still to come (arguments, outputs)
	retries []uint8
	size    []int64 // size of the encoded result, once known

	atCoordinator map[int32]*Encoded // values the coordinator holds, to put on workers
	fetchers      map[int32][]int32  // tasks waiting for a value to come back from its worker

	ready     graph.ReadyQueue
	local     []graph.ReadyQueue // ready tasks preferring a worker, by slot
	remaining int
	inflight  int
	avgNs     float64
	samples   int
	failure   error
	over      bool
}

// init sets the per-task state.
func (js *Job) init(id uint32, keyBase uint64) {
	g := js.Graph
	n := g.Len()
	js.id, js.keyBase = id, keyBase
	js.status = make([]uint8, n)
	js.flags = make([]uint8, n)
	js.where = make([]int16, n)
	js.waiting = make([]int32, n)
	js.uses = make([]int32, n)
	js.retries = make([]uint8, n)
	js.size = make([]int64, n)
	js.atCoordinator = make(map[int32]*Encoded)
	js.fetchers = make(map[int32][]int32)
	for i := range int32(n) {
		js.where[i] = -1
		js.uses[i] = int32(len(g.Users(i)))
		if g.IsData(i) {
			js.status[i] = stDone
			js.size[i] = js.Owner.DataSize(i)
			continue
		}
		js.remaining++
		if g.Func(i).Local {
			js.flags[i] |= flagLocal
		}
		for _, a := range g.Args(i) {
			if !g.IsData(a) {
				js.waiting[i]++
			}
		}
	}
	for _, o := range g.Outputs() {
		js.flags[o] |= flagOutput
		js.uses[o]++
	}
}

func (js *Job) key(i int32) uint64 {
	if js.External != nil {
		if k, ok := js.External[i]; ok {
			return k
		}
	}
	return js.keyBase + uint64(i) + 1
}

func (js *Job) external(i int32) bool {
	_, ok := js.External[i]
	return ok
}

func (js *Job) index(key uint64) (int32, bool) {
	if key <= js.keyBase || key > js.keyBase+uint64(js.Graph.Len()) {
		return 0, false
	}
	return int32(key - js.keyBase - 1), true
}

func (js *Job) stopped() bool { return js.failure != nil }

func (js *Job) observe(ns int64) {
	js.samples++
	if js.samples == 1 {
		js.avgNs = float64(ns)
		return
	}
	js.avgNs = 0.8*js.avgNs + 0.2*float64(ns)
}

// localQueue returns the ready queue of tasks preferring worker slot.
func (js *Job) localQueue(slot int) *graph.ReadyQueue {
	for len(js.local) <= slot {
		js.local = append(js.local, nil)
	}
	return &js.local[slot]
}

// hold stores a value at the coordinator, replacing (and releasing) any earlier one.
func (js *Job) hold(i int32, e *Encoded) {
	if old := js.atCoordinator[i]; old != nil {
		old.Release()
	}
	js.atCoordinator[i] = e
}

// drop releases the coordinator's copy of a value.
func (js *Job) drop(i int32) {
	if e := js.atCoordinator[i]; e != nil {
		e.Release()
		delete(js.atCoordinator, i)
	}
}
