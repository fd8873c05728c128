package worker

// makeRoom prepares the queue for n more items; x.mu is held.
//
// The queue is consumed from x.head and reset only when Run finds it empty. A coordinator that
// keeps a second batch queued behind the running one (so that a worker never waits for work)
// never lets it run empty: append alone would then keep every item ever queued, copying all of
// them into a larger array as batches arrive (a fifth of a worker's time on a 1e5-task graph).
// Instead the items not yet run move to the front, into a larger array when they would fill
// more than half of this one, so the array stays about twice the backlog.
func (x *Executor) makeRoom(n int) {
	if x.head == 0 || len(x.queue)+n <= cap(x.queue) {
		return
	}
	left := len(x.queue) - x.head
	if left+n > cap(x.queue)/2 {
		q := make([]item, left, 2*(left+n))
		copy(q, x.queue[x.head:])
		x.queue, x.head = q, 0
		return
	}
	m := copy(x.queue, x.queue[x.head:])
	clear(x.queue[m:]) // the moved items' old places
	x.queue, x.head = x.queue[:m], 0
}
