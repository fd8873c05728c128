package schedulers_test

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
	_ "github.com/lazygraph/lazygraph/schedulers/synchronous"
	_ "github.com/lazygraph/lazygraph/schedulers/threads"
)

func ExampleLookup() {
	s, err := schedulers.Lookup("threads")
	fmt.Printf("%T %v\n", s, err)
	_, err = schedulers.Lookup("gpu")
	fmt.Println(errors.Is(err, schedulers.ErrUnknownScheduler))
	// Output:
	// threads.Scheduler <nil>
	// true
}

func ExampleNames() {
	names := schedulers.Names() // sorted; every package that registers one adds its name
	fmt.Println(slices.Contains(names, "synchronous"), slices.Contains(names, "threads"))
	// Output: true true
}

// inline is a scheduler of one's own: it runs every task in index order, as synchronous does.
type inline struct{}

func (inline) Execute(ctx context.Context, job *schedulers.Job) error {
	var args []any
	for i := range int32(job.Plan.Len()) {
		if job.Plan.IsData(i) {
			continue
		}
		var err error
		if args, err = job.Run(ctx, i, 0, args); err != nil {
			return err
		}
	}
	return nil
}

func ExampleRegister() {
	// In the scheduler package's init function; then LAZYGRAPH_SCHEDULER=inline selects it.
	schedulers.Register("inline", inline{})
	s, err := schedulers.Lookup("inline")
	fmt.Printf("%T %v\n", s, err)
	// Output: schedulers_test.inline <nil>
}

// A scheduler that runs tasks elsewhere (another process, another machine) calls FewResults
// before it starts: the job then keeps only the results stored, the outputs here, rather than
// a slot per task of the plan. Data nodes still read as their values.
func ExampleJob_FewResults() {
	plan, err := graph.Compile(graph.NewTask1(double, graph.NewData(5)))
	if err != nil {
		fmt.Println(err)
		return
	}
	job := schedulers.NewJob(plan)
	job.FewResults()
	out := plan.Outputs()[0]
	data := plan.Args(out)[0]
	// ... the task runs elsewhere; its result comes back encoded and is decoded here:
	job.SetResult(out, 10)
	fmt.Println(job.Result(data), job.Result(out))
	// Output: 5 10
}
