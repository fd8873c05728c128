package threads

import (
	"sync"
	"sync/atomic"
)

// budget is the number of tasks a top-level computation and every computation nested inside its
// tasks may run at once: a worker holds a token while it runs tasks and gives it back when it
// has nothing to do.
type budget struct {
	tokens chan struct{}
}

func newBudget(n int) *budget {
	return &budget{tokens: make(chan struct{}, n)}
}

// acquire takes a token, or gives up and reports false when stop is closed first.
func (b *budget) acquire(stop <-chan struct{}) bool {
	select {
	case b.tokens <- struct{}{}:
		return true
	case <-stop:
		return false
	}
}

func (b *budget) release() { <-b.tokens }

// workers maps the goroutines currently working for a computation to its budget, so that a
// Compute called from inside a task finds the budget it must share. Looking a goroutine up costs
// a stack read, paid only while some computation on this scheduler is running.
var workers struct {
	active atomic.Int64
	byID   sync.Map // goroutine id (uint64) -> *budget
}

func enlist(id uint64, b *budget) {
	workers.active.Add(1)
	workers.byID.Store(id, b)
}

func discharge(id uint64) {
	workers.byID.Delete(id)
	workers.active.Add(-1)
}

// enclosingBudget returns the budget of the computation whose task is running on this
// goroutine, or nil when the caller is not inside a task.
func enclosingBudget() (*budget, uint64) {
	if workers.active.Load() == 0 {
		return nil, 0
	}
	id := goroutineID()
	if b, ok := workers.byID.Load(id); ok {
		return b.(*budget), id
	}
	return nil, id
}
