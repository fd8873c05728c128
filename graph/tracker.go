package graph

// Tracker follows one execution of a [Plan]: which calls become ready as others finish, and when
// a result is no longer needed and can be released. It is not safe for concurrent use; a
// scheduler calls it under its own lock. Its methods do not allocate when given buffers with
// room.
type Tracker struct {
	plan    *Plan
	waiting []int32
	uses    []int32
}

// NewTracker returns a tracker at the start of an execution of p.
func NewTracker(p *Plan) *Tracker {
	t := &Tracker{plan: p}
	t.Reset()
	return t
}

// Reset returns the tracker to the start of an execution: each call waits for its arguments that
// are calls, and each result is needed once per use as an argument and once per output.
func (t *Tracker) Reset() {
	p := t.plan
	n := p.Len()
	t.waiting = append(t.waiting[:0], make([]int32, n)...)
	t.uses = append(t.uses[:0], make([]int32, n)...)
	for i := range n {
		t.uses[i] = p.userStart[i+1] - p.userStart[i]
		if p.tasks[i].fn == nil {
			continue
		}
		for _, a := range p.args[p.argStart[i]:p.argStart[i+1]] {
			if p.tasks[a].fn != nil {
				t.waiting[i]++
			}
		}
	}
	for _, o := range p.outputs {
		t.uses[o]++
	}
}

// Finish records that call i has its result, appends the calls that became ready to ready and
// returns it. Calls become ready in the order their last argument finishes.
func (t *Tracker) Finish(i int32, ready []int32) []int32 {
	for _, u := range t.plan.Users(i) {
		t.waiting[u]--
		if t.waiting[u] == 0 {
			ready = append(ready, u)
		}
	}
	return ready
}

// Release records that call i no longer needs its arguments (it ran, or will never run), appends
// each argument whose result nobody needs any more to freed and returns it. Outputs are never
// freed.
func (t *Tracker) Release(i int32, freed []int32) []int32 {
	for _, a := range t.plan.Args(i) {
		t.uses[a]--
		if t.uses[a] == 0 {
			freed = append(freed, a)
		}
	}
	return freed
}

// Waiting returns the number of call i's arguments that have not finished.
func (t *Tracker) Waiting(i int32) int32 { return t.waiting[i] }

// Uses returns the number of remaining uses of i's result.
func (t *Tracker) Uses(i int32) int32 { return t.uses[i] }
