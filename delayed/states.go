package delayed

import (
	"sync"

	"github.com/lazygraph/lazygraph/graph"
)

// TaskStates records what became of each task of the computations it watches: pass its
// [TaskStates.Callbacks] to them with [WithCallbacks], then draw the graph coloured by state
// with [VisualizeWith]. It is safe for concurrent use.
type TaskStates struct {
	mu     sync.Mutex
	states map[graph.Key]graph.TaskState
}

// NewTaskStates returns an empty record.
func NewTaskStates() *TaskStates {
	return &TaskStates{states: make(map[graph.Key]graph.TaskState)}
}

// Callbacks records each task as it ends: finished or failed (the last attempt counts).
func (s *TaskStates) Callbacks() Callbacks {
	return Callbacks{TaskEnd: func(t TaskInfo) {
		state := graph.StateDone
		if t.Err != nil {
			state = graph.StateFailed
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.states[t.Key] = state
	}}
}

// State is what became of the task with key k: graph.StateUnknown when it did not end in a
// watched computation.
func (s *TaskStates) State(k graph.Key) graph.TaskState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.states[k]
}
