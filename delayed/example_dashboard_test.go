package delayed_test

import (
	"context"
	"fmt"

	"github.com/lazygraph/lazygraph/delayed"
)

func ExampleWithDashboard() {
	// Serve the live dashboard on a free loopback port while computing; its URL is printed to
	// standard error, and it keeps serving (and showing later computations) until the process
	// ends. LAZYGRAPH_DASHBOARD=127.0.0.1:8788 does the same without changing the code.
	parts := make([]delayed.Delayed[int], 4)
	for i := range parts {
		parts[i] = double(delayed.Value(i))
	}
	got, err := delayed.ComputeEach(context.Background(), parts, delayed.WithDashboard("127.0.0.1:0"))
	fmt.Println(got, err)
	// Output: [0 2 4 6] <nil>
}
