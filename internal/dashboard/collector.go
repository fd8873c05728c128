package dashboard

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// ringSize is how many finished tasks each stream shard (worker) remembers.
const ringSize = 1024

// keptRuns is how many computations a Collector shows: the running ones and the latest
// finished.
const keptRuns = 8

// keptFailures is how many failed tasks a Collector remembers.
const keptFailures = 50

// Collector gathers what the computations of this process do, for a dashboard. It is safe for
// concurrent use.
type Collector struct {
	title string
	epoch time.Time
	proc  procSampler

	mu       sync.Mutex
	runs     []*Run
	nextID   int
	failures []Failure
	nextSeq  atomic.Uint64 // stream shard numbers: each run's shards take fresh ones
}

var _ Source = (*Collector)(nil)

// NewCollector returns an empty collector; title names the program on the page.
func NewCollector(title string) *Collector {
	return &Collector{title: title, epoch: time.Now()}
}

// Run is one computation reporting to a Collector. Its methods may be called concurrently;
// each worker's events go to its own shard.
type Run struct {
	c         *Collector
	id        int
	scheduler string
	start     time.Time
	shardBase uint64

	names  []string          // display names of the functions, by slot
	funcs  []*graph.Function // the functions, by slot
	slots  map[*graph.Function]int32
	totals []int64 // tasks per function slot
	plan   atomic.Pointer[graph.Plan]
	shards []shard
	sent   *atomic.Int64 // bytes sent to worker processes, or nil

	end atomic.Pointer[runEnd]
	// usage, when set, gives the worker processes' memory and CPU (SetUsage).
	usage atomic.Pointer[func() []schedulers.WorkerUsage]
}

// SetUsage gives the run a source of its worker processes' resident memory and CPU, which
// snapshots show beside each worker's tasks (the processes scheduler's, say).
func (r *Run) SetUsage(f func() []schedulers.WorkerUsage) {
	if f != nil {
		r.usage.Store(&f)
	}
}

type runEnd struct {
	at  time.Time
	err error
}

// shard is one worker's counters and finished tasks, under its own lock (uncontended but for
// snapshots).
type shard struct {
	mu     sync.Mutex
	counts []fnCount
	done   int64
	ring   [ringSize]record
	seq    uint64 // records written so far
	_      [64]byte
}

type fnCount struct {
	started, done, failed int64
	timed, ns             int64 // the tasks timed (all but the sampled-out short ones), their time
	buckets               [NumBuckets]int64
}

type record struct {
	task   int32
	worker int32
	fn     int32 // function slot, -1 for none
	failed bool
	start  int64 // nanoseconds since the collector's epoch
	dur    int64
}

// maxShards bounds the shards of a run; workers beyond share them.
const maxShards = 64

// Begin registers a computation of plan on scheduler with the given number of workers; sent,
// when not nil, counts the bytes it sends to worker processes. Call Finish when it ends.
func (c *Collector) Begin(plan *graph.Plan, scheduler string, workers int, sent *atomic.Int64) *Run {
	r := &Run{c: c, scheduler: scheduler, start: time.Now(), sent: sent}
	fns := plan.Functions()
	r.names = make([]string, len(fns))
	r.funcs = make([]*graph.Function, len(fns))
	r.totals = make([]int64, len(fns))
	r.slots = make(map[*graph.Function]int32, len(fns))
	for k, f := range fns {
		r.names[k], r.funcs[k], r.totals[k] = shortName(f.Func.DisplayName()), f.Func, int64(f.Calls)
		r.slots[f.Func] = int32(k)
	}
	r.shards = make([]shard, min(max(workers, 1), maxShards))
	for k := range r.shards {
		// Each shard's counters on cache lines of their own: neighbouring allocations are
		// other shards', written by other goroutines.
		n := len(r.names)
		r.shards[k].counts = make([]fnCount, n+2)[1 : 1+n : 1+n]
	}
	r.plan.Store(plan)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	r.id = c.nextID
	r.shardBase = c.nextSeq.Add(uint64(len(r.shards))) - uint64(len(r.shards))
	// Forget the oldest finished computations beyond keptRuns.
	kept := c.runs[:0]
	over := len(c.runs) + 1 - keptRuns
	for _, old := range c.runs {
		if over > 0 && old.end.Load() != nil {
			over--
			continue
		}
		kept = append(kept, old)
	}
	clear(c.runs[len(kept):])
	c.runs = append(kept, r)
	return r
}

func (r *Run) shard(worker int) *shard {
	if worker < 0 {
		worker = -worker
	}
	return &r.shards[worker%len(r.shards)]
}

// slotOf is the function slot of task i of plan (not nil), -1 for data.
func (r *Run) slotOf(plan *graph.Plan, i int32) int32 {
	return r.slotOfFunc(plan.Task(i).Func())
}

