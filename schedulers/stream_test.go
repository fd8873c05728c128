package schedulers_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

func streamFunction(name string, pure, takesCtx bool) *graph.Function {
	return graph.NewFunction(graph.FunctionSpec{
		Name: name,
		Impl: func(int) int { return 0 },
		Invoke: func(ctx context.Context, _ []any) (any, error) {
			key, err := graph.TaskStreamKey(ctx)
			return key[:], err
		},
		Params:       []reflect.Type{reflect.TypeFor[int]()},
		Result:       reflect.TypeFor[[]byte](),
		Pure:         pure,
		TakesContext: takesCtx,
	})
}

// TestStreamKeyMatchesLocalRun: the key a worker process would receive for a task is the key
// the task sees when run locally, so every scheduler gives a task the same stream.
func TestStreamKeyMatchesLocalRun(t *testing.T) {
	pure := graph.NewTask(streamFunction("schedulers_test.streamPure", true, true), []*graph.Task{graph.NewData(3)})
	plain := graph.NewTask(streamFunction("schedulers_test.streamNoCtx", true, false), []*graph.Task{graph.NewData(3)})
	impure := graph.NewTask(streamFunction("schedulers_test.streamImpure", false, true), []*graph.Task{graph.NewData(3)})
	plan, err := graph.Compile(pure, plain, impure)
	if err != nil {
		t.Fatal(err)
	}
	job := schedulers.NewJob(plan)
	job.Seed = 99
	for _, i := range plan.Outputs() {
		task := plan.Task(i)
		_, runErr := job.Run(context.Background(), i, 0, nil)
		sent := job.StreamKey(i)
		switch task {
		case pure:
			if runErr != nil {
				t.Fatalf("pure task: %v", runErr)
			}
			key, _ := pure.StableKey()
			want := graph.StreamKey(99, key)
			if got := job.Result(i).([]byte); !bytes.Equal(got, want[:]) || !bytes.Equal(sent, want[:]) {
				t.Errorf("pure task: ran with key %x, would send %x, want %x", got, sent, want)
			}
		case plain:
			if sent != nil {
				t.Errorf("a function without a context would be sent a stream key")
			}
		case impure:
			if sent != nil || runErr == nil {
				t.Errorf("impure task: sent %x, ran with error %v; want no key and an error", sent, runErr)
			}
		}
	}
}
