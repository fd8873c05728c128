package delayed_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/lazygraph/lazygraph/delayed"
)

// WithFunctionProgress adds a line per function to the progress bar (the overall line, with
// its rate and time to finish, is left out here as its times vary).
// LAZYGRAPH_PROGRESS=functions does the same on standard error.
func ExampleWithFunctionProgress() {
	squares := make([]delayed.Delayed[int], 5)
	for i := range squares {
		squares[i] = square(delayed.Value(i))
	}
	var progress bytes.Buffer
	_, err := total(delayed.All(squares)).Compute(context.Background(), delayed.WithFunctionProgress(&progress))
	fmt.Println(err)
	for _, line := range strings.Split(progress.String(), "\n") {
		if i := strings.Index(line, "]"); strings.HasPrefix(line, "  ") && i > 0 {
			fmt.Println(line[i+1:])
		}
	}
	// Output:
	// <nil>
	//  100% 5/5
	//  100% 1/1
	//  100% 1/1
}
