package processes_test

import (
	"context"
	"fmt"
	"os"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// square runs in worker processes: it is wrapped in a package-level variable.
var square = delayed.Func1(func(x int) int { return x * x })

// The processes scheduler is chosen like any other; the program (here the test binary) must
// start with delayed.Init, which TestMain does.
func Example() {
	parts := make([]delayed.Delayed[int], 10)
	for i := range parts {
		parts[i] = square(delayed.Value(i))
	}
	squares, err := delayed.All(parts).Compute(context.Background(),
		delayed.WithScheduler(processes.Name), delayed.WithWorkers(2))
	fmt.Println(squares, err)
	// Output: [0 1 4 9 16 25 36 49 64 81] <nil>
}

func ExampleClose() {
	// Workers outlive computations so that later ones start at once; Close stops them (they
	// also die with the program). A later computation starts new ones.
	v, err := square(delayed.Value(6)).Compute(context.Background(), delayed.WithScheduler(processes.Name), delayed.WithWorkers(1))
	fmt.Println(v, err, processes.Close())
	// Output: 36 <nil> <nil>
}

// Each worker's memory budget can be set in Go, overriding $LAZYGRAPH_WORKER_MEMORY and the
// others field by field: here 512 MB, spilling the coldest values past half of it into a
// directory of the program's choosing, never pausing. Workers with another budget are a pool of
// their own.
func Example_workerMemory() {
	budget := delayed.WorkerMemory{Limit: 512 << 20, Spill: 0.5, Pause: -1, SpillDir: os.TempDir()}
	v, err := square(delayed.Value(7)).Compute(context.Background(),
		delayed.WithScheduler(processes.Name), delayed.WithWorkers(1), delayed.WithWorkerMemory(budget))
	fmt.Println(v, err)
	// Output: 49 <nil>
}
