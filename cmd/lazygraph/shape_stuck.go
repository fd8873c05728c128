package main

import (
	"fmt"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// The "stuck" shape, for nanny tests: one task with a timeout of 200 ms whose function ignores
// its context and sleeps for a minute. Its worker reports it failed by timeout and ends itself
// (worker.ErrStuckTask); a worker's nanny starts it again. The computation fails.
var benchStuck = delayed.Func1(stuckSleep, delayed.Timeout(200*time.Millisecond))

func stuckSleep(i int) int {
	time.Sleep(time.Minute)
	return i
}

func init() {
	shapes = append(shapes, shape{
		name:   "stuck",
		build:  func(p params, _ any) delayed.Node { return benchStuck(delayed.Value(p.n)) },
		check:  func(p params, r any) error { return expect(r, p.n) },
		fields: func(p params) string { return fmt.Sprintf("n=%d", p.n) },
	})
}
