package cluster

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
)

// The compact per-computation stores: extra holders and small values.

func TestExtraHolders(t *testing.T) {
	var x extraHolders
	if !x.empty() || x.has(3, 1) || x.remove(3, 1) {
		t.Fatal("a new record holds something")
	}
	x.clear(3) // nothing to clear
	x.add(3, 1, 10)
	x.add(3, 2, 10)
	x.add(5, 2, 10)
	if x.empty() || !x.has(3, 1) || !x.has(3, 2) || x.has(3, 7) || !x.has(5, 2) || x.has(4, 2) {
		t.Fatal("holders not recorded")
	}
	if got := slices.Sorted(x.of(3)); !slices.Equal(got, []int32{1, 2}) {
		t.Fatalf("holders of 3: %v", got)
	}
	for range x.of(3) {
		break // stopping early is allowed
	}
	if !x.remove(3, 1) || x.remove(3, 1) || x.has(3, 1) {
		t.Fatal("remove")
	}
	if id, ok := x.first(3); !ok || id != 2 {
		t.Fatalf("first of 3: %d %v", id, ok)
	}
	x.clear(3)
	if _, ok := x.first(3); ok || x.has(3, 2) {
		t.Fatal("clear")
	}
	x.add(4, 9, 10) // reuses a freed node
	x.add(4, 8, 10)
	if !x.remove(4, 9) { // not the head
		t.Fatal("remove from the middle")
	}
	if err := x.check(10); err != nil {
		t.Fatal(err)
	}
	if len(x.nodes) != 3 {
		t.Fatalf("%d nodes allocated for at most 3 held at once", len(x.nodes))
	}
	x.nodes[0].next = 1 // a cycle
	if x.check(10) == nil {
		t.Fatal("check missed a broken pool")
	}
	x.reset()
	if !x.empty() || x.check(10) != nil {
		t.Fatal("reset")
	}
}

func TestSmallValues(t *testing.T) {
	var s smallValues
	if _, _, ok := s.get(1); ok || s.has(1) {
		t.Fatal("a new store holds something")
	}
	s.drop(1)
	const n = 40_000 // several chunks
	body := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, i%7) }
	typ := func(i int) string { return fmt.Sprint("t", i%3) }
	for i := range n {
		if !s.put(int32(i), body(i), typ(i), n) {
			t.Fatalf("value %d not kept", i)
		}
	}
	big := bytes.Repeat([]byte{1}, smallLimit)
	s.put(3, big, "t0", n) // replaces
	if s.put(4, append(big, 0), "t0", n) {
		t.Fatal("a body over the limit was kept")
	}
	for i := range n {
		got, gotType, ok := s.get(int32(i))
		want, wantType := body(i), typ(i)
		if i == 3 {
			want, wantType = big, "t0"
		}
		if !ok || !bytes.Equal(got, want) || gotType != wantType {
			t.Fatalf("value %d: %v %q %v", i, got, gotType, ok)
		}
	}
	for k := range smallTypes {
		s.put(5, nil, fmt.Sprint("u", k), n)
	}
	if s.put(5, nil, "one type too many", n) {
		t.Fatal("more types kept than an index holds")
	}
	if !s.fits(big, 0) || s.fits(append(big, 0), 0) || s.fits(nil, 1) {
		t.Fatal("fits")
	}
	first := len(s.chunks)
	for i := range n {
		s.drop(int32(i))
	}
	for k, c := range s.chunks[:len(s.chunks)-1] {
		if c != nil {
			t.Fatalf("chunk %d of %d kept with no value in it", k, first)
		}
	}
	s.reset()
	if s.has(0) {
		t.Fatal("reset")
	}
}

// keepingOwner is a fakeOwner that is also a Keeper: it records every result that came back.
type keepingOwner struct {
	*fakeOwner
	kept map[int32]int64
}

func (o *keepingOwner) Keep(i int32, v wire.Value) {
	o.mu.Lock()
	o.kept[i] = dec64(v.Body)
	o.mu.Unlock()
}

// Small results and data kept as bytes in shared chunks reach every consumer intact: tasks on
// other workers (gathering), tasks run by the owner, and the owner's Keep.
func TestSmallValuesReachEveryConsumer(t *testing.T) {
	c := newChecked(t, Options{})
	startFakes(t, c, 3)
	b := newGraphBuilder()
	const n = 300 // results of several chunks' worth of messages
	incs := make([]int32, n)
	for k := range n {
		incs[k] = b.call("inc", false, b.datum(int64(1000*k)))
	}
	gather := b.call("sum", false, incs...)
	local := b.call("sum", true, incs[:10]...) // run at the owner, from the coordinator's copies
	b.outputs = []int32{gather, local}
	g := b.build(t)
	want := evaluate(g, b.data)
	o := &keepingOwner{fakeOwner: newFakeOwner(b.data), kept: map[int32]int64{}}
	c.Submit(&Job{Graph: g, Owner: o, Chunksize: 7})
	if err := wait(t, o.fakeOwner); err != nil {
		t.Fatal(err)
	}
	for i, v := range want {
		if got, ok := o.output(i); !ok || got != v {
			t.Errorf("output %d = %d, want %d", i, got, v)
		}
	}
	vals := evaluateAll(g, b.data)
	if len(o.kept) == 0 {
		t.Fatal("no result kept")
	}
	for i, v := range o.kept {
		if vals[i] != v {
			t.Errorf("kept result %d = %d, want %d", i, v, vals[i])
		}
	}
}

// evaluateAll computes every task's value directly.
func evaluateAll(g *Graph, data map[int32]int64) []int64 {
	vals := make([]int64, g.Len())
	for i := range int32(g.Len()) {
		if g.IsData(i) {
			vals[i] = data[i]
			continue
		}
		args := make([]int64, 0, len(g.Args(i)))
		for _, a := range g.Args(i) {
			args = append(args, vals[a])
		}
		if g.Func(i).Local {
			vals[i] = fakeFunctions["sum"](args)
		} else {
			vals[i] = fakeFunctions[g.Func(i).Name](args)
		}
	}
	return vals
}
