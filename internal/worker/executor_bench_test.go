package worker

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

var benchInc = graph.NewFunction(graph.FunctionSpec{
	Name:   "worker_test.inc",
	Impl:   func(x int) int { return x + 1 },
	Invoke: func(_ context.Context, a []any) (any, error) { return a[0].(int) + 1, nil },
	Params: []reflect.Type{reflect.TypeFor[int]()},
	Result: reflect.TypeFor[int](),
})

// countSink signals when it has received a number of results.
type countSink struct {
	mu   sync.Mutex
	n    int
	want int
	done chan struct{}
}

func (s *countSink) SendResults(r *Results, _ [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n += len(r.Items)
	if s.n == s.want {
		close(s.done)
	}
	return nil
}

// BenchmarkExecutor runs batches of trivial tasks (an int in, an int out, sent back) as a
// worker process does on a wide graph: the executor's own cost per task, without a transport.
// With capture, the tasks' standard output and error are captured as when relaying is on, the
// pipes watched through io_uring where available, else (watch=off) polled after each task.
func BenchmarkExecutor(b *testing.B) {
	b.Run("relay=off", func(b *testing.B) { benchExecutor(b, false) })
	b.Run("relay=on", func(b *testing.B) { benchExecutor(b, true) })
	b.Run("relay=on,watch=off", func(b *testing.B) {
		defer func(was bool) { watchOutput = was }(watchOutput)
		watchOutput = false
		benchExecutor(b, true)
	})
}

func benchExecutor(b *testing.B, capture bool) {
	RegisterTypesOf(benchInc)
	const batch = 4096
	bodies := make([][]byte, batch)
	for k := range bodies {
		v, err := wire.Encode(k, reflect.TypeFor[int]())
		if err != nil {
			b.Fatal(err)
		}
		bodies[k] = v.Body
	}
	sink := &countSink{}
	x := NewExecutor(sink, nil)
	if capture {
		c, err := StartOutputCapture()
		if err != nil {
			b.Skip("no output capture here:", err)
		}
		defer c.Close()
		x.CaptureOutput(c)
	}
	done := make(chan error, 1)
	go func() { done <- x.Run() }()
	defer func() {
		x.Close()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	key := uint64(0)
	b.ResetTimer()
	for it := range b.N {
		sink.mu.Lock()
		sink.n, sink.want, sink.done = 0, batch, make(chan struct{})
		wait := sink.done
		sink.mu.Unlock()
		tasks := make([]Task, batch)
		release := make([]uint64, 0, batch)
		for k := range tasks {
			key++
			tasks[k] = Task{Key: key, Job: 1, Fn: 1, Args: []Arg{{Body: bodies[k]}}, Send: SendIfSmall}
			release = append(release, key)
		}
		bt := &Batch{Job: 1, Tasks: tasks, Release: release}
		if it == 0 {
			bt.Functions = []FunctionDef{{ID: 1, Name: benchInc.Name()}}
		}
		if err := x.Apply(bt, nil); err != nil {
			b.Fatal(err)
		}
		<-wait
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/task")
}
