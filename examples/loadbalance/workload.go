package main

import (
	"fmt"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// The tasks: package-level wrappers, so that worker processes find them by name.
var (
	pause = delayed.Func2(sleepThenIndex)
	sum   = delayed.Func1(sumInts)
)

// sleepThenIndex stands for a task that takes d to compute; it returns its index i.
func sleepThenIndex(i int, d time.Duration) int {
	time.Sleep(d)
	return i
}

func sumInts(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// workload is the tasks' durations, in the order they are submitted: the slow ones first.
type workload struct {
	durations          []time.Duration
	slow, fast         int
	slowTime, fastTime time.Duration
}

func newWorkload(slow, fast int, slowTime, fastTime time.Duration) (workload, error) {
	switch {
	case slow < 0 || fast < 0 || slow+fast == 0:
		return workload{}, cli.Usagef("-slow %d -fast %d: want at least one task, and no negative counts", slow, fast)
	case slow > 1000 || fast > 100_000:
		return workload{}, cli.Usagef("-slow %d -fast %d: at most 1000 slow and 100000 fast tasks, please", slow, fast)
	case slowTime < 0:
		return workload{}, cli.Usagef("-slow-time %v: want a duration of at least 0", slowTime)
	case fastTime < 0:
		return workload{}, cli.Usagef("-fast-time %v: want a duration of at least 0", fastTime)
	}
	w := workload{slow: slow, fast: fast, slowTime: slowTime, fastTime: fastTime}
	for range slow {
		w.durations = append(w.durations, slowTime)
	}
	for range fast {
		w.durations = append(w.durations, fastTime)
	}
	return w, nil
}

func (w workload) String() string {
	return fmt.Sprintf("%d tasks: %d slow of %v, then %d fast of %v; %v of work in all",
		w.len(), w.slow, w.slowTime, w.fast, w.fastTime, w.total())
}

func (w workload) len() int { return len(w.durations) }

func (w workload) total() time.Duration {
	var total time.Duration
	for _, d := range w.durations {
		total += d
	}
	return total
}

// graph builds one task per duration and a sum of their indices.
func (w workload) graph() delayed.Delayed[int] {
	tasks := make([]delayed.Delayed[int], w.len())
	for i, d := range w.durations {
		tasks[i] = pause(delayed.Value(i), delayed.Value(d))
	}
	return sum(delayed.All(tasks))
}

// want is what graph computes: 0 + 1 + … + (n−1).
func (w workload) want() int { return w.len() * (w.len() - 1) / 2 }
