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

// Run is one computation reporting to a Collector. TaskStarted and TaskFinished may be called
// concurrently; each worker's events go to its own shard.
type Run struct {
	c         *Collector
	id        int
	scheduler string
	start     time.Time
	shardBase uint64

	names  []string // display names of the functions
	fnOf   []int32  // task index → function slot (-1 for data)
	totals []int64  // tasks per function slot
	plan   atomic.Pointer[graph.Plan]
	shards []shard
	owned  bool          // each worker has a shard of its own
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
// snapshots). A worker that owns its shard (see Run.owns) notes its untimed tasks, the short
// ones, in pend without synchronising, and publishes them with its next timed task (at most
// schedulers.SampleEvery tasks later) or when the computation finishes.
type shard struct {
	pend  []fnPending // by function slot: written by the owning worker alone
	npend int
	mu    sync.Mutex
	// Published, under mu.
	counts []fnCount
	done   int64
	ring   [ringSize]record
	seq    uint64 // records written so far
	_      [64]byte
}

type fnPending struct{ started, done, failed int64 }

type fnCount struct {
	started, done, failed int64
	timed, ns             int64 // the tasks timed (all but the sampled-out short ones), their time
	buckets               [NumBuckets]int64
}

// publish adds the pending counts to the published ones; mu is held.
func (s *shard) publish() {
	if s.npend == 0 {
		return
	}
	for f := range s.pend {
		p := &s.pend[f]
		fc := &s.counts[f]
		fc.started += p.started
		fc.done += p.done
		fc.failed += p.failed
		s.done += p.done + p.failed
		*p = fnPending{}
	}
	s.npend = 0
}

type record struct {
	task   int32
	worker int32
	failed bool
	start  int64 // nanoseconds since the collector's epoch
	dur    int64
}

// maxShards bounds the shards of a run; workers beyond share them.
const maxShards = 64

// Begin registers a computation of plan on scheduler with the given number of workers; sent,
// when not nil, counts the bytes it sends to worker processes. Call Finish when it ends.
func (c *Collector) Begin(plan *graph.Plan, scheduler string, workers int, sent *atomic.Int64) *Run {
	r := &Run{c: c, scheduler: scheduler, start: time.Now(), fnOf: make([]int32, plan.Len()), sent: sent}
	slots := map[*graph.Function]int32{}
	var (
		lastFn   *graph.Function // neighbouring tasks mostly share a function: no map lookup
		lastSlot int32
	)
	for i := range int32(plan.Len()) {
		if plan.IsData(i) {
			r.fnOf[i] = -1
			continue
		}
		fn := plan.Task(i).Func()
		if fn == lastFn {
			r.fnOf[i] = lastSlot
			r.totals[lastSlot]++
			continue
		}
		s, ok := slots[fn]
		if !ok {
			s = int32(len(r.names))
			slots[fn] = s
			r.names = append(r.names, shortName(fn.DisplayName()))
			r.totals = append(r.totals, 0)
		}
		r.fnOf[i] = s
		r.totals[s]++
		lastFn, lastSlot = fn, s
	}
	r.shards = make([]shard, min(max(workers, 1), maxShards))
	for k := range r.shards {
		// Each shard's counters on cache lines of their own: neighbouring allocations are
		// other shards', written by other goroutines.
		n := len(r.names)
		r.shards[k].counts = make([]fnCount, n+2)[1 : 1+n : 1+n]
		r.shards[k].pend = make([]fnPending, n+6)[3 : 3+n : 3+n]
	}
	r.owned = workers >= 1 && workers <= maxShards
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

// owns reports whether worker has a shard of its own, where it may note untimed tasks without
// synchronising.
func (r *Run) owns(worker int) bool {
	return r.owned && worker >= 0 && worker < len(r.shards)
}

// TaskStarted records that task i started on worker.
func (r *Run) TaskStarted(i int32, worker int) {
	f := r.fnOf[i]
	if f < 0 {
		return
	}
	s := r.shard(worker)
	s.mu.Lock()
	if r.owns(worker) {
		s.publish()
	}
	s.counts[f].started++
	s.mu.Unlock()
}

// TaskStartedUntimed records that task i, which will not be timed, started on worker (see
// schedulers.SampledObserver): calls for one worker are not concurrent. It synchronises with
// nothing when the worker owns its shard.
func (r *Run) TaskStartedUntimed(i int32, worker int) {
	f := r.fnOf[i]
	if f < 0 {
		return
	}
	if !r.owns(worker) {
		r.TaskStarted(i, worker)
		return
	}
	s := &r.shards[worker]
	s.pend[f].started++
	s.npend++
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
	f := r.fnOf[i]
	s.mu.Lock()
	if r.owns(worker) {
		s.publish()
	}
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
	s.ring[s.seq%ringSize] = record{task: i, worker: int32(worker), failed: err != nil, start: int64(from), dur: int64(elapsed)}
	s.seq++
	s.mu.Unlock()
	if err != nil {
		r.failed(i, worker, err)
	}
}

// TaskUntimed records that task i, started on worker by TaskStartedUntimed, finished with err.
// It is counted but has no duration and no bar in the task stream. It synchronises with
// nothing when the worker owns its shard (but to note a failure).
func (r *Run) TaskUntimed(i int32, worker int, err error) {
	f := r.fnOf[i]
	if r.owns(worker) {
		s := &r.shards[worker]
		if f >= 0 {
			if err != nil {
				s.pend[f].failed++
			} else {
				s.pend[f].done++
			}
			s.npend++
		}
	} else {
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
	}
	if err != nil {
		r.failed(i, worker, err)
	}
}

func (r *Run) failed(i int32, worker int, err error) {
	fl := Failure{Worker: worker, Error: err.Error(), AtMs: time.Since(r.c.epoch).Milliseconds()}
	if f := r.fnOf[i]; f >= 0 {
		fl.Func = r.names[f]
	}
	if p := r.plan.Load(); p != nil {
		fl.Key = string(p.Task(i).Key())
	}
	var te *graph.TaskError
	if errors.As(err, &te) {
		fl.Key, fl.Error = string(te.Key), te.Err.Error()
	}
	c := r.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.failures) == keptFailures {
		c.failures = append(c.failures[:0], c.failures[1:]...)
	}
	c.failures = append(c.failures, fl)
}

// Finish records that the computation ended, with err (nil when it succeeded). The
// scheduler's workers have returned: what they had not published yet is.
func (r *Run) Finish(err error) {
	for k := range r.shards {
		s := &r.shards[k]
		s.mu.Lock()
		s.publish()
		s.mu.Unlock()
	}
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
