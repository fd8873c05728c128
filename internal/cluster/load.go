package cluster

// Load is what an adaptive scheduler decides from: the tasks waiting for a worker or running,
// and every connected worker's queue. Taking it costs the coordinator's goroutine time in the
// number of workers and computations, never in the number of tasks.
type Load struct {
	Jobs    int // computations running
	Ready   int // tasks ready to run, waiting for a worker with room
	Queued  int // tasks sent to workers and not reported yet
	Waiting int // tasks waiting for their inputs
	Workers []WorkerLoad
}

// WorkerLoad is one connected worker as an adaptive scheduler sees it.
type WorkerLoad struct {
	Worker    *Worker
	Queued    int   // tasks sent to it and not reported yet
	Completed int64 // tasks it reported so far
	Retiring  bool  // retiring or retired (it takes no task)
}

// Load returns the coordinator's load now (a zero Load once it has stopped).
func (c *Coordinator) Load() Load {
	res := make(chan Load, 1)
	if !c.do(evLoadAsked{res}) {
		return Load{}
	}
	select {
	case l := <-res:
		return l
	case <-c.stopped:
		return Load{}
	}
}

func (c *Coordinator) load() Load {
	l := Load{Jobs: len(c.jobs)}
	for _, js := range c.jobs {
		if js.over || js.stopped() {
			continue
		}
		l.Ready += js.count[stReady]
		l.Queued += js.count[stQueued]
		l.Waiting += js.count[stWaiting]
	}
	for _, w := range c.workers {
		if w == nil || !w.live() {
			continue
		}
		l.Workers = append(l.Workers, WorkerLoad{Worker: w, Queued: w.queue.Len(), Completed: w.ran, Retiring: w.retiring != nil})
	}
	return l
}
