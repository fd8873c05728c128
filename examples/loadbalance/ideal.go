package main

import (
	"sort"
	"time"
)

// ideal returns the shortest makespan any allocation of the workload to the given number of
// workers could reach: an optimal schedule, found exactly. It is at least the work shared evenly
// and at least the longest task, but can be more: 4 tasks of 100 ms on 3 workers need 200 ms.
//
// With only two task durations the search is small: a binary search for the shortest time limit
// within which every task fits (feasibility only improves as the limit grows).
func (w workload) ideal(workers int) time.Duration {
	total := w.total() // one worker doing everything: always fits
	limit := sort.Search(int(total), func(t int) bool { return w.fits(time.Duration(t), workers) })
	return time.Duration(limit)
}

// fits reports whether the tasks can be shared among the workers with none of them busy for
// longer than limit. It goes worker by worker, trying every number of slow tasks each could
// take and filling the rest of its time with fast tasks: most[k] is the most fast tasks that the
// workers considered so far can hold alongside k slow tasks (−1: they cannot hold k slow tasks).
func (w workload) fits(limit time.Duration, workers int) bool {
	most := make([]int, w.slow+1)
	for k := range most {
		most[k] = -1
	}
	most[0] = 0
	for range workers {
		next := make([]int, w.slow+1)
		for k := range next {
			next[k] = -1
		}
		for k, fast := range most {
			if fast < 0 {
				continue
			}
			for a := 0; k+a <= w.slow && time.Duration(a)*w.slowTime <= limit; a++ {
				room := w.fastTasksWithin(limit - time.Duration(a)*w.slowTime)
				next[k+a] = max(next[k+a], min(fast+room, w.fast))
			}
		}
		most = next
	}
	return most[w.slow] >= w.fast
}

// fastTasksWithin returns how many fast tasks fit in d, at most all of them.
func (w workload) fastTasksWithin(d time.Duration) int {
	if w.fastTime == 0 {
		return w.fast
	}
	return min(int(d/w.fastTime), w.fast)
}
