package cluster

import (
	"math/bits"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// Task flags.
const (
	flagOutput      uint8 = 1 << iota // one of the requested outputs
	flagSuspect                       // was on a worker that died: run it alone, to know who kills
	flagFetching                      // its value has been asked of the worker holding it
	flagLocal                         // runs at the owner
	flagResources                     // needs resources: placed by place, never chained
	flagUnconfirmed                   // where names a worker the value was sent to, not one that reported it
	flagSentInstead                   // sent with worker.SendInstead: its worker keeps it only if it is large
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
	// Streams holds, per task, the key of its random stream (see worker.Task.Stream); nil or
	// a nil entry when the task has none.
	Streams [][]byte
	// Retries is how many more times a worker runs a failed task whose function sets no retries
	// of its own.
	Retries int
	// KeepGoing records a failed task and skips the tasks needing its result instead of
	// stopping the computation (see Failures).
	KeepGoing bool
	// Priority orders computations sharing the coordinator: workers are filled from those of
	// higher priority first, and from those of equal priority in turn.
	Priority int
	// Store is the computation's result store, which workers that see it write results into
	// themselves, and StoreKeys (by task) the entry key of each task kept there ("" for the
	// others); nil when none. A result a worker kept is not handed to the owner's Keeper.
	Store     *worker.StoreSpec
	StoreKeys []string
	// NoRelay leaves what tasks write to standard output and error on their workers' own,
	// instead of relaying it to the owner (see OutputRelay).
	NoRelay bool

	id      uint32
	keyBase uint64
	state   []taskState
	count   [numStates]int // tasks per state
	flags   []uint8
	// where: queued, the worker running it; done (and data), a worker holding its value (or -1);
	// otherwise -1. Other workers holding the value are in extra.
	where   []int32
	extra   extraHolders
	waiting countList            // arguments not computed yet
	uses    countList            // uses of the result still to come (arguments, outputs)
	retries []uint8              // deaths charged to each task (suspects only), nil until the first
	retry   map[int32]retryPlace // tasks whose attempt failed and that run again (retry.go)
	size    sizeList             // size of the encoded result, once known
	at      []*Encoded           // values the coordinator holds, to put on workers
	small   smallValues          // small results the coordinator holds (at is nil for them)
	sentTo  []uint64             // bit per worker id: workers sent a batch of this computation

	fetchers  map[int32][]int32 // tasks waiting for a value to come back from its worker
	fetchFrom map[int32]int32   // the worker each value was asked of

	ready      graph.ReadyQueue
	local      map[int32]*graph.ReadyQueue // ready tasks preferring a worker, by worker id
	localTotal int
	avgNs      float64
	samples    int
	outliers   int    // samples in a row above outlierFactor times avgNs
	gatherFns  []int8 // per function: 1 the gathering builtin the coordinator may build, -1 not, 0 unknown yet
	failure    error
	failed     []TaskFailure // keep-going: the tasks that failed, in the order they did
	skipped    []Skip        // keep-going: the tasks skipped
	over       bool
	starved    time.Time     // since when no worker could run it (zero: one can)
	res        *resQueues    // ready tasks needing resources, nil when none
	tele       *jobTelemetry // per-function counters for dashboards, made with the first result
}

// init sets the per-task state; it runs on the submitter's goroutine.
func (js *Job) init(id uint32, keyBase uint64) {
	g := js.Graph
	n := g.Len()
	js.id, js.keyBase = id, keyBase
	js.state = make([]taskState, n)
	js.flags = make([]uint8, n)
	js.where = make([]int32, n)
	js.waiting = newCountList(n)
	js.uses = newCountList(n)
	js.size = newSizeList(n)
	js.fetchers = map[int32][]int32{}
	js.fetchFrom = map[int32]int32{}
	js.local = map[int32]*graph.ReadyQueue{}
	js.count[stWaiting] = n
	for i := range int32(n) {
		js.where[i] = -1
		js.uses.set(i, int32(len(g.Users(i))))
		if g.IsData(i) {
			js.state[i] = stDone
			js.count[stWaiting]--
			js.count[stDone]++
			js.size.set(i, js.Owner.DataSize(i))
			continue
		}
		if g.Func(i).Local {
			js.flags[i] |= flagLocal
		}
		if g.needsResources(i) {
			js.flags[i] |= flagResources
		}
		waiting := int32(0)
		for _, a := range g.Args(i) {
			if !g.IsData(a) {
				waiting++
			}
		}
		js.waiting.set(i, waiting)
	}
	for _, o := range g.Outputs() {
		js.flags[o] |= flagOutput
		js.uses.add(o, 1)
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

// Task times that come back are averaged (avgNs) to size the chunks sent to workers. A task
// paused while it ran (the collector stopping its world, the machine running something else)
// reports thousands of times its fellows' time: on a loaded machine one in a few thousand
// 60 ns incs came back at 0.1–1 ms, and each cut the chunks a hundredfold for the next few
// dozen results, the workers then idling between messages of a few tasks. So a sample above
// outlierFactor times the average counts as that much, unless outlierRun samples in a row are:
// tasks that really got longer move the average within a few results.
const (
	outlierFactor = 4
	outlierRun    = 3
)

func (js *Job) observe(ns int64) {
	js.samples++
	x := float64(ns)
	if js.samples == 1 {
		js.avgNs = x
		return
	}
	if limit := outlierFactor * js.avgNs; x > limit {
		if js.outliers++; js.outliers < outlierRun {
			x = limit
		}
	} else {
		js.outliers = 0
	}
	js.avgNs = 0.8*js.avgNs + 0.2*x
}

// unpreferWorker moves the ready tasks preferring worker id (a worker leaving or retiring) to the
// shared queue; both queues hold ranks, so they move as they are. It reports whether any moved.
func (js *Job) unpreferWorker(id int32) bool {
	q := js.local[id]
	if q == nil {
		return false
	}
	js.localTotal -= q.Len()
	delete(js.local, id)
	for _, r := range *q {
		js.ready.Push(r)
	}
	return true
}

// pushLocal queues ready task i for worker id.
func (js *Job) pushLocal(id int32, i int32) {
	q := js.local[id]
	if q == nil {
		q = new(graph.ReadyQueue)
		js.local[id] = q
	}
	q.Push(js.Graph.rankOf(i))
	js.localTotal++
}

// popLocal takes the first ready task queued for worker id.
func (js *Job) popLocal(id int32) (int32, bool) {
	if js.localTotal == 0 {
		return 0, false
	}
	q := js.local[id]
	for q != nil && q.Len() > 0 {
		i := js.Graph.taskAt(q.Pop())
		js.localTotal--
		if q.Len() == 0 {
			delete(js.local, id)
		}
		if js.state[i] == stReady {
			return i, true
		}
	}
	return 0, false
}

// supply reports whether the computation may have ready tasks for a worker.
func (js *Job) supply() bool { return !js.stopped() && (js.ready.Len() > 0 || js.localTotal > 0) }

// hold stores a value at the coordinator, replacing (and releasing) any earlier one.
func (js *Job) hold(i int32, e *Encoded) {
	if old := js.enc(i); old != nil {
		old.Release()
	}
	js.small.drop(i)
	js.setEnc(i, e)
}

// holdSmall stores a small value (a copy of body) at the coordinator, replacing any earlier
// one; false (nothing changed) when it is not small after all.
func (js *Job) holdSmall(i int32, body []byte, typ string) bool {
	if js.small.has(i) || js.enc(i) != nil {
		js.drop(i)
	}
	return js.small.put(i, body, typ, js.Graph.Len())
}

// held reports whether the coordinator holds a's value.
func (js *Job) held(a int32) bool { return js.enc(a) != nil || js.small.has(a) }

// enc returns the coordinator's Encoded copy of i's value, or nil.
func (js *Job) enc(i int32) *Encoded {
	if js.at == nil {
		return nil
	}
	return js.at[i]
}

// setEnc sets the coordinator's Encoded copy of i's value (the array is allocated at the first
// value: most computations keep theirs as small values).
func (js *Job) setEnc(i int32, e *Encoded) {
	if js.at == nil {
		if e == nil {
			return
		}
		js.at = make([]*Encoded, js.Graph.Len())
	}
	js.at[i] = e
}

// drop releases the coordinator's copy of a value.
func (js *Job) drop(i int32) {
	if e := js.enc(i); e != nil {
		e.Release()
		js.at[i] = nil
	}
	js.small.drop(i)
}

// markSent records that worker id was sent a batch of the computation.
func (js *Job) markSent(id int32) {
	k := int(id) / 64
	if k >= len(js.sentTo) {
		js.sentTo = append(js.sentTo, make([]uint64, k+1-len(js.sentTo))...)
	}
	js.sentTo[k] |= 1 << (uint(id) % 64)
}

// eachSent calls f with the id of every worker sent a batch of the computation.
func (js *Job) eachSent(f func(id int32)) {
	for k, word := range js.sentTo {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			f(int32(k*64 + b))
		}
	}
}

// sizeList holds the tasks' encoded sizes in 4 bytes each (a million-task graph has two million
// nodes); the few of 4 GiB or more are kept aside.
type sizeList struct {
	small []uint32
	large map[int32]int64
}

const sizeLarge = 1<<32 - 1 // small's mark for a size kept in large

func newSizeList(n int) sizeList { return sizeList{small: make([]uint32, n)} }

func (s *sizeList) get(i int32) int64 {
	if x := s.small[i]; x != sizeLarge {
		return int64(x)
	}
	return s.large[i]
}

func (s *sizeList) set(i int32, n int64) {
	n = max(n, 0)
	if n < sizeLarge {
		s.small[i] = uint32(n)
		delete(s.large, i)
		return
	}
	if s.large == nil {
		s.large = map[int32]int64{}
	}
	s.small[i] = sizeLarge
	s.large[i] = n
}
