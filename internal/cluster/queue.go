package cluster

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
