package schedulers_test

import (
	"errors"
	"fmt"

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
	fmt.Println(schedulers.Names())
	// Output: [synchronous threads]
}
