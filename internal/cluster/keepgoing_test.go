package cluster

import (
	"errors"
	"maps"
	"slices"
	"testing"
)

// submitKeepGoing submits a computation that keeps going after failures.
func (s *sim) submitKeepGoing(g *Graph, data map[int32]int64) *simJob {
	o := newFakeOwner(data)
	j := &simJob{js: &Job{Graph: g, Owner: o, KeepGoing: true}, owner: o}
	s.jobs = append(s.jobs, j)
	n := uint64(g.Len())
	j.js.init(s.c.nextJob.Add(1), s.c.nextKey.Add(n)-n)
	if err := j.js.encodeData(); err != nil {
		j.err, j.over = err, true
		return j
	}
	s.event(evSubmitted{j.js})
	return j
}

// keptReference computes, in task order, what a computation that keeps going gives: the value
// of every task that runs, the tasks that fail (calls of "fail", and those in died: their
// workers kept dying) and those skipped because an argument has no value.
func keptReference(g *Graph, data map[int32]int64, died map[int32]bool) (vals map[int32]int64, failed, skipped map[int32]bool) {
	vals, failed, skipped = map[int32]int64{}, map[int32]bool{}, map[int32]bool{}
	for i := range int32(g.Len()) {
		if g.IsData(i) {
			vals[i] = data[i]
			continue
		}
		args := make([]int64, 0, len(g.Args(i)))
		skip := false
		for _, a := range g.Args(i) {
			v, ok := vals[a]
			if !ok {
				skip = true
				break
			}
			args = append(args, v)
		}
		switch {
		case skip:
			skipped[i] = true
		case g.Func(i).Name == "fail" || died[i]:
			failed[i] = true
		case g.Func(i).Local:
			vals[i] = fakeFunctions["sum"](args)
		default:
			vals[i] = fakeFunctions[g.Func(i).Name](args)
		}
	}
	return vals, failed, skipped
}

// checkKept compares a finished computation that kept going with the reference: the same failed
// and skipped tasks, and every output that has a value delivered with it.
func checkKept(t testing.TB, k int, j *simJob) {
	t.Helper()
	g := j.js.Graph
	var f *Failures
	if j.err != nil && !errors.As(j.err, &f) {
		t.Fatalf("computation %d kept going but failed: %v", k, j.err)
	}
	if f == nil {
		f = &Failures{}
	}
	died := map[int32]bool{}
	gotFailed := map[int32]bool{}
	for _, x := range f.Failed {
		gotFailed[x.Task] = true
		switch {
		case errors.Is(x.Err, ErrWorkerDied):
			died[x.Task] = true
		case x.Record == nil || g.Func(x.Task).Name != "fail":
			t.Fatalf("computation %d: task %d failed with %v", k, x.Task, &x)
		}
	}
	gotSkipped := map[int32]bool{}
	for _, x := range f.Skipped {
		if !gotFailed[x.Cause] && !gotSkipped[x.Cause] {
			t.Fatalf("computation %d: task %d skipped for task %d, which neither failed nor was skipped before", k, x.Task, x.Cause)
		}
		if !slices.Contains(g.Args(x.Task), x.Cause) {
			t.Fatalf("computation %d: task %d skipped for task %d, not an argument", k, x.Task, x.Cause)
		}
		gotSkipped[x.Task] = true
	}
	vals, failed, skipped := keptReference(g, j.owner.data64(), died)
	// A task whose worker kept dying while computing again a value lost after its users had
	// run leaves those users done: the sets are then compared only when no worker death failed
	// a task.
	if len(died) == 0 {
		if !maps.Equal(gotFailed, failed) || !maps.Equal(gotSkipped, skipped) {
			t.Fatalf("computation %d: failed %v skipped %v; reference failed %v skipped %v",
				k, slices.Sorted(maps.Keys(gotFailed)), slices.Sorted(maps.Keys(gotSkipped)),
				slices.Sorted(maps.Keys(failed)), slices.Sorted(maps.Keys(skipped)))
		}
	}
	for _, o := range g.Outputs() {
		got, delivered := j.owner.output(o)
		want, computed := vals[o]
		if len(died) == 0 && delivered != computed {
			t.Fatalf("computation %d: output %d delivered %v, reference computes it %v", k, o, delivered, computed)
		}
		if delivered && computed && got != want {
			t.Fatalf("computation %d: output %d = %d, want %d", k, o, got, want)
		}
	}
}

func TestKeepGoingSkipsUsersOfFailedTasks(t *testing.T) {
	b := newGraphBuilder()
	d := b.datum(5)
	bad := b.call("fail", false, d)
	user := b.call("inc", false, bad)
	userOfUser := b.call("sum", false, user, d)
	fine := b.call("inc", false, d)
	b.outputs = []int32{userOfUser, fine}
	s := newSim(t, Options{Retries: 2})
	s.addWorker("")
	s.addWorker("")
	j := s.submitKeepGoing(b.build(t), b.data)
	s.settle()
	if !j.over {
		t.Fatal("the computation never finished")
	}
	var f *Failures
	if !errors.As(j.err, &f) || len(f.Failed) != 1 || f.Failed[0].Task != bad || len(f.Skipped) != 2 {
		t.Fatalf("got %v; want task %d failed and 2 skipped", j.err, bad)
	}
	if v, ok := j.owner.output(fine); !ok || v != 6 {
		t.Errorf("independent output: %d, %v; want 6", v, ok)
	}
	if _, ok := j.owner.output(userOfUser); ok {
		t.Error("an output needing a failed task was delivered")
	}
	checkKept(t, 0, j)
}
