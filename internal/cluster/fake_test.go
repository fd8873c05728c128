package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// This file holds in-process fakes for the coordinator's two sides: workers behind a Link that
// run their tasks at once (values are int64s, 8 bytes little-endian), and an Owner that supplies
// data and collects outputs. No sockets, no encoding beyond the 8 bytes.

// fakeFunctions are the functions fake workers know: each takes int64s.
var fakeFunctions = map[string]func(args []int64) int64{
	"inc": func(a []int64) int64 {
		var s int64
		for _, x := range a {
			s += x
		}
		return s + 1
	},
	"sum": func(a []int64) int64 {
		var s int64
		for _, x := range a {
			s += x
		}
		return s
	},
	"mix": func(a []int64) int64 {
		s := int64(7)
		for _, x := range a {
			s = s*31 + x
		}
		return s
	},
	"fail": func([]int64) int64 { panic("fail is handled by the worker") },
}

func enc64(v int64) []byte { return binary.LittleEndian.AppendUint64(nil, uint64(v)) }

func dec64(b []byte) int64 {
	if len(b) != 8 {
		return -1 << 62
	}
	return int64(binary.LittleEndian.Uint64(b))
}

// fakeWorker is a worker process in this process: a goroutine running what its link receives.
type fakeWorker struct {
	c *Coordinator
	w *Worker

	mu     sync.Mutex
	inbox  []*Outgoing
	wake   chan struct{}
	killed bool
	done   chan struct{}

	// The goroutine's own.
	funcs     map[uint32]string
	vals      map[uint64][]byte
	cancelled map[uint32]bool
	bodies    []byte // when not nil, results' bodies are cut from it (fewer allocations)

	received, reported atomic.Int64 // messages in, results messages out
	puts               atomic.Int64 // values received to keep
}

var _ Link = (*fakeWorker)(nil)

func newFakeWorker(c *Coordinator, name string) *fakeWorker {
	f := &fakeWorker{c: c, wake: make(chan struct{}, 1), done: make(chan struct{}),
		funcs: map[uint32]string{}, vals: map[uint64][]byte{}, cancelled: map[uint32]bool{}}
	f.w = &Worker{Link: f, Name: name}
	return f
}

