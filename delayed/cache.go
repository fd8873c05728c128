package delayed

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/store"
)

// WithCache keeps the result of every pure task in the result store in dir (see package
// store), and before computing replaces each pure task found there by its kept value, so that
// neither it nor the tasks only it needed run again: a computation that was killed resumes where
// it stopped. A task's entry is found by its key, which covers the function's registered name
// and signature, its [Version] and the arguments' content; tasks whose key depends on anything
// else (a call of a function that is not [Pure] among its inputs, an explicit key) are never
// kept. An empty dir turns the store off. The environment variable LAZYGRAPH_CACHE sets it too.
//
// On the synchronous and threads schedulers every pure task's result is kept as it completes.
// On processes and distributed, workers that see the directory (the same machine, or a shared
// file system: they look for a probe file the client makes there) write the results they compute
// into it themselves; results of other workers are kept when they come back (to a scheduler that
// sees the directory, or else to the client), and outputs no one else wrote are kept by the
// client. Each entry is written once, by one of them. Should two computations write the same
// entry at once, one writer wins; readers never see a partial entry.
func WithCache(dir string) Option {
	return func(s *settings) {
		s.cacheDir = dir
		s.assign(settingCache, nil)
	}
}

// resultCache is one computation's use of a result store.
type resultCache struct {
	store *store.Store
	log   *zap.Logger
	hits  int

	memo     map[*graph.Task]*graph.Task // original task -> rewritten task
	keyed    map[*graph.Task]bool        // graph.ContentKeyed's memo
	saveKeys map[*graph.Task]string      // rewritten pure tasks whose results are kept

	plan  *graph.Plan
	save  []string // by plan index: the entry key, "" for tasks not kept
	saved []atomic.Bool

	// Entries are written by one goroutine, off the tasks' and the coordinator's path.
	mu      sync.Mutex
	closed  bool
	writes  chan pendingWrite
	writing sync.WaitGroup
}

type pendingWrite struct {
	key   string
	entry []byte
}

func openResultCache(dir string, log *zap.Logger) (*resultCache, error) {
	st, err := store.Open(dir, log)
	if err != nil {
		return nil, fmt.Errorf("lazygraph configuration: %w", err)
	}
	return &resultCache{
		store:    st,
		log:      log,
		memo:     make(map[*graph.Task]*graph.Task),
		keyed:    make(map[*graph.Task]bool),
		saveKeys: make(map[*graph.Task]string),
	}, nil
}

// rewrite returns outputs with every task kept in the store replaced by a data node holding its
// value.
func (c *resultCache) rewrite(outputs []*graph.Task) []*graph.Task {
	out := make([]*graph.Task, len(outputs))
	for i, t := range outputs {
		out[i] = c.task(t)
	}
	return out
}

func (c *resultCache) task(t *graph.Task) *graph.Task {
	if t == nil || t.IsData() {
		return t
	}
	if r, ok := c.memo[t]; ok {
		return r
	}
	c.memo[t] = t // a cycle stays as it is, for Compile to report
	key := ""
	if t.Func().Result() != nil && graph.ContentKeyed(t, c.keyed) {
		key = string(t.Key())
		if v, ok := c.load(key, t.Func()); ok {
			d := graph.NewDataKey(t.Key(), v)
			c.memo[t] = d
			c.hits++
			return d
		}
	}
	r := t
	var args []*graph.Task
	for i, a := range t.Args() {
		ra := c.task(a)
		if ra != a && args == nil {
			args = append(make([]*graph.Task, 0, len(t.Args())), t.Args()[:i]...)
		}
		if args != nil {
			args = append(args, ra)
		}
	}
	if args != nil {
		r = t.WithArgs(args)
	}
	if key != "" {
		c.saveKeys[r] = key
	}
	c.memo[t] = r
	return r
}

func (c *resultCache) load(key string, fn *graph.Function) (any, bool) {
	enc, ok := c.store.Get(key)
	if !ok {
		return nil, false
	}
	v, err := wire.Decode(enc, fn.Result())
	if err != nil {
		c.store.Discard(key, err)
		return nil, false
	}
	return v, true
}

// attach prepares saving the results of plan's kept tasks and starts the writer; finish must
// follow.
func (c *resultCache) attach(plan *graph.Plan) {
	c.writes = make(chan pendingWrite, 64)
	c.writing.Go(func() {
		for w := range c.writes {
			if _, err := c.store.PutEntry(w.key, w.entry); err != nil {
				c.log.Warn("result store: cannot keep a result", zap.String("key", w.key), zap.Error(err))
			}
		}
	})
	c.plan = plan
	c.save = make([]string, plan.Len())
	c.saved = make([]atomic.Bool, plan.Len())
	for i := range int32(plan.Len()) {
		if !plan.IsData(i) {
			c.save[i] = c.saveKeys[plan.Task(i)]
		}
	}
}

// onResult keeps task i's result, if it is one to keep: the job's OnResult hook.
func (c *resultCache) onResult(i int32, v any) {
	key := c.save[i]
	if key == "" || c.saved[i].Swap(true) {
		return
	}
	enc, err := wire.Encode(v, c.plan.Task(i).Func().Result())
	if err != nil {
		level := c.log.Warn
		if errors.Is(err, wire.ErrUnencodable) {
			level = c.log.Debug // a value that cannot travel cannot be kept either
		}
		level("result store: cannot keep a result", zap.String("key", key), zap.Error(err))
		return
	}
	c.enqueue(key, enc)
}

// enqueue hands an entry to the writer; after finish (a late result of a cancelled
// computation) it is dropped.
func (c *resultCache) enqueue(key string, v wire.Value) {
	entry := store.Encode(key, v) // a copy: v's memory may be reused after the call
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.writes <- pendingWrite{key: key, entry: entry}
	}
}

// finish waits for the entries queued so far to be written.
func (c *resultCache) finish() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.writes)
	}
	c.mu.Unlock()
	c.writing.Wait()
}

// onEncodedResult keeps task i's result that came back encoded from a worker process, if it is
// one to keep: the job's OnEncodedResult hook.
func (c *resultCache) onEncodedResult(i int32, v wire.Value) {
	key := c.save[i]
	if key == "" || c.saved[i].Swap(true) {
		return
	}
	c.enqueue(key, v)
}

// onStored records that task i's result was written into the store elsewhere (by its worker,
// or by a scheduler that sees the directory): the job's OnStored hook. This process does not
// write it again.
func (c *resultCache) onStored(i int32) {
	if c.save[i] != "" {
		c.saved[i].Store(true)
	}
}

// saveOutputs keeps the outputs that were not kept as they completed: those computed by a
// scheduler that runs tasks elsewhere, which neither came back encoded nor were written into the
// store by a worker or the scheduler.
func (c *resultCache) saveOutputs(job *schedulers.Job) {
	for _, i := range c.plan.Outputs() {
		if !c.plan.IsData(i) {
			c.onResult(i, job.Result(i))
		}
	}
}
