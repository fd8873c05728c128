package cluster

import (
	"sync"
	"sync/atomic"
	"time"
)

// Status is a snapshot of a coordinator, for a status page.
type Status struct {
	Workers     []WorkerStatus `json:"workers"`
	Jobs        int            `json:"computations"`
	TaskStates  map[string]int `json:"tasks_by_state"`
	RecentTasks []RecentTask   `json:"recent_tasks"`
	// Waiting lists the tasks waiting for resources (Function.Resources), per function.
	Waiting []ResourceWait `json:"waiting_for_resources,omitempty"`
	Taken   time.Time      `json:"taken"`
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
	// Resources are what the worker declared, FreeResources what its queued tasks leave.
	Resources     string `json:"resources,omitempty"`
	FreeResources string `json:"free_resources,omitempty"`
}

// RecentTask is a recently finished task.
type RecentTask struct {
	Func    string        `json:"function"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// StatusMaxAge is how old the snapshot Status returns may be: requests more frequent than this
// share one snapshot, so that a busy status page costs the coordinator a few snapshots a second.
const StatusMaxAge = 250 * time.Millisecond

// statusCache holds the last snapshot. Taking one costs the coordinator's goroutine time in the
// number of workers and computations (per-state task counts are kept as tasks move), never in
// the number of tasks.
type statusCache struct {
	last atomic.Pointer[Status]
	mu   sync.Mutex // one refresh at a time
}

// Status returns a snapshot at most StatusMaxAge old (an empty one if the coordinator has
// stopped).
func (c *Coordinator) Status() Status {
	if s := c.status.last.Load(); s != nil && time.Since(s.Taken) < StatusMaxAge {
		return *s
	}
	c.status.mu.Lock()
	defer c.status.mu.Unlock()
	if s := c.status.last.Load(); s != nil && time.Since(s.Taken) < StatusMaxAge {
		return *s
	}
	done := make(chan struct{})
	if !c.do(evStatusAsked{done}) {
		return Status{}
	}
	select {
	case <-done:
		return *c.status.last.Load()
	case <-c.stopped:
		return Status{}
	}
}

// publishStatus takes a snapshot, on the coordinator's goroutine.
func (c *Coordinator) publishStatus() {
	s := &Status{Jobs: len(c.jobs), TaskStates: map[string]int{}, Taken: time.Now()}
	for _, w := range c.alive {
		ws := WorkerStatus{Name: w.Name, Address: w.PeerAddress, HeldKeys: w.heldKeys, HeldBytes: w.heldBytes,
			Queued: w.queue.Len(), Completed: w.ran}
		if len(w.Resources) > 0 {
			ws.Resources, ws.FreeResources = w.Resources.String(), freeString(w)
		}
		if head, ok := w.queue.head(); ok {
			ws.Running = head.js.Graph.Func(head.i).Name
		}
		s.Workers = append(s.Workers, ws)
	}
	for _, js := range c.jobs {
		for st, n := range js.count {
			if n > 0 {
				s.TaskStates[taskState(st).String()] += n
			}
		}
	}
	s.RecentTasks = c.recent.list()
	s.Waiting = c.resourceWaits()
	c.status.last.Store(s)
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
