package graph

// ReadyQueue is a min-heap of task indices: since a plan's index order is its priority order,
// Pop returns the ready task that should run first. The zero value is an empty queue. It does
// not allocate once it has grown to its largest size.
type ReadyQueue []int32

// Len returns the number of queued tasks.
func (q *ReadyQueue) Len() int { return len(*q) }

// Push adds task i.
func (q *ReadyQueue) Push(i int32) {
	h := append(*q, i)
	c := len(h) - 1
	for c > 0 {
		p := (c - 1) / 2
		if h[p] <= h[c] {
			break
		}
		h[p], h[c] = h[c], h[p]
		c = p
	}
	*q = h
}

// Pop removes and returns the task with the lowest index. The queue must not be empty.
func (q *ReadyQueue) Pop() int32 {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	p := 0
	for {
		c := 2*p + 1
		if c >= last {
			break
		}
		if c+1 < last && h[c+1] < h[c] {
			c++
		}
		if h[p] <= h[c] {
			break
		}
		h[p], h[c] = h[c], h[p]
		p = c
	}
	*q = h
	return top
}
