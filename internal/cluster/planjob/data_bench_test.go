package planjob

import (
	"context"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

var benchInc = graph.NewFunction(graph.FunctionSpec{
	Name:   "planjob_test.inc",
	Impl:   func(x int) int { return x + 1 },
	Invoke: func(_ context.Context, a []any) (any, error) { return a[0].(int) + 1, nil },
	Params: []reflect.Type{reflect.TypeFor[int]()},
	Result: reflect.TypeFor[int](),
})

// BenchmarkData encodes the data nodes of a wide graph (n calls, each on its own int), as a
// coordinator does when the computation is submitted.
func BenchmarkData(b *testing.B) {
	const n = 100_000
	outs := make([]*graph.Task, n)
	for i := range outs {
		outs[i] = graph.NewTask1(benchInc, graph.NewData(i))
	}
	plan, err := graph.Compile(outs...)
	if err != nil {
		b.Fatal(err)
	}
	pj, err := New(context.Background(), schedulers.NewJob(plan), true)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		for i := range int32(plan.Len()) {
			if plan.IsData(i) {
				e, err := pj.Data(i)
				if err != nil {
					b.Fatal(err)
				}
				e.Release()
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/datum")
}
