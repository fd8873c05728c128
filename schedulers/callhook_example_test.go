package schedulers_test

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// counting is a CallHook that counts the calls it sees and makes them unchanged.
type counting struct{ calls atomic.Int32 }

func (c *counting) Call(ctx context.Context, fn *graph.Function, args []any) (any, error) {
	c.calls.Add(1)
	return fn.Call(ctx, args)
}

var double = graph.NewFunction(graph.FunctionSpec{
	Name:   "example.double",
	Impl:   func(int) int { return 0 },
	Invoke: func(_ context.Context, args []any) (any, error) { return 2 * args[0].(int), nil },
	Params: []reflect.Type{reflect.TypeFor[int]()},
	Result: reflect.TypeFor[int](),
})

func ExampleCallHook() {
	plan, err := graph.Compile(graph.NewTask1(double, graph.NewTask1(double, graph.NewData(5))))
	if err != nil {
		fmt.Println(err)
		return
	}
	job := schedulers.NewJob(plan)
	hook := &counting{}
	job.Hook = hook // every call Job.Run makes goes through it
	s, _ := schedulers.Lookup("threads")
	if err := s.Execute(context.Background(), job); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(job.Result(plan.Outputs()[0]), hook.calls.Load())
	// Output: 20 2
}
