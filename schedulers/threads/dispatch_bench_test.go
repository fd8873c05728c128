package threads_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/synchronous"
	"github.com/lazygraph/lazygraph/schedulers/threads"
)

// constant returns a result boxed once, so what allocates per task is the scheduler alone.
var constantResult any = 1

var constant = graph.NewFunction(graph.FunctionSpec{
	Name:   "bench.constant",
	Impl:   func(int) int { return 1 },
	Invoke: func(context.Context, []any) (any, error) { return constantResult, nil },
	Params: []reflect.Type{reflect.TypeFor[int]()},
	Result: reflect.TypeFor[int](),
})

// BenchmarkDispatch measures the schedulers' own cost per task on a compiled plan of 10,000
// independent tasks, building and compiling the graph excluded. allocs/op is per run of 10,000
// tasks: what a run allocates is per job (results, counters, goroutines), nothing per task.
func BenchmarkDispatch(b *testing.B) {
	const n = 10_000
	one := graph.NewData(0)
	tasks := make([]*graph.Task, n)
	for i := range tasks {
		tasks[i] = graph.NewTask1(constant, one)
	}
	plan, err := graph.Compile(tasks...)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range []struct {
		name string
		s    schedulers.Scheduler
	}{{"synchronous", synchronous.Scheduler{}}, {"threads", threads.Scheduler{}}} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				job := schedulers.NewJob(plan)
				job.Workers = 2
				if err := s.s.Execute(context.Background(), job); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/task")
		})
	}
}
