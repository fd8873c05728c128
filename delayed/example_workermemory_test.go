package delayed_test

import (
	"context"
	"fmt"

	"github.com/lazygraph/lazygraph/delayed"
)

func ExampleWithWorkerMemory() {
	// Give each processes worker 2 GiB, spilling held values to disk past 0.5 of it and never
	// pausing; the spill directory and anything left zero come from the environment or the
	// defaults. With LAZYGRAPH_SCHEDULER=processes the computation gets workers of its own,
	// started with this budget; the threads scheduler used here starts no workers and ignores it.
	memory := delayed.WorkerMemory{Limit: 2 << 30, Spill: 0.5, Pause: -1}
	v, err := double(delayed.Value(21)).Compute(context.Background(),
		delayed.WithScheduler("threads"), delayed.WithWorkerMemory(memory))
	fmt.Println(v, err)

	// A fraction that is not one is an error before anything runs.
	_, err = double(delayed.Value(21)).Compute(context.Background(),
		delayed.WithWorkerMemory(delayed.WorkerMemory{Spill: 60}))
	fmt.Println(err)
	// Output:
	// 42 <nil>
	// lazygraph configuration: worker memory: Spill = 60: want a fraction of the limit such as 0.6, or a negative value for never
}
