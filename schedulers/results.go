package schedulers

import "sync"

// Results are kept in one of two ways. Schedulers that run tasks in this process (threads,
// synchronous) store every task's result, so the job has one slot per task of the plan, made
// the first time a result is stored or read and holding the data nodes' values from the start.
// Schedulers that run tasks elsewhere (processes, distributed) store only the outputs and the
// tasks they run here: after FewResults, those are kept by task, and a million-task graph does
// not carry a slot per task (16 bytes each) it never fills.
type jobResults struct {
	slotsOnce sync.Once
	slots     []any // one per task; nil in few mode, and until first used otherwise

	// byKey, made by FewResults before the scheduler starts (nil otherwise), holds the results
	// stored, nil for one freed.
	mu    sync.Mutex
	byKey map[int32]any
}

// few reports whether the job keeps results by task (FewResults).
func (r *jobResults) few() bool { return r.byKey != nil }

// FewResults tells the job that its scheduler stores only a few results, the outputs and the
// tasks it runs in this process, so that they are kept by task instead of in one slot per task
// of the plan. Result, SetResult, Free and Run behave as before. Call it before any result is
// stored or read, on the goroutine that calls the others first; once slots exist, or a second
// time, it does nothing.
func (j *Job) FewResults() {
	if j.res.slots != nil || j.res.few() {
		return
	}
	j.res.byKey = map[int32]any{}
}

// resultSlots returns the job's slot per task, making it on first use.
func (j *Job) resultSlots() []any {
	j.res.slotsOnce.Do(func() {
		slots := make([]any, j.Plan.Len())
		for i := range int32(len(slots)) {
			if j.Plan.IsData(i) {
				slots[i] = j.Plan.Task(i).Value()
			}
		}
		j.res.slots = slots
	})
	return j.res.slots
}

// appendArgs appends task i's arguments' results to args: from the slots looked up once, for
// Run's every task on threads and synchronous.
func (j *Job) appendArgs(args []any, i int32) []any {
	if j.res.few() {
		for _, a := range j.Plan.Args(i) {
			args = append(args, j.Result(a))
		}
		return args
	}
	slots := j.resultSlots()
	for _, a := range j.Plan.Args(i) {
		args = append(args, slots[a])
	}
	return args
}

// Result returns the result stored for task i (nil before it ran or after it was freed); a
// data node's result is its value.
func (j *Job) Result(i int32) any {
	if !j.res.few() {
		return j.resultSlots()[i]
	}
	j.res.mu.Lock()
	v, ok := j.res.byKey[i]
	j.res.mu.Unlock()
	if !ok && j.Plan.IsData(i) {
		return j.Plan.Task(i).Value()
	}
	return v
}

// SetResult stores task i's result. Different tasks' results may be set concurrently.
func (j *Job) SetResult(i int32, v any) {
	if !j.res.few() {
		j.resultSlots()[i] = v
		return
	}
	j.res.mu.Lock()
	j.res.byKey[i] = v
	j.res.mu.Unlock()
}

// Free drops the reference to task i's result, once no task needs it any more.
func (j *Job) Free(i int32) {
	if !j.res.few() {
		j.resultSlots()[i] = nil
		return
	}
	j.res.mu.Lock()
	j.res.byKey[i] = nil // present and nil: a data node's value is freed too
	j.res.mu.Unlock()
}
