package cluster

import "fmt"

// taskState is where a task of a computation stands. Data nodes are done from the start.
//
// The allowed transitions (see transitions):
//
//	waiting -> ready    its last argument was computed (or its value fetched back)
//	waiting -> queued   sent in a chain: its arguments are queued before it on the same worker
//	waiting -> local    a task run by the owner, its arguments all at the coordinator
//	ready   -> queued   sent to a worker
//	ready   -> waiting  an argument must first come back from a worker (fetch), or was lost
//	queued  -> done     its worker reported it
//	queued  -> waiting  its worker died before reporting it: it runs again
//	queued  -> failed   its worker reported an error (or its cancellation)
//	local   -> done     the owner ran it
//	local   -> failed   the owner failed to run it
//	done    -> waiting  its value was lost with a worker while something still needs it
//	waiting -> skipped  an argument failed (or was skipped) in a computation that keeps going
//	queued  -> skipped  the same, for a task sent in a chain after the argument that failed
type taskState uint8

const (
	stWaiting taskState = iota // some argument is not computed yet, or is on its way back
	stReady                    // in a ready queue
	stQueued                   // sent to a worker (possibly before its arguments are computed there)
	stLocal                    // running at the owner
	stDone                     // computed; its value is on workers, at the coordinator, or both
	stFailed                   // failed (or cancelled) on its worker or at the owner
	stSkipped                  // not run: an argument failed or was skipped (keep-going only)
	numStates
)

var stateNames = [numStates]string{"waiting", "ready", "queued", "local", "done", "failed", "skipped"}

func (s taskState) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return fmt.Sprintf("taskState(%d)", uint8(s))
}

// transitions[from][to] says whether a task may go from one state to another.
var transitions = [numStates][numStates]bool{
	stWaiting: {stReady: true, stQueued: true, stLocal: true, stSkipped: true},
	stReady:   {stQueued: true, stWaiting: true},
	stQueued:  {stDone: true, stWaiting: true, stFailed: true, stSkipped: true},
	stLocal:   {stDone: true, stFailed: true},
	stDone:    {stWaiting: true},
}

// errBadTransition is what the coordinator panics with when its own bookkeeping breaks (a bug,
// never the input's fault): tests catch it, and validate checks the rest.
type errBadTransition struct {
	task     int32
	from, to taskState
}

func (e errBadTransition) Error() string {
	return fmt.Sprintf("cluster: task %d cannot go from %s to %s", e.task, e.from, e.to)
}

// set moves task i to state to, keeping the per-state counts.
func (js *Job) set(i int32, to taskState) {
	from := js.state[i]
	if !transitions[from][to] {
		panic(errBadTransition{task: i, from: from, to: to})
	}
	js.state[i] = to
	js.count[from]--
	js.count[to]++
}

// inflight counts the tasks on workers or at the owner.
func (js *Job) inflight() int { return js.count[stQueued] + js.count[stLocal] }

// remaining counts the tasks not settled yet: neither computed, nor failed or skipped.
func (js *Job) remaining() int {
	return js.Graph.Len() - js.count[stDone] - js.count[stFailed] - js.count[stSkipped]
}

// settled reports whether a task's state is final for its computation (unless a value lost
// with a worker makes a done task run again).
func settled(st taskState) bool { return st == stDone || st == stFailed || st == stSkipped }
