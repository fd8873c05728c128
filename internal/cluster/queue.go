package cluster

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

// taskQueue is a worker's tasks in the order it runs them: pushed at the back, reported from the
// front.
type taskQueue struct {
	list  []assigned
	front int
}

func (q *taskQueue) Len() int { return len(q.list) - q.front }

func (q *taskQueue) push(a assigned) { q.list = append(q.list, a) }

func (q *taskQueue) head() (assigned, bool) {
	if q.Len() == 0 {
		return assigned{}, false
	}
	return q.list[q.front], true
}

// items returns the queued tasks, front first. Do not modify it.
func (q *taskQueue) items() []assigned { return q.list[q.front:] }

// remove removes the first task matching, normally the front one.
func (q *taskQueue) remove(match func(assigned) bool) {
	for k := q.front; k < len(q.list); k++ {
		if !match(q.list[k]) {
			continue
		}
		if k == q.front {
			q.list[k] = assigned{}
			q.front++
		} else {
			copy(q.list[k:], q.list[k+1:])
			q.list[len(q.list)-1] = assigned{}
			q.list = q.list[:len(q.list)-1]
		}
		break
	}
	if q.front == len(q.list) {
		q.list, q.front = q.list[:0], 0
	} else if q.front > 1024 && q.front > len(q.list)/2 {
		n := copy(q.list, q.list[q.front:])
		clear(q.list[n:])
		q.list, q.front = q.list[:n], 0
	}
}
