package distributed

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"sync"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Node is a delayed value: anything backed by a graph task, as delayed.Delayed is.
type Node interface {
	Task() *graph.Task
}

// Future is a value being computed, or computed and kept, in the cluster. Its value stays there
// (and goes to workers that need it) until Release; use Task to pass it to later computations
// without sending it again. As in Dask, futures of the same key share one computation and one
// value: submitting a pure call again while a future of it lives computes nothing new.
type Future struct {
	client   *Client
	typ      reflect.Type
	done     chan struct{}
	once     sync.Once
	value    any
	err      error
	key      uint64 // where the cluster keeps the value; 0 when it keeps none
	run      *futureRun
	graphKey graph.Key
	entry    *futureEntry // shared with the futures of the same key; nil for scattered values
	released bool         // under client.mu
}

// Key returns the future's key: the key of the task it stands for (deterministic for pure calls,
// so equal calls give equal keys), or for a scattered value a key naming where it is kept.
func (f *Future) Key() string {
	if f.graphKey == "" && f.key != 0 {
		return fmt.Sprintf("scatter-%016x", f.key)
	}
	return string(f.graphKey)
}

// futureRun is the computation behind futures submitted together.
type futureRun struct {
	cancel  context.CancelFunc
	mu      sync.Mutex
	pending int
}

// ErrCancelled is matched by the error of a future that was cancelled.
var ErrCancelled = errors.New("future cancelled")

func newFuture(cl *Client, typ reflect.Type, run *futureRun) *Future {
	return &Future{client: cl, typ: typ, done: make(chan struct{}), run: run}
}

func (f *Future) resolve(value any, key uint64, err error) {
	f.once.Do(func() {
		f.value, f.key, f.err = value, key, err
		close(f.done)
	})
}

// Done is closed when the future has its value or has failed.
func (f *Future) Done() <-chan struct{} { return f.done }

