package processes

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Task states, as the dispatcher tracks them.
const (
	stWaiting  uint8 = iota // some argument is not computed yet
	stReady                 // in a ready queue
	stAssigned              // sent to a worker (possibly before its arguments are computed there)
	stDone                  // computed; its value is on its worker, in the parent, or both
)

// Task flags.
const (
	flagOutput   uint8 = 1 << iota // one of the requested outputs
	flagSuspect                    // was on a worker that died: run it alone, to know who kills
	flagLocal                      // a builtin that assembles values: runs in the parent
	flagFetching                   // its value has been asked of the worker holding it
)

// job is one computation: the plan and what the dispatcher knows of each task.
type job struct {
	id      uint32
	j       *schedulers.Job
	plan    *graph.Plan
	ctx     context.Context
	done    chan error
	keyBase uint64

	status  []uint8
	flags   []uint8
	where   []int16 // done: the worker that computed it (-1: the parent); assigned: its worker
	waiting []int32 // arguments not computed yet
	uses    []int32 // uses of the result still to come (arguments, outputs)
	retries []uint8
	size    []int64 // size of the encoded result, once known

	atParent  map[int32]wire.Value    // encoded values the parent holds, to put on workers
	encodedAs map[int32]string        // the wire type names of atParent values not encoded as their result type
	files     map[int32][]*sharedFile // memory files of atParent values\' large attachments
	fetchers  map[int32][]int32       // tasks waiting for a value to come back from its worker

	ready     readyQueue   // ready tasks without a preferred worker
	local     []readyQueue // ready tasks preferring a worker, by slot
	remaining int          // calls not done
	inflight  int          // tasks on workers, not reported
	avgNs     float64      // moving average of task durations
	samples   int
	failure   error // the first failure (or cancellation): the job is stopping
}

func (js *job) key(i int32) uint64 { return js.keyBase + uint64(i) + 1 }

func (js *job) index(key uint64) (int32, bool) {
	if key <= js.keyBase || key > js.keyBase+uint64(js.plan.Len()) {
		return 0, false
	}
	return int32(key - js.keyBase - 1), true
}

func newJob(ctx context.Context, id uint32, keyBase uint64, j *schedulers.Job, workers int) (*job, error) {
	p := j.Plan
	n := p.Len()
	js := &job{
		id: id, j: j, plan: p, ctx: ctx, done: make(chan error, 1), keyBase: keyBase,
		status:    make([]uint8, n),
		flags:     make([]uint8, n),
		where:     make([]int16, n),
		waiting:   make([]int32, n),
		uses:      make([]int32, n),
		retries:   make([]uint8, n),
		size:      make([]int64, n),
		atParent:  make(map[int32]wire.Value),
		encodedAs: make(map[int32]string),
		files:     make(map[int32][]*sharedFile),
		fetchers:  make(map[int32][]int32),
		local:     make([]readyQueue, workers),
	}
	tr := graph.NewTracker(p)
	var unportable []string
	for i := range int32(n) {
		js.waiting[i], js.uses[i] = tr.Waiting(i), tr.Uses(i)
		js.where[i] = -1
		t := p.Task(i)
		if t.IsData() {
			js.status[i] = stDone
			js.size[i] = estimateSize(t.Value())
			continue
		}
		js.remaining++
		fn := t.Func()
		switch {
		case fn.Builtin() && !fn.Portable():
			js.flags[i] |= flagLocal
		case !fn.Portable():
			if !contains(unportable, fn.Name()) {
				unportable = append(unportable, fn.Name())
			}
		case !fn.Builtin():
			worker.RegisterTypesOf(fn)
		}
	}
	for _, o := range p.Outputs() {
		js.flags[o] |= flagOutput
	}
	if len(unportable) > 0 {
		return nil, fmt.Errorf("%w: %s: worker processes know functions only by the names registered while packages initialise; wrap each in a package-level variable (var f = delayed.Func1(...))",
			ErrNotPortable, strings.Join(unportable, ", "))
	}
	return js, nil
}

// ErrNotPortable is matched by the error for a graph using functions worker processes cannot know:
// closures, or functions wrapped after package initialisation.
var ErrNotPortable = fmt.Errorf("functions not registered for worker processes")

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// estimateSize guesses a value's encoded size without encoding it, for placing tasks near large
// inputs: slices and strings by their memory, everything else as small.
func estimateSize(v any) int64 {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return int64(rv.Len()) * int64(rv.Type().Elem().Size())
	case reflect.String:
		return int64(rv.Len())
	case reflect.Map:
		return int64(rv.Len()) * 16
	}
	return 16
}

// staticType is the type a value is encoded with when it is task i's result, or a data node
// used as argument argPos of task user.
func (js *job) resultType(i int32) reflect.Type {
	t := js.plan.Task(i)
	if t.IsData() {
		if t.Value() == nil {
			return reflect.TypeFor[any]()
		}
		return reflect.TypeOf(t.Value())
	}
	if r := t.Func().Result(); r != nil {
		return r
	}
	return reflect.TypeFor[any]()
}

// stopped reports whether the job no longer starts tasks.
func (js *job) stopped() bool { return js.failure != nil }

// fail records the job's first failure.
func (js *job) fail(err error) {
	if js.failure == nil {
		js.failure = err
	}
}

// observe folds a task's duration into the moving average.
func (js *job) observe(ns int64) {
	js.samples++
	if js.samples == 1 {
		js.avgNs = float64(ns)
		return
	}
	js.avgNs = 0.8*js.avgNs + 0.2*float64(ns)
}

// atParentType returns the wire type name of the value the parent holds for a.
func (js *job) atParentType(a int32) string {
	if typ, ok := js.encodedAs[a]; ok {
		return typ
	}
	typ, _ := wire.TypeName(js.resultType(a))
	return typ
}

// setAtParentType records the type name a's held value was encoded as; "" means its result type.
func (js *job) setAtParentType(a int32, typ string) {
	if typ == "" {
		delete(js.encodedAs, a)
		return
	}
	js.encodedAs[a] = typ
}

// sharedFiles returns the memory files for a held value's large attachments, creating them on
// first use; the caller gets a reference to each, released when its frame has been written.
func (js *job) sharedFiles(a int32, v wire.Value) []*sharedFile {
	files, ok := js.files[a]
	if !ok {
		files = make([]*sharedFile, len(v.Attachments))
		for k, att := range v.Attachments {
			if len(att) >= memfdThreshold {
				files[k] = newSharedFile()
			}
		}
		js.files[a] = files
	}
	out := make([]*sharedFile, len(files))
	for k, f := range files {
		if f != nil {
			f.acquire()
			out[k] = f
		}
	}
	return out
}

// dropFiles gives up the job's references to a value's memory files.
func (js *job) dropFiles(a int32) {
	for _, f := range js.files[a] {
		if f != nil {
			f.release()
		}
	}
	delete(js.files, a)
}
