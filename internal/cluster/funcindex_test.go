package cluster

import (
	"math"
	"slices"
	"testing"
)

func TestFuncIndexWidensPastTwoBytes(t *testing.T) {
	f := funcIndex{narrow: make([]int16, 4)}
	f.set(0, -1)
	f.set(1, 7)
	f.set(2, math.MaxInt16)
	if f.narrow == nil {
		t.Fatal("indices that fit in 2 bytes were widened")
	}
	f.set(3, math.MaxInt16+1)
	want := []int32{-1, 7, math.MaxInt16, math.MaxInt16 + 1}
	for i, w := range want {
		if got := f.at(int32(i)); got != w {
			t.Errorf("node %d: function %d, want %d", i, got, w)
		}
	}
	if f.len() != 4 || !slices.Equal(f.all(), want) {
		t.Errorf("len %d, all %v; want 4, %v", f.len(), f.all(), want)
	}
}

func TestFuncIndexNarrowAll(t *testing.T) {
	f := funcIndex{narrow: []int16{-1, 0, 3}}
	if got, want := f.all(), []int32{-1, 0, 3}; !slices.Equal(got, want) {
		t.Errorf("all %v, want %v", got, want)
	}
	w := funcIndex{wide: []int32{-1, 2}}
	if w.len() != 2 || w.at(1) != 2 {
		t.Errorf("wide: len %d, at(1) %d", w.len(), w.at(1))
	}
}
