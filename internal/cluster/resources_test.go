package cluster

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// ranOrder steps w one task at a time until the computations settle, and returns the keys of
// the tasks in the order w ran them.
func ranOrder(s *sim, w *simWorker) []uint64 {
	var keys []uint64
	for range 10000 {
		for w.deliver() {
		}
		if len(w.tasks) == 0 {
			break
		}
		keys = append(keys, w.tasks[0].Key)
		w.run()
		w.report(false)
	}
	return keys
}

// independent builds n calls of fn on data, each with its own priority prios[k].
func independent(t *testing.T, prios []int) (*Graph, map[int32]int64) {
	b := newGraphBuilder()
	for k, p := range prios {
		name := "inc"
		if p != 0 {
			name = "inc#" + string(rune('a'+k))
		}
		fn := b.call(name, false, b.datum(int64(k)))
		b.outputs = append(b.outputs, fn)
	}
	for k := range b.functions {
		b.functions[k].Name = "inc"
	}
	g := b.build(t)
	// Functions by call order: give each its priority.
	for k := range prios {
		i := int32(2*k + 1)
		g.functions[g.funcs.at(i)].Priority = prios[k]
	}
	g.prioritize()
	return g, b.data
}

// With one worker taking one task at a time, ready tasks run by priority, ties in graph order.
func TestPriorityOrderOnOneWorker(t *testing.T) {
	s := newSim(t, Options{})
	w := s.addWorker("")
	prios := []int{0, 5, -1, 5, 2}
	g, data := independent(t, prios)
	j := s.submitWith(g, data, func(js *Job) { js.Chunksize = 1 })
	got := ranOrder(s, w)
	want := []int{1, 3, 4, 0, 2} // the calls, by priority then order
	if len(got) != len(want) {
		t.Fatalf("ran %d tasks, want %d", len(got), len(want))
	}
	for k, call := range want {
		if key := j.js.key(int32(2*call + 1)); got[k] != key {
			t.Fatalf("task %d run was key %d, want call %d (key %d); order %v", k, got[k], call, key, got)
		}
	}
	s.settle()
	s.check()
}

// Computations of higher priority are served first; equal ones take turns, not oldest first.
func TestComputationsServedByPriorityThenInTurn(t *testing.T) {
	s := newSim(t, Options{})
	w := s.addWorker("")
	one := func(prio, n int) *simJob {
		g, data := wideGraph(t, n)
		return s.submitWith(g, data, func(js *Job) { js.Chunksize = 1; js.Priority = prio })
	}
	a, b := one(0, 300), one(0, 300)
	high := one(1, 6)
	owner := func(key uint64) *simJob {
		for _, j := range []*simJob{a, b, high} {
			if _, ok := j.js.index(key); ok {
				return j
			}
		}
		return nil
	}
	order := ranOrder(s, w)
	// The first task was sent before the high-priority computation came; the tasks after it are
	// high's.
	seen := 0
	k := 1
	for ; k < len(order) && owner(order[k]) == high; k++ {
		seen++
	}
	// Its 6 independent tasks, that is: its gathering tasks become ready only later, and wait
	// behind what was sent meanwhile (priorities order what is sent, not what is queued).
	if seen < 6 {
		t.Fatalf("after the first task, %d of high's 6 ready tasks ran before others", seen)
	}
	// Then a and b take turns (each refill of the worker starts with the other), not a to its
	// end first.
	var rest []*simJob
	for _, key := range order[k:] {
		rest = append(rest, owner(key))
	}
	switches := 0
	for k := 1; k < len(rest); k++ {
		if rest[k] != rest[k-1] {
			switches++
		}
	}
	if switches < 3 {
		t.Fatalf("equal computations switched %d times on the worker: not served in turn", switches)
	}
	s.settle()
	s.check()
}

// Tasks needing gpu=1 run only on the worker declaring it, one at a time; other tasks run
// anywhere.
func TestResourcesPlaceTasksOnWorkersThatHaveThem(t *testing.T) {
	s := newSim(t, Options{})
	cpu := s.addWorker("")
	gpu := s.addWorkerWith("", map[string]float64{"gpu": 1})
	b := newGraphBuilder()
	var gpuCalls []int32
	for k := range 8 {
		x := b.datum(int64(k))
		g := b.call("mix", false, x)
		gpuCalls = append(gpuCalls, g)
		b.outputs = append(b.outputs, b.call("inc", false, g))
	}
	g := b.build(t)
	g.functions[g.funcs.at(gpuCalls[0])].Resources = map[string]float64{"gpu": 1}
	g.prioritize()
	j := s.submit(g, b.data, "")
	ranOn := map[uint64]string{}
	for round := 0; round < 1000 && !j.over; round++ {
		for _, w := range []*simWorker{cpu, gpu} {
			for w.deliver() {
			}
			gpuQueued := 0
			for _, task := range w.tasks {
				if i, _ := j.js.index(task.Key); j.js.flags[i]&flagResources != 0 {
					gpuQueued++
				}
			}
			if gpuQueued > 1 {
				t.Fatalf("worker %s has %d gpu tasks queued, declares gpu=1", w.w.Name, gpuQueued)
			}
			if len(w.tasks) > 0 {
				ranOn[w.tasks[0].Key] = w.w.Name
			}
			w.run()
			w.report(false)
		}
	}
	s.settle()
	s.check()
	for _, i := range gpuCalls {
		if on := ranOn[j.js.key(i)]; on != gpu.w.Name {
			t.Errorf("gpu task %d ran on %q, want %s", i, on, gpu.w.Name)
		}
	}
}

// A computation needing a resource no worker has waits, shows in Status, and fails after the
// no-worker timeout naming the resource.
func TestNoWorkerTimeoutNamesTheResource(t *testing.T) {
	c := New(Options{NoWorkerTimeout: 300 * time.Millisecond})
	defer c.Close()
	f := newFakeWorker(c, "cpu-only")
	f.w.Resources = map[string]float64{"mem": 4e9}
	f.start()
	defer f.stop()
	b := newGraphBuilder()
	b.outputs = []int32{b.call("inc", false, b.datum(1))}
	g := b.build(t)
	g.functions[0].Resources = map[string]float64{"gpu": 1, "mem": 1e9}
	g.prioritize()
	o := newFakeOwner(b.data)
	c.Submit(&Job{Graph: g, Owner: o})
	deadline := time.After(30 * time.Second)
	for {
		st := c.Status()
		if len(st.Waiting) == 1 {
			w := st.Waiting[0]
			if w.Needs != "gpu=1,mem=1e+09" || w.Tasks != 1 || !w.Unavailable {
				t.Fatalf("status shows %+v", w)
			}
			break
		}
		select {
		case <-deadline:
			t.Fatal("status never showed the task waiting for gpu")
		case <-time.After(10 * time.Millisecond):
		}
	}
	select {
	case err := <-o.done:
		if !errors.Is(err, ErrNoWorker) || !errors.Is(err, ErrResourceUnavailable) || !strings.Contains(err.Error(), "needs gpu=1") || !strings.Contains(err.Error(), "cpu-only: mem=4e+09") {
			t.Fatalf("err = %v, want ErrNoWorker naming gpu=1 and the worker's resources", err)
		}
		t.Log(err)
	case <-deadline:
		t.Fatal("no error 30s after a computation needing a missing gpu was submitted")
	}
}

var _ = worker.Task{}
