package worker

import "testing"

// A queue that never runs empty (the coordinator keeps a batch queued behind the running one)
// stays about twice its backlog, and its items keep their order.
func TestQueueNeverEmptyStaysBounded(t *testing.T) {
	x := NewExecutor(newSink(), nil)
	const batch = 1000
	next, want := uint64(1), uint64(1)
	push := func() {
		tasks := make([]Task, batch)
		for k := range tasks {
			tasks[k] = Task{Key: next, Job: 1}
			next++
		}
		if err := x.Apply(&Batch{Job: 1, Tasks: tasks}, nil); err != nil {
			t.Fatal(err)
		}
	}
	pop := func(n int) {
		for range n {
			if x.head == len(x.queue) {
				t.Fatal("queue ran empty")
			}
			if got := x.queue[x.head].task.Key; got != want {
				t.Fatalf("task %d next, want %d", got, want)
			}
			x.queue[x.head] = item{}
			x.head++
			want++
		}
	}
	push()
	push()
	for range 200 { // 200 batches through a backlog of one to two batches
		pop(batch)
		push()
	}
	if c := cap(x.queue); c > 8*batch {
		t.Errorf("queue array of %d items for a backlog of at most %d", c, 2*batch)
	}
	pop(2 * batch)
	for _, it := range x.queue[:cap(x.queue)] {
		if it.task.Key != 0 {
			t.Fatalf("a run or moved item (task %d) is still referenced", it.task.Key)
		}
	}
}
