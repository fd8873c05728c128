package delayed_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/lazygraph/lazygraph/delayed"
)

// A TaskStates watches computations; VisualizeWith then fills each task by what became of it.
func ExampleVisualizeWith() {
	sum := total(delayed.All([]delayed.Delayed[int]{square(delayed.Value(3)), square(delayed.Value(4))}))
	states := delayed.NewTaskStates()
	v, err := sum.Compute(context.Background(), delayed.WithCallbacks(states.Callbacks()))
	fmt.Println(v, err)
	var dot strings.Builder
	err = delayed.VisualizeWith(&dot, delayed.VisualizeOptions{States: states}, sum)
	fmt.Println(err, strings.Count(dot.String(), `fillcolor="#a6dba0"`), "tasks done")
	// Output:
	// 25 <nil>
	// <nil> 4 tasks done
}
