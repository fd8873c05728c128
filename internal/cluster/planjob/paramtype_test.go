package planjob

import (
	"context"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// TestGatherOverManyData prepares and encodes a gathering call taking 300 000 data nodes
// directly (delayed.All over Values). Each data node's parameter type was found by scanning the
// call's arguments for it: 9e10 steps, far past the test's time limit.
func TestGatherOverManyData(t *testing.T) {
	const n = 300_000
	args := make([]*graph.Task, n)
	for i := range args {
		args[i] = graph.NewData(i)
	}
	all := graph.NewTask(graph.SliceFunction(reflect.TypeFor[int](), nil), args)
	plan, err := graph.Compile(all)
	if err != nil {
		t.Fatal(err)
	}
	pj, err := New(context.Background(), schedulers.NewJob(plan), false)
	if err != nil {
		t.Fatal(err)
	}
	encoded := 0
	for i := range int32(plan.Len()) {
		if !plan.IsData(i) {
			continue
		}
		body, typ, ok, err := pj.SmallData(i, 1<<12)
		if err != nil || !ok {
			t.Fatalf("data node %d: ok %v, %v", i, ok, err)
		}
		if want := "int"; typ != want || len(body) == 0 {
			t.Fatalf("data node %d: type %q (want %q), %d bytes", i, typ, want, len(body))
		}
		encoded++
	}
	if encoded != n {
		t.Fatalf("%d data nodes encoded, want %d", encoded, n)
	}
}