// Result waits for the value.
func (f *Future) Result(ctx context.Context) (any, error) {
	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Result waits for a future's value as a T.
func Result[T any](ctx context.Context, f *Future) (T, error) {
	var zero T
	v, err := f.Result(ctx)
	if err != nil {
		return zero, err
	}
	t, ok := v.(T)
	if !ok && v != nil {
		return zero, fmt.Errorf("future holds a %T, not a %T", v, zero)
	}
	return t, nil
}

// Cancel stops the future: its computation stops once no future of it is waiting, and a value
// already kept is released.
func (f *Future) Cancel() {
	select {
	case <-f.done:
		f.Release()
		return
	default:
	}
	f.resolve(nil, 0, ErrCancelled)
	if f.entry != nil {
		f.client.detach(f)
	}
	if f.run != nil {
		f.run.mu.Lock()
		f.run.pending--
		last := f.run.pending == 0
		f.run.mu.Unlock()
		if last {
			f.run.cancel()
		}
	}
}

// Release stops keeping the future's value in the cluster, once no other future of the same key
// holds it. Later computations using it fail.
func (f *Future) Release() {
	select {
	case <-f.done:
	default:
		return
	}
	if f.entry != nil {
		f.client.detach(f)
		return
	}
	cl := f.client
	cl.mu.Lock()
	key := f.key
	if f.released {
		key = 0
	}
	f.released = true
	cl.mu.Unlock()
	if key != 0 {
		_ = cl.c.send(kindForget, &forget{Keys: []uint64{key}}, nil)
	}
}

// Task returns a data node standing for the future's value, to use as an argument of later
// computations on the same client (delayed.FromTask[T](f.Task())): the value is not sent again.
// It waits for nothing; the computation using it does.
func (f *Future) Task() *graph.Task {
	<-f.done
	if f.key == 0 {
		return graph.NewData(f.value) // not kept in the cluster (a plain value, or a failure)
	}
	return graph.NewData(&futureRef{client: f.client, key: f.key, typ: f.typ})
}

// futureRef is the placeholder a data node holds for a future's value.
type futureRef struct {
	client *Client
	key    uint64
	typ    reflect.Type
}

var _ graph.Placeholder = (*futureRef)(nil)

func (r *futureRef) PlaceholderType() reflect.Type { return r.typ }

// Submit starts computing nodes on the cluster and returns a future for each at once; their
// values stay in the cluster until released. Nodes submitted together are one computation, so
// intermediates they share are computed once. A node whose key a live future of this client
// already has (the same pure call submitted again) gets a future sharing that computation and
// its value; only the other nodes are computed.
func (cl *Client) Submit(nodes ...Node) ([]*Future, error) {
	tasks := make([]*graph.Task, len(nodes))
	for k, n := range nodes {
		if n == nil || n.Task() == nil {
			return nil, fmt.Errorf("%w: node %d is empty", graph.ErrInvalidGraph, k)
		}
		tasks[k] = n.Task()
	}
	futures := make([]*Future, len(nodes))
	cl.mu.Lock()
	var fresh []*graph.Task
	var freshAt []int
	for k, t := range tasks {
		if e := cl.shared[t.Key()]; e != nil {
			futures[k] = e.attach(cl)
			continue
		}
		fresh, freshAt = append(fresh, t), append(freshAt, k)
	}
	if len(fresh) == 0 {
		cl.mu.Unlock()
		return futures, nil
	}
	plan, err := graph.Compile(fresh...)
	if err != nil {
		cl.mu.Unlock()
		for _, f := range futures {
			if f != nil {
				f.Cancel()
			}
		}
		return nil, err
	}
	job := schedulers.NewJob(plan)
	ctx, cancel := context.WithCancel(context.Background())
	run := &futureRun{cancel: cancel}
	byTask := map[int32]*futureEntry{}
	for k, o := range plan.Outputs() {
		t := plan.Task(o)
		e := byTask[o]
		if e == nil {
			typ := reflect.TypeFor[any]()
			if !t.IsData() && t.Func().Result() != nil {
				typ = t.Func().Result()
			} else if t.IsData() && t.Value() != nil {
				typ = reflect.TypeOf(t.Value())
			}
			e = &futureEntry{key: t.Key(), typ: typ, run: run}
			byTask[o] = e
			if cl.shared == nil {
				cl.shared = map[graph.Key]*futureEntry{}
			}
			cl.shared[e.key] = e
		}
		futures[freshAt[k]] = e.attach(cl)
	}
	cl.mu.Unlock()
	outputs := func(i int32, _ *cluster.Encoded, key uint64) {
		if e := byTask[i]; e != nil {
			cl.settle(e, job.Result(i), key, nil)
		}
	}
	cl.wg.Add(1)
	go func() {
		defer cl.wg.Done()
		defer cancel()
		_, err := cl.run(ctx, job, outputs, true)
		for i, e := range byTask {
			switch {
			case plan.IsData(i):
				cl.settle(e, job.Result(i), 0, nil) // a data output: its value is here
			case err != nil:
				cl.settle(e, nil, 0, err)
			default:
				cl.settle(e, nil, 0, errUnfinished)
			}
		}
	}()
	return futures, nil
}

var errUnfinished = errors.New("the computation ended without this output")

// Map submits many nodes as one computation: Submit by another name, for the fan-out shape.
func (cl *Client) Map(nodes []Node) ([]*Future, error) { return cl.Submit(nodes...) }

// Gather waits for futures and returns their values in order; the first failure is returned.
func (cl *Client) Gather(ctx context.Context, futures []*Future) ([]any, error) {
	out := make([]any, len(futures))
	for k, f := range futures {
		v, err := f.Result(ctx)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// AsCompleted yields futures as they complete (or fail), until all have or ctx ends.
func AsCompleted(ctx context.Context, futures []*Future) iter.Seq[*Future] {
	return func(yield func(*Future) bool) {
		ready := make(chan *Future, len(futures))
		var wg sync.WaitGroup
		stop := make(chan struct{})
		defer func() {
			close(stop)
			wg.Wait()
		}()
		for _, f := range futures {
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case <-f.done:
					ready <- f
				case <-stop:
				}
			}()
		}
		for range futures {
			select {
			case f := <-ready:
				if !yield(f) {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}
}

// Scatter keeps a value in the cluster and returns a future for it; with broadcast it is sent to
// every worker now, ahead of the computations that will use it.
func (cl *Client) Scatter(ctx context.Context, value any, broadcast bool) (*Future, error) {
	t := reflect.TypeOf(value)
	if t == nil {
		return nil, fmt.Errorf("cannot scatter nil")
	}
	if !wire.Known(t) {
		wire.RegisterType(t)
	}
	typ, err := wire.TypeName(t)
	if err != nil {
		return nil, err
	}
	enc, err := wire.Encode(value, t)
	if err != nil {
		return nil, err
	}
	id := cl.nextID.Add(1)
	reply := make(chan stored, 1)
	cl.mu.Lock()
	if cl.gone != nil {
		cl.mu.Unlock()
		return nil, cl.gone
	}
	cl.waits[id] = reply
	cl.mu.Unlock()
	msg := &scatter{Request: id, Type: typ, Body: enc.Body, Attachments: len(enc.Attachments), Broadcast: broadcast}
	if err := cl.c.send(kindScatter, msg, enc.Attachments); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSchedulerGone, err)
	}
	select {
	case r := <-reply:
		if r.Err != "" {
			return nil, errors.New(r.Err)
		}
		f := newFuture(cl, t, nil)
		f.resolve(value, r.Key, nil)
		return f, nil
	case <-ctx.Done():
		cl.mu.Lock()
		delete(cl.waits, id)
		cl.mu.Unlock()
		return nil, ctx.Err()
	}
}
