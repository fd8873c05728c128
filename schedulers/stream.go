package schedulers

import "github.com/lazygraph/lazygraph/graph"

// StreamKey returns what a worker process needs to give task i its random stream: the stream's
// 32-byte key (graph.StreamKey of the job's Seed and the task's stable key), to be carried in the
// task's message and put in its context with graph.WithStreamKey. It is nil when the task's
// function takes no context, and when the task has no stable key (delayed.Rand then fails in the
// task, naming it, as on the local schedulers).
func (j *Job) StreamKey(i int32) []byte {
	task := j.Plan.Task(i)
	fn := task.Func()
	if fn == nil || !fn.TakesContext() {
		return nil
	}
	id, ok := task.StableKey()
	if !ok {
		return nil
	}
	key := graph.StreamKey(j.Seed, id)
	return key[:]
}
