package delayed_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers"
)

var (
	// train needs the machine's (or a worker's) only GPU while it runs.
	train = delayed.Func1(func(epochs int) string { return fmt.Sprintf("model after %d epochs", epochs) },
		delayed.Resources(map[string]float64{"gpu": 1}))
	// urgent runs before any other ready task.
	urgent = delayed.Func1(func(s string) string { return "urgent: " + s },
		delayed.Name("example.urgent"), delayed.Priority(10))
	// later runs after the other ready tasks.
	later = delayed.Func1(func(s string) string { return "later: " + s },
		delayed.Name("example.later"), delayed.Priority(-10))
)

// A function needing resources runs where they are free: on the local schedulers, against the
// machine's resources declared by WithResources (or LAZYGRAPH_RESOURCES); on a cluster, on
// workers started with -resources gpu=1 (or LAZYGRAPH_WORKER_RESOURCES).
func ExampleResources() {
	ctx := context.Background()
	models := delayed.All([]delayed.Delayed[string]{train(delayed.Value(10)), train(delayed.Value(20))})
	got, err := models.Compute(ctx, delayed.WithScheduler("threads"), delayed.WithWorkers(4),
		delayed.WithResources(map[string]float64{"gpu": 1})) // the two run one after the other
	fmt.Println(got, err)

	// Without the GPU declared, nothing runs: the error names what is missing.
	_, err = models.Compute(ctx, delayed.WithScheduler("threads"))
	fmt.Println(errors.Is(err, schedulers.ErrNoResources))
	// Output:
	// [model after 10 epochs model after 20 epochs] <nil>
	// true
}

// Ready tasks of higher priority run first; with one worker the order is exact.
func ExamplePriority() {
	var order []string
	note := delayed.Callbacks{TaskEnd: func(info delayed.TaskInfo) { order = append(order, info.Func) }}
	xs := []delayed.Delayed[string]{later(delayed.Value("a")), urgent(delayed.Value("b"))}
	got, err := delayed.All(xs).Compute(context.Background(),
		delayed.WithScheduler("threads"), delayed.WithWorkers(1), delayed.WithCallbacks(note))
	fmt.Println(got, err)
	fmt.Println(order[:2]) // then the task gathering both
	// Output:
	// [later: a urgent: b] <nil>
	// [example.urgent example.later]
}

// WithPriority sets a computation's priority on a shared cluster: the coordinator fills workers
// from computations of higher priority first, and serves equal ones in turn.
func ExampleWithPriority() {
	v, err := urgent(delayed.Value("report")).Compute(context.Background(),
		delayed.WithScheduler("threads"), delayed.WithPriority(5))
	fmt.Println(v, err)
	// Output:
	// urgent: report <nil>
}
