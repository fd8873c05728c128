package worker

import (
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

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

// Apply copies the batch's tasks: a transport may reuse the array for the next batch at once.
func TestApplyCopiesTasks(t *testing.T) {
	RegisterTypesOf(benchInc)
	s := newSink()
	x := NewExecutor(s, nil)
	tasks := make([]Task, 3)
	for k := range tasks {
		v, err := wire.Encode(10*(k+1), reflect.TypeFor[int]())
		if err != nil {
			t.Fatal(err)
		}
		tasks[k] = Task{Key: uint64(k + 1), Job: 1, Fn: 1, Args: []Arg{{Body: v.Body}}, Send: SendAlways}
	}
	b := &Batch{Job: 1, Functions: []FunctionDef{{ID: 1, Name: benchInc.Name()}}, Tasks: tasks}
	if err := x.Apply(b, nil); err != nil {
		t.Fatal(err)
	}
	clear(tasks) // as a reader reusing the array for the next batch does, before any task ran
	done := make(chan error, 1)
	go func() { done <- x.Run() }()
	got := s.wait(t, 3)
	x.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if r.Err != nil {
			t.Fatalf("task %d: %s", r.Key, r.Err.Message)
		}
		v, err := wire.Decode(wire.Value{Body: r.Body}, reflect.TypeFor[int]())
		if want := 10*int(r.Key) + 1; err != nil || v != want {
			t.Errorf("task %d: %v (%v), want %d", r.Key, v, err, want)
		}
	}
}
