package cluster

import "fmt"

// Skip is a task not run in a computation that kept going: Cause, one of its arguments, failed
// or was skipped.
type Skip struct {
	Task  int32
	Cause int32
}

// Failures is the outcome of a computation that kept going ([Job.KeepGoing]) in which tasks
// failed: the failed tasks, in the order they failed, and the tasks skipped because they needed
// a failed or skipped task's result. The outputs that were computed reached the owner.
type Failures struct {
	Failed  []TaskFailure
	Skipped []Skip
}

func (f *Failures) Error() string {
	msg := fmt.Sprintf("%d task(s) failed, %d skipped", len(f.Failed), len(f.Skipped))
	if len(f.Failed) > 0 {
		msg += "; first: " + f.Failed[0].Error()
	}
	return msg
}

// failTask handles task i's failure, once i is in the failed state: a computation that keeps
// going records it and skips what needs i; any other stops.
func (c *Coordinator) failTask(js *Job, i int32, f *TaskFailure) {
	if !js.KeepGoing || js.stopped() {
		if !js.stopped() {
			c.stopJob(js, f)
		}
		c.finishIfIdle(js)
		return
	}
	js.failed = append(js.failed, *f)
	c.giveUp(js, i)
	c.skipUsers(js, i)
	if js.remaining() == 0 {
		c.finish(js)
	}
}

// giveUp ends task i's uses of its arguments: it will not run (again).
func (c *Coordinator) giveUp(js *Job, i int32) {
	for _, a := range js.Graph.Args(i) {
		if js.uses.add(a, -1) == 0 {
			c.release(js, a)
		}
	}
}

// skipUsers skips every task that needs root's result, directly or not, and is not settled: a
// task waiting for it, or one sent in a chain behind it (its worker's report of it is ignored).
func (c *Coordinator) skipUsers(js *Job, root int32) {
	g := js.Graph
	stack := []int32{root}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, u := range g.Users(i) {
			switch js.state[u] {
			case stWaiting:
				js.set(u, stSkipped)
			case stQueued:
				w := c.workers[js.where[u]]
				w.queue.remove(func(a assigned) bool { return a.js == js && a.i == u })
				c.giveBack(w, js, u)
				js.set(u, stSkipped)
				c.dropHolder(js, u, w)
				if w.live() {
					c.markDirty(w)
				}
			default:
				continue
			}
			js.skipped = append(js.skipped, Skip{Task: u, Cause: i})
			c.giveUp(js, u)
			stack = append(stack, u)
		}
	}
}

// outcome is what a finished computation's owner is told.
func (js *Job) outcome() error {
	if js.failure != nil || len(js.failed) == 0 {
		return js.failure
	}
	return &Failures{Failed: js.failed, Skipped: js.skipped}
}
