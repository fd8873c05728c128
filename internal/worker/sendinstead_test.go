package worker

import (
	"context"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
)

var bigFn = graph.NewFunction(graph.FunctionSpec{
	Name: "worker_test.big", Impl: func(int) []float64 { return nil },
	Invoke: func(_ context.Context, args []any) (any, error) { return make([]float64, args[0].(int)), nil },
	Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[[]float64](),
})

// A result sent with SendInstead is not kept when it is small (the parent keeps it), and kept,
// not sent, when it is large.
func TestSendInsteadKeepsOnlyLargeResults(t *testing.T) {
	x, s := start(t)
	fns := append(functions(), FunctionDef{ID: 7, Name: bigFn.Name()})
	if err := x.Apply(&Batch{Job: 1, Functions: fns, Tasks: []Task{
		{Key: 1, Job: 1, Fn: 1, Args: []Arg{inline(t, 41)}, Send: SendInstead},
		{Key: 2, Job: 1, Fn: 7, Args: []Arg{inline(t, 1<<14)}, Send: SendInstead}, // 128 KiB
		{Key: 3, Job: 1, Fn: 1, Args: []Arg{inline(t, 1)}, Send: SendIfSmall},
	}}, nil); err != nil {
		t.Fatal(err)
	}
	rs := s.wait(t, 3)
	if got := decodeResult(t, rs[0], reflect.TypeFor[int]()); got != 42 {
		t.Errorf("small result %v, want 42", got)
	}
	if rs[1].Err != nil || rs[1].Sent || rs[1].Size < SmallResult {
		t.Errorf("large result: sent %v, size %d, err %v; want kept, not sent", rs[1].Sent, rs[1].Size, rs[1].Err)
	}
	decodeResult(t, rs[2], reflect.TypeFor[int]())
	if held := x.Held(); held != 2 {
		t.Errorf("%d values held, want 2 (the large one and the one sent with SendIfSmall)", held)
	}
}
