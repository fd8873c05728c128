package cluster

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
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
