package worker

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
)

var (
	blockStarted = make(chan struct{}, 16)
	blockGate    atomic.Pointer[chan struct{}] // each run's gate
	handBackFn   = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.handback", Impl: func(int) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) {
			blockStarted <- struct{}{}
			<-*blockGate.Load()
			return args[0].(int), nil
		},
		Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[int](),
	})
)

// handBackSink records results and dropped tasks.
type handBackSink struct {
	mu      sync.Mutex
	ran     []uint64
	dropped []uint64
	changed chan struct{}
}

func (s *handBackSink) SendResults(r *Results, _ [][]byte) error {
	s.mu.Lock()
	for _, it := range r.Items {
		s.ran = append(s.ran, it.Key)
	}
	for _, d := range r.Dropped {
		s.dropped = append(s.dropped, d.Key)
	}
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return nil
}

func (s *handBackSink) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		s.mu.Lock()
		done := ok()
		s.mu.Unlock()
		if done {
			return
		}
		select {
		case <-s.changed:
		case <-deadline:
			t.Fatalf("waited 30s for %s (ran %v, dropped %v)", what, s.ran, s.dropped)
		}
	}
}

// HandBack drops the queued tasks that have not started, and those of batches applied after
// it, reporting them as dropped; the running task ends and reports as usual; nothing dropped
// runs.
func TestHandBackDropsUnstartedTasks(t *testing.T) {
	gate := make(chan struct{})
	blockGate.Store(&gate)
	s := &handBackSink{changed: make(chan struct{}, 1)}
	x := NewExecutor(s, nil)
	done := make(chan error, 1)
	go func() { done <- x.Run() }()
	task := func(key uint64) Task {
		return Task{Key: key, Job: 1, Fn: 1, Args: []Arg{inline(t, int(key))}, Send: SendAlways}
	}
	b := &Batch{Job: 1, Functions: []FunctionDef{{ID: 1, Name: handBackFn.Name()}},
		Tasks: []Task{task(1), task(2), task(3), task(4)}, Release: []uint64{99}}
	if err := x.Apply(b, nil); err != nil {
		t.Fatal(err)
	}
	<-blockStarted // task 1 runs; 2, 3 and 4 wait
	if err := x.HandBack(); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, "3 dropped tasks", func() bool { return len(s.dropped) == 3 })
	if err := x.Apply(&Batch{Job: 1, Tasks: []Task{task(5)}}, nil); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, "task 5 dropped", func() bool { return len(s.dropped) == 4 })
	close(gate)
	s.waitFor(t, "task 1's result", func() bool { return len(s.ran) == 1 })
	x.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.ran, []uint64{1}) || !slices.Equal(s.dropped, []uint64{2, 3, 4, 5}) {
		t.Errorf("ran %v, dropped %v; want [1] and [2 3 4 5]", s.ran, s.dropped)
	}
	select {
	case <-blockStarted:
		t.Error("a dropped task started")
	default:
	}
}
