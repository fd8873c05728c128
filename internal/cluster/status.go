package cluster

import "time"

// Status is a snapshot of a coordinator, for a status page.
type Status struct {
	Workers     []WorkerStatus `json:"workers"`
	Jobs        int            `json:"computations"`
	TaskStates  map[string]int `json:"tasks_by_state"`
	RecentTasks []RecentTask   `json:"recent_tasks"`
}

// WorkerStatus describes one worker.
type WorkerStatus struct {
	Name      string `json:"name"`
	Address   string `json:"address,omitempty"`
	HeldKeys  int    `json:"held_keys"`
	HeldBytes int64  `json:"held_bytes"`
	Queued    int    `json:"queued_tasks"`
	Running   string `json:"running_task,omitempty"`
	Completed int64  `json:"completed_tasks"`
}

// RecentTask is a recently finished task.
type RecentTask struct {
	Func    string        `json:"function"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Status returns a snapshot (an empty one if the coordinator has stopped).
func (c *Coordinator) Status() Status {
	out := make(chan Status, 1)
	if !c.do(func() { out <- c.status() }) {
		return Status{}
	}
	select {
	case s := <-out:
		return s
	case <-c.stopped:
		return Status{}
	}
}

func (c *Coordinator) status() Status {
	s := Status{Jobs: len(c.jobs), TaskStates: map[string]int{}}
	for _, w := range c.live() {
		ws := WorkerStatus{Name: w.Name, Address: w.PeerAddress, HeldKeys: len(w.holds), Queued: w.queue.Len(), Completed: w.ran}
		for _, size := range w.holds {
			ws.HeldBytes += size
		}
		if head, ok := w.queue.head(); ok {
			ws.Running = head.js.Graph.Func(head.i).Name
		}
		s.Workers = append(s.Workers, ws)
	}
	names := []string{"waiting", "ready", "running", "done"}
	for _, js := range c.jobs {
		for _, st := range js.status {
			s.TaskStates[names[st]]++
		}
	}
	s.RecentTasks = c.recent.list()
	return s
}

// recentTasks keeps the last few finished tasks.
type recentTasks struct {
	ring [64]RecentTask
	next int
	n    int
}

func (r *recentTasks) add(fn string, ns int64) {
	r.ring[r.next] = RecentTask{Func: fn, Elapsed: time.Duration(ns)}
	r.next = (r.next + 1) % len(r.ring)
	r.n = min(r.n+1, len(r.ring))
}

func (r *recentTasks) list() []RecentTask {
	out := make([]RecentTask, 0, r.n)
	for k := range r.n {
		out = append(out, r.ring[(r.next-r.n+k+len(r.ring))%len(r.ring)])
	}
	return out
}

func nanoseconds(ns int64) time.Duration { return time.Duration(ns) }
