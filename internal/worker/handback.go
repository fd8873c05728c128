package worker

// HandBack asks a worker that is retiring to give back the tasks it was sent and has not
// started: it drops them from its queue, now and in any batch still on its way, and reports
// them in Results.Dropped. The task it is running, if any, runs to its end as usual. A task
// reported dropped never runs on this worker, so the parent may run it elsewhere at once.
type HandBack struct{}

// TaskRef names a task of a job.
type TaskRef struct {
	Job uint32 `msgpack:"j"`
	Key uint64 `msgpack:"k"`
}

// HandBack drops every queued task that has not started (and the tasks of batches applied
// later) and reports them to the sink in one Results message (see the HandBack message).
// Releases and job ends queued among them still happen, in order.
func (x *Executor) HandBack() error {
	x.mu.Lock()
	x.handingBack = true
	var dropped []TaskRef
	kept := x.queue[:x.head]
	for _, it := range x.queue[x.head:] {
		if it.release == nil && it.finish == nil {
			dropped = append(dropped, TaskRef{Job: it.task.Job, Key: it.task.Key})
			continue
		}
		kept = append(kept, it)
	}
	clear(x.queue[len(kept):])
	x.queue = kept
	x.wake.Signal()
	x.mu.Unlock()
	return x.sendDropped(dropped)
}

// sendDropped reports tasks dropped without running.
func (x *Executor) sendDropped(dropped []TaskRef) error {
	if len(dropped) == 0 {
		return nil
	}
	return x.sink.SendResults(&Results{Dropped: dropped}, nil)
}
