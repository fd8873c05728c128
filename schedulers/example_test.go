package schedulers_test

import (
	"context"
	"errors"
	"fmt"
	"slices"

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
