// Command otherbuild is a well-behaved lazygraph program, but not the one its parent runs: a
// parent must refuse it as a worker.
package main

import "github.com/lazygraph/lazygraph/delayed"

func main() {
	if delayed.Init() {
		return
	}
}