func (f *fakeWorker) Send(out *Outgoing) {
	f.mu.Lock()
	if f.killed {
		f.mu.Unlock()
		out.Done(0)
		return
	}
	f.inbox = append(f.inbox, out)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *fakeWorker) Kill() {
	f.mu.Lock()
	f.killed = true
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// start adds the worker to its coordinator and runs it until killed; then it reports itself
// down.
func (f *fakeWorker) start() {
	f.c.AddWorker(f.w)
	go f.run()
}

// stop kills the worker and waits for its goroutine.
func (f *fakeWorker) stop() {
	f.Kill()
	<-f.done
}

var errFakeKilled = errors.New("fake worker killed")

func (f *fakeWorker) run() {
	defer close(f.done)
	// Tasks are run from the messages' own slices (no copy), each message done once its tasks
	// ran (its arrays are reused after), and bodies cut from shared chunks: the harness should
	// cost little next to the coordinator it measures.
	type received struct {
		tasks []worker.Task
		m     *Outgoing
	}
	var queue []received
	left := 0
	var out []worker.Result
	f.bodies = make([]byte, 0, 1<<12)
	flush := func() {
		if len(out) > 0 {
			f.reported.Add(1)
			f.c.Results(f.w, &worker.Results{Items: out}, nil)
			out = nil
		}
	}
	for {
		f.mu.Lock()
		inbox, killed := f.inbox, f.killed
		f.inbox = nil
		f.mu.Unlock()
		if killed {
			for _, m := range inbox {
				m.Done(0)
			}
			f.c.WorkerDown(f.w, errFakeKilled, true)
			return
		}
		f.received.Add(int64(len(inbox)))
		for _, m := range inbox {
			tasks := f.handle(m)
			if len(tasks) == 0 {
				m.Done(1)
				continue
			}
			queue = append(queue, received{tasks, m})
			left += len(tasks)
		}
		if left == 0 {
			flush()
			if len(inbox) == 0 {
				<-f.wake
			}
			continue
		}
		// Run the queue with the executor's flush rule: report once as many results wait as
		// tasks remain queued.
		for ; len(queue) > 0; queue = queue[1:] {
			for k := range queue[0].tasks {
				if out == nil {
					out = make([]worker.Result, 0, min(left, 512))
				}
				left--
				out = append(out, f.runTask(&queue[0].tasks[k]))
				if len(out) >= left || len(out) >= 512 {
					flush()
				}
			}
			queue[0].m.Done(1)
			queue[0] = received{}
		}
		queue = queue[:0]
	}
}

// handle takes in a message and returns the tasks it brings.
func (f *fakeWorker) handle(m *Outgoing) []worker.Task {
	var queue []worker.Task
	switch msg := m.Msg.(type) {
	case *worker.Batch:
		for _, d := range msg.Functions {
			f.funcs[d.ID] = d.Name
		}
		for _, p := range msg.Puts {
			f.vals[p.Key] = p.Body
		}
		f.puts.Add(int64(len(msg.Puts)))
		for _, k := range msg.Release {
			delete(f.vals, k)
		}
		queue = msg.Tasks
		for _, j := range msg.Finished {
			delete(f.cancelled, j)
		}
	case *worker.Fetch:
		vals := &worker.Values{}
		for k, key := range msg.Keys {
			b, ok := f.vals[key]
			typ := msg.Types[k]
			if !ok {
				typ = ""
			}
			vals.Puts = append(vals.Puts, worker.Put{Key: key, Type: typ, Body: b})
		}
		f.c.Values(f.w, vals, nil)
	case *worker.Cancel:
		f.cancelled[msg.Job] = true
	}
	return queue
}

func (f *fakeWorker) runTask(t *worker.Task) worker.Result {
	r := worker.Result{Key: t.Key, Job: t.Job, Elapsed: 1000}
	if f.cancelled[t.Job] {
		r.Err = &wire.ErrorRecord{Message: "cancelled"}
		return r
	}
	name := f.funcs[t.Fn]
	if name == "incw" {
		return f.runWire(t, r)
	}
	fn := fakeFunctions[name]
	if fn == nil || name == "fail" {
		r.Err = &wire.ErrorRecord{Message: fmt.Sprintf("function %q fails", name)}
		return r
	}
	var buf [4]int64
	args := buf[:0]
	if len(t.Args) > len(buf) {
		args = make([]int64, 0, len(t.Args))
	}
	args = args[:len(t.Args)]
	for k, a := range t.Args {
		if a.Key == 0 {
			args[k] = dec64(a.Body)
			continue
		}
		b, ok := f.vals[a.Key]
		if !ok {
			r.Err = &wire.ErrorRecord{Message: fmt.Sprintf("value %d missing", a.Key)}
			return r
		}
		args[k] = dec64(b)
	}
	var body []byte
	if f.bodies != nil {
		if cap(f.bodies)-len(f.bodies) < 8 {
			f.bodies = make([]byte, 0, 1<<12)
		}
		n := len(f.bodies)
		f.bodies = binary.LittleEndian.AppendUint64(f.bodies, uint64(fn(args)))
		body = f.bodies[n : n+8 : n+8]
	} else {
		body = enc64(fn(args))
	}
	f.vals[t.Key] = body
	r.Size = 8
	if t.Send != worker.SendNever {
		r.Sent, r.Body = true, body
	}
	return r
}

// fakeOwner owns a computation over int64s: data node i holds data[i].
type fakeOwner struct {
	data    []int64
	mu      sync.Mutex
	outputs map[int32]int64
	done    chan error
	tasks   int
}

var _ Owner = (*fakeOwner)(nil)

func newFakeOwner(data map[int32]int64) *fakeOwner {
	o := &fakeOwner{outputs: map[int32]int64{}, done: make(chan error, 1)}
	for i, v := range data {
		if int(i) >= len(o.data) {
			o.data = append(o.data, make([]int64, int(i)+1-len(o.data))...)
		}
		o.data[i] = v
	}
	return o
}

func (o *fakeOwner) Data(i int32) (*Encoded, error) {
	return NewEncoded(wire.Value{Body: enc64(o.data[i])}, "int64"), nil
}

func (o *fakeOwner) DataSize(int32) int64 { return 8 }

func (o *fakeOwner) RunLocal(i int32, args []*Encoded) (*Encoded, bool, error) {
	var s int64
	for _, a := range args {
		s += dec64(a.Value.Body)
	}
	return NewEncoded(wire.Value{Body: enc64(s)}, "int64"), true, nil
}

func (o *fakeOwner) Output(i int32, v *Encoded, _ uint64) {
	o.mu.Lock()
	o.outputs[i] = dec64(v.Value.Body)
	o.mu.Unlock()
}

func (o *fakeOwner) TaskDone(int32, int, int64, int64, int64, *wire.ErrorRecord) {
	o.mu.Lock()
	o.tasks++
	o.mu.Unlock()
}

func (o *fakeOwner) Finished(err error) { o.done <- err }

func (o *fakeOwner) Sent(int64) {}

// graphBuilder builds a Graph task by task.
type graphBuilder struct {
	argStart  []int32
	args      []int32
	funcs     []int32
	functions []Function
	byName    map[string]int32
	data      map[int32]int64
	outputs   []int32
}

func newGraphBuilder() *graphBuilder {
	return &graphBuilder{argStart: []int32{0}, byName: map[string]int32{}, data: map[int32]int64{}}
}

func (b *graphBuilder) datum(v int64) int32 {
	i := int32(len(b.funcs))
	b.funcs = append(b.funcs, -1)
	b.argStart = append(b.argStart, int32(len(b.args)))
	b.data[i] = v
	return i
}

func (b *graphBuilder) call(fn string, local bool, args ...int32) int32 {
	id, ok := b.byName[fn]
	if !ok {
		id = int32(len(b.functions))
		b.functions = append(b.functions, Function{Name: fn, Result: "int64", Local: local})
		b.byName[fn] = id
	}
	i := int32(len(b.funcs))
	b.funcs = append(b.funcs, id)
	b.args = append(b.args, args...)
	b.argStart = append(b.argStart, int32(len(b.args)))
	return i
}

func (b *graphBuilder) build(t testing.TB) *Graph {
	t.Helper()
	g, err := NewGraph(b.argStart, b.args, b.funcs, b.functions, b.outputs)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// evaluate computes a graph's outputs directly, in task order: the reference the coordinator's
// outputs must equal.
func evaluate(g *Graph, data map[int32]int64) map[int32]int64 {
	vals := make([]int64, g.Len())
	for i := range int32(g.Len()) {
		if g.IsData(i) {
			vals[i] = data[i]
			continue
		}
		args := make([]int64, 0, len(g.Args(i)))
		for _, a := range g.Args(i) {
			args = append(args, vals[a])
		}
		if g.Func(i).Local {
			vals[i] = fakeFunctions["sum"](args)
		} else {
			vals[i] = fakeFunctions[g.Func(i).Name](args)
		}
	}
	out := map[int32]int64{}
	for _, o := range g.Outputs() {
		out[o] = vals[o]
	}
	return out
}

// wideGraph is the bench's wide shape: n data nodes, an inc of each, a gathering task and a sum.
func wideGraph(t testing.TB, n int) (*Graph, map[int32]int64) {
	b := newGraphBuilder()
	incs := make([]int32, n)
	for k := range n {
		incs[k] = b.call("inc", false, b.datum(int64(k)))
	}
	gather := b.call("sum", false, incs...)
	total := b.call("sum", false, gather)
	b.outputs = []int32{total}
	return b.build(t), b.data
}

// output returns output i if it was delivered.
func (o *fakeOwner) output(i int32) (int64, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	v, ok := o.outputs[i]
	return v, ok
}

// data64 returns the data by node.
func (o *fakeOwner) data64() map[int32]int64 {
	m := map[int32]int64{}
	for i, v := range o.data {
		m[int32(i)] = v
	}
	return m
}
