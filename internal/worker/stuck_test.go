package worker

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
)

// release lets stuckFn's calls return.
var release = make(chan struct{})

// stuckFn ignores its context until release is closed.
var stuckFn = graph.NewFunction(graph.FunctionSpec{
	Name: "worker_test.stuck", Impl: func(int) int { return 0 },
	Invoke: func(_ context.Context, args []any) (any, error) {
		<-release
		return args[0].(int), nil
	},
	Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[int](),
	Timeout: time.Millisecond,
})

// stoppingSink records whether a batch of results said the worker stops.
type stoppingSink struct {
	mu       sync.Mutex
	results  []Result
	stopping bool
}

func (s *stoppingSink) SendResults(r *Results, _ [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = append(s.results, r.Items...)
	s.stopping = s.stopping || r.Stopping
	return nil
}

// A task ignoring its timeout stops the executor: its failure is reported with Stopping set,
// and the task queued behind it is neither run nor reported (it never started).
func TestStuckTaskReportsStopping(t *testing.T) {
	defer close(release)
	old := StuckGrace
	StuckGrace = 10 * time.Millisecond
	defer func() { StuckGrace = old }()
	s := &stoppingSink{}
	x := NewExecutor(s, nil)
	b := &Batch{Job: 1, Functions: []FunctionDef{{ID: 1, Name: stuckFn.Name()}, {ID: 2, Name: incFn.Name()}}, Tasks: []Task{
		{Key: 1, Job: 1, Fn: 1, Args: []Arg{inline(t, 5)}, Send: SendAlways},
		{Key: 2, Job: 1, Fn: 2, Args: []Arg{inline(t, 5)}, Send: SendAlways},
	}}
	if err := x.Apply(b, nil); err != nil {
		t.Fatal(err)
	}
	err := x.Run()
	x.Close()
	if !errors.Is(err, ErrStuckTask) {
		t.Fatalf("Run: %v; want ErrStuckTask", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopping || len(s.results) != 1 || s.results[0].Key != 1 || s.results[0].Err == nil {
		t.Fatalf("results %+v stopping %v; want only the stuck task's failure, stopping", s.results, s.stopping)
	}
}