func (r *Run) slotOfFunc(fn *graph.Function) int32 {
	if fn == nil {
		return -1
	}
	if len(r.funcs) <= 8 {
		for k, f := range r.funcs {
			if f == fn {
				return int32(k)
			}
		}
		return -1
	}
	if k, ok := r.slots[fn]; ok {
		return k
	}
	return -1
}

// slot is task i's function slot, -1 for data or once the run finished.
func (r *Run) slot(i int32) int32 {
	if p := r.plan.Load(); p != nil {
		return r.slotOf(p, i)
	}
	return -1
}

// TaskStarted records that task i started on worker.
func (r *Run) TaskStarted(i int32, worker int) {
	f := r.slot(i)
	if f < 0 {
		return
	}
	s := r.shard(worker)
	s.mu.Lock()
	s.counts[f].started++
	s.mu.Unlock()
}

// TasksUntimed records that tasks, which ran on worker untimed (see schedulers.SampledObserver),
// succeeded: they are counted, with no duration and no bar in the task stream. One lock for
// the batch.
func (r *Run) TasksUntimed(worker int, tasks []int32) {
	p := r.plan.Load()
	if p == nil || len(tasks) == 0 {
		return
	}
	s := r.shard(worker)
	var (
		last *graph.Function
		f    int32 = -1
	)
	s.mu.Lock()
	for _, i := range tasks {
		// Neighbouring tasks mostly share a function: no lookup.
		if fn := p.Task(i).Func(); fn != last {
			last, f = fn, r.slotOfFunc(fn)
		}
		if f >= 0 {
			s.counts[f].started++
			s.counts[f].done++
		}
	}
	s.done += int64(len(tasks))
	s.mu.Unlock()
}

// TaskFinished records that task i, started on worker, finished after elapsed, with err.
func (r *Run) TaskFinished(i int32, worker int, elapsed time.Duration, err error) {
	r.TaskDone(i, worker, time.Time{}, elapsed, err)
}

// TaskDone records that task i, started on worker at start (zero when unknown: then it ended
// now), finished after elapsed, with err. With a start it reads no clock: the scheduler timed
// the task already.
func (r *Run) TaskDone(i int32, worker int, start time.Time, elapsed time.Duration, err error) {
	var from time.Duration // since the collector's epoch
	if start.IsZero() {
		from = time.Since(r.c.epoch) - elapsed
	} else {
		from = start.Sub(r.c.epoch)
	}
	s := r.shard(worker)
	f := r.slot(i)
	s.mu.Lock()
	s.done++
	if f >= 0 {
		fc := &s.counts[f]
		if err != nil {
			fc.failed++
		} else {
			fc.done++
			fc.timed++
			fc.ns += int64(elapsed)
			fc.buckets[bucketOf(elapsed)]++
		}
	}
	s.ring[s.seq%ringSize] = record{task: i, worker: int32(worker), fn: f, failed: err != nil, start: int64(from), dur: int64(elapsed)}
	s.seq++
	s.mu.Unlock()
	if err != nil {
		r.failed(i, worker, err)
	}
}

// TaskUntimed records that task i, which ran on worker untimed and was reported started
// (TaskStarted), finished with err: it is counted, with no duration and no bar in the task
// stream.
func (r *Run) TaskUntimed(i int32, worker int, err error) {
	f := r.slot(i)
	s := r.shard(worker)
	s.mu.Lock()
	s.done++
	if f >= 0 {
		if err != nil {
			s.counts[f].failed++
		} else {
			s.counts[f].done++
		}
	}
	s.mu.Unlock()
	if err != nil {
		r.failed(i, worker, err)
	}
}

func (r *Run) failed(i int32, worker int, err error) {
	fl := Failure{Computation: r.id, Worker: worker, Error: err.Error(), AtMs: time.Since(r.c.epoch).Milliseconds()}
	registered := ""
	if p := r.plan.Load(); p != nil {
		fl.Key = string(p.Task(i).Key())
		if f := r.slotOf(p, i); f >= 0 {
			fl.Func, registered = r.names[f], r.funcs[f].Name()
		}
	}
	var te *graph.TaskError
	if errors.As(err, &te) {
		fl.Key, fl.Error = string(te.Key), te.Err.Error()
	}
	fl.Task = taskLabel(fl.Key, registered, fl.Func)
	c := r.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.failures) == keptFailures {
		c.failures = append(c.failures[:0], c.failures[1:]...)
	}
	c.failures = append(c.failures, fl)
}

// Finish records that the computation ended, with err (nil when it succeeded), once the
// scheduler has returned and reported every task.
func (r *Run) Finish(err error) {
	r.end.Store(&runEnd{at: time.Now(), err: err})
	r.plan.Store(nil) // keys of the stream are no longer shown; the graph's data may go
}

// shortName is a function's name without its package path.
func shortName(name string) string {
	for k := len(name) - 1; k >= 0; k-- {
		if name[k] == '/' {
			return name[k+1:]
		}
	}
	return name
}
