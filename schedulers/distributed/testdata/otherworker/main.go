// Command otherworker is a lazygraph program with other functions than the tests' client: a
// scheduler must not run the client's computations on it.
package main

import (
	"github.com/lazygraph/lazygraph/delayed"
)

var triple = delayed.Func1(func(x int) int { return 3 * x })

func main() {
	if delayed.Init() {
		return
	}
	_ = triple
}
