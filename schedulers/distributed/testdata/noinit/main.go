// Command noinit is a lazygraph program that forgets to call delayed.Init: computing on a local
// distributed cluster must fail at once with a clear error, not wait for workers that never come.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/lazygraph/lazygraph/delayed"
)

var double = delayed.Func1(func(x int) int { return 2 * x })

func main() {
	v, err := double(delayed.Value(21)).Compute(context.Background(), delayed.WithScheduler("distributed"), delayed.WithWorkers(2))
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	fmt.Println(v)
}
