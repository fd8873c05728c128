package dataframe

import (
	"errors"
	"testing"
)

func TestConcatStacksRowsAndMissingValues(t *testing.T) {
	f := wireFrame(t)
	tail, _ := f.Take([]int{3, 1})
	got, err := Concat(f, f.Head(0), tail, f.Head(1))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := f.Take([]int{0, 1, 2, 3, 3, 1, 0})
	if d := frameDiff(want, got); d != "" {
		t.Fatal(d)
	}
	if got.IsView() {
		t.Error("Concat returned a view")
	}
	if one, _ := Concat(f); one != f {
		t.Error("Concat of one frame copied it")
	}
}

func TestConcatChecksSchemas(t *testing.T) {
	f := wireFrame(t)
	other, _ := f.Select("count", "x", "label", "ok", "when")
	renamed := mustFrame(t, f.columns[0].Renamed("y"))
	retyped := mustFrame(t, NewInt64Column("x", []int64{1}))
	for _, frames := range [][]*Frame{{f, other}, {mustFrame(t, f.columns[0]), renamed}, {mustFrame(t, f.columns[0]), retyped}, {f, nil}} {
		if _, err := Concat(frames...); err == nil || !(errors.Is(err, ErrSchema) || errors.Is(err, ErrArgument)) {
			t.Errorf("Concat of mismatched frames: %v", err)
		}
	}
	if _, err := Concat(); !errors.Is(err, ErrArgument) {
		t.Errorf("Concat(): %v", err)
	}
}

func TestSliceSharesMemory(t *testing.T) {
	f := bigFrame(t, 200)
	x, _ := NewFloat64Column("x", make([]float64, 200)).WithMissing(func() []bool {
		m := make([]bool, 200)
		for i := range m {
			m[i] = i%3 == 0
		}
		return m
	}())
	f = mustFrame(t, x, f.columns[1], f.columns[2], f.columns[3])
	for _, bounds := range [][2]int{{0, 200}, {64, 130}, {5, 70}, {199, 200}, {100, 100}} {
		s, err := f.Slice(bounds[0], bounds[1])
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]int, 0, bounds[1]-bounds[0])
		for i := bounds[0]; i < bounds[1]; i++ {
			rows = append(rows, i)
		}
		want, _ := f.Take(rows)
		if d := frameDiff(want, s); d != "" || s.IsView() {
			t.Fatalf("Slice%v: %s (view %v)", bounds, d, s.IsView())
		}
		if got := wireRoundTrip(t, s); frameDiff(s, got) != "" {
			t.Fatalf("Slice%v over the wire: %s", bounds, frameDiff(s, got))
		}
	}
	k, _ := f.Int64s("k")
	s, _ := f.Slice(10, 20)
	if sk, _ := s.Int64s("k"); &sk[0] != &k[10] {
		t.Error("Slice copied the column")
	}
	v, _ := f.Sort(Desc("k"))
	vs, _ := v.Slice(3, 9)
	want, _ := v.Take([]int{3, 4, 5, 6, 7, 8})
	if d := frameDiff(want, vs); d != "" || !vs.IsView() {
		t.Errorf("Slice of a view: %s", d)
	}
	if _, err := f.Slice(5, 4); !errors.Is(err, ErrRowIndex) {
		t.Errorf("Slice(5, 4): %v", err)
	}
}
