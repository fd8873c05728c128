package cluster

import "testing"

// A high-priority task's input of low priority runs at the high priority: before the
// middle-priority tasks ready with it and earlier in the graph; the high task follows at once.
func TestPriorityInheritedByInputs(t *testing.T) {
	s := newSim(t, Options{})
	w := s.addWorker("")
	b := newGraphBuilder()
	var mids []int32
	for k := range 4 {
		mids = append(mids, b.call("inc#mid"+string(rune('a'+k)), false, b.datum(int64(k))))
	}
	low := b.call("inc#low", false, b.datum(100))
	high := b.call("inc#high", false, low)
	b.outputs = append(append(b.outputs, mids...), high)
	for k := range b.functions {
		b.functions[k].Name = "inc"
	}
	g := b.build(t)
	for _, i := range mids {
		g.functions[g.funcs.at(i)].Priority = 1
	}
	g.functions[g.funcs.at(low)].Priority = -1
	g.functions[g.funcs.at(high)].Priority = 10
	g.prioritize()
	j := s.submitWith(g, b.data, func(js *Job) { js.Chunksize = 1 })
	got := ranOrder(s, w)
	want := append([]int32{low, high}, mids...)
	if len(got) != len(want) {
		t.Fatalf("ran %d tasks, want %d", len(got), len(want))
	}
	for k, i := range want {
		if got[k] != j.js.key(i) {
			t.Fatalf("run %d was key %d, want task %d (key %d); order %v", k, got[k], i, j.js.key(i), got)
		}
	}
	s.settle()
	s.check()
}
