package cluster

import (
	"sync"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// A batch's task, argument and index arrays are reused once its frame is written: a
// million-task wide graph otherwise allocated about 140 bytes per task for them, most of the
// coordinator's garbage, and what it allocates while a collection marks survives that
// collection, so the heap the next one waits for grows with it.
//
// The link's call of Outgoing.Done is what hands the arrays back: Link's contract is that the
// frame is written (or given up) by then, and nothing reads its message after. Done also
// clears the frame's message, so a reader that broke that contract finds nothing rather than
// another batch's tasks. Only the arrays the batch alone fills are reused; bodies, values and
// attachments are referenced, never copied in, and are let go.
var batchPool = sync.Pool{New: func() any { return new(batch) }}

// newBatch returns an empty batch for w and js with room for about n tasks.
func newBatch(w *Worker, js *Job, n int) *batch {
	b := batchPool.Get().(*batch)
	b.w, b.js, b.fn = w, js, -1
	b.msg.Store = js.Store
	if n > 1 && (cap(b.msg.Tasks) < n || cap(b.assigned) < n) {
		b.msg.Tasks = make([]worker.Task, 0, n)
		b.assigned = make([]int32, 0, n)
	}
	return b
}

// recycle empties b and puts it back for another message. Call it only when no one reads b's
// message any more.
func (b *batch) recycle() {
	b.reset()
	batchPool.Put(b)
}

// reset empties b, keeping the room of the arrays it reuses.
func (b *batch) reset() {
	// Cleared, so that a pooled batch keeps no computation's values or streams alive.
	clear(b.msg.Tasks)
	clear(b.argBuf[:cap(b.argBuf)]) // past its length too: a task that could not be sent appended some
	tasks, assigned, args := b.msg.Tasks[:0], b.assigned[:0], b.argBuf[:0]
	*b = batch{}
	b.msg.Tasks, b.assigned, b.argBuf = tasks, assigned, args
}
