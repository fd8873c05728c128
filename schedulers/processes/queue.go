package processes

// readyQueue is a min-heap of task indices: lower indices have priority.
type readyQueue []int32

func (q *readyQueue) Len() int { return len(*q) }

func (q *readyQueue) push(i int32) {
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

func (q *readyQueue) pop() int32 {
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
