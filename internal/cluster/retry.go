package cluster

// Retries of failed tasks are placed by the coordinator (issue 12): a worker makes one attempt of
// a task (worker.Task.Placed) and, when it fails and the function's policy allows another,
// reports so (worker.Result.Retry); the coordinator then runs the next attempt on another worker
// when one can take it, since a task may fail because of its worker's state (a full disk, a
// broken GPU, memory). The attempt gets the same arguments and random stream wherever it runs,
// so a retry that succeeds gives the result an unfailing run would have.

// retryPlace is a task whose attempt failed and that runs again: the attempts made so far and
// the worker the last one failed on.
type retryPlace struct {
	tried uint8
	avoid int32
}

// maxPlacedAttempts bounds the attempts counted per task (worker.Task.Tried is a byte).
const maxPlacedAttempts = 255

// tried returns the attempts task i has made so far (0 before its first).
func (js *Job) tried(i int32) uint8 {
	if js.retry == nil {
		return 0
	}
	return js.retry[i].tried
}

// retryElsewhere puts task i, whose attempt failed on w after attempts in all, back to run again
// avoiding w. It returns false (the task then fails) when the attempts cannot be counted further.
func (c *Coordinator) retryElsewhere(w *Worker, js *Job, i int32, attempts int) bool {
	if attempts <= 0 || attempts >= maxPlacedAttempts {
		return false
	}
	if js.retry == nil {
		js.retry = map[int32]retryPlace{}
	}
	js.retry[i] = retryPlace{tried: uint8(attempts), avoid: w.id}
	rerun := []int32{i}
	js.set(i, stWaiting)
	js.where[i] = -1
	// Tasks chained after it on w wait for its value there, which will not come: they run again
	// too, and what w reports of them is ignored (they are no longer queued there).
	for k := 0; k < len(rerun); k++ {
		for _, u := range js.Graph.Users(rerun[k]) {
			if js.state[u] == stQueued && js.where[u] == w.id {
				w.queue.remove(func(a assigned) bool { return a.js == js && a.i == u })
				js.set(u, stWaiting)
				js.where[u] = -1
				rerun = append(rerun, u)
			}
		}
	}
	c.recompute(js, rerun)
	return true
}

// retryWorker returns the worker a task about to be ready should prefer: for a task being
// retried, preferred unless its last attempt failed there, else the worker taking tasks with the
// shortest queue other than that one (nil: any worker, the one it failed on included, when no
// other can take it).
func (c *Coordinator) retryWorker(js *Job, i int32, preferred *Worker) *Worker {
	p, ok := js.retry[i]
	if !ok || preferred != nil && preferred.id != p.avoid {
		return preferred
	}
	var best *Worker
	for _, w := range c.workers {
		if w != nil && w.id != p.avoid && w.takesTasks() && compatible(js, w) && (best == nil || w.queue.Len() < best.queue.Len()) {
			best = w
		}
	}
	return best
}
