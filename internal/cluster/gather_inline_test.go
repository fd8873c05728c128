package cluster

import "testing"

// TestGatherTakesSmallResultsInline: a task gathering values into a slice (Function.Elem) gets
// the small results it alone uses inline, when they have its element type, instead of as values
// for its worker to keep; a result of another type still travels as a value.
func TestGatherTakesSmallResultsInline(t *testing.T) {
	for _, elem := range []string{"int64", "other"} {
		c := newChecked(t, Options{})
		fakes := startFakes(t, c, 2)
		b := newGraphBuilder()
		incs := make([]int32, 300)
		for k := range incs {
			incs[k] = b.call("inc", false, b.datum(int64(k)))
		}
		gather := b.call("sum", false, incs...)
		b.functions[b.byName["sum"]].Elem = elem
		b.outputs = []int32{b.call("inc", false, gather)}
		g := b.build(t)
		o := newFakeOwner(b.data)
		c.Submit(&Job{Graph: g, Owner: o, Chunksize: 16})
		if err := wait(t, o); err != nil {
			t.Fatal(err)
		}
		for i, v := range evaluate(g, b.data) {
			if got, _ := o.output(i); got != v {
				t.Fatalf("elem %s: output %d = %d, want %d", elem, i, got, v)
			}
		}
		var puts int64
		for _, f := range fakes {
			puts += f.puts.Load()
		}
		if elem == "int64" && puts != 0 {
			t.Errorf("%d values sent to keep for a gathering task taking them inline", puts)
		}
		if elem == "other" && puts == 0 {
			t.Error("results of another type than the gathering task's elements were sent inline")
		}
	}
}
