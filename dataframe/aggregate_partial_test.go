package dataframe

import (
	"math"
	"testing"
)

func TestFrameAggIsOneGroup(t *testing.T) {
	f := groupFrame(t)
	got, err := f.Agg(CountOf("x"), SumOf("x"), MeanOf("x"), StdOf("x"), MinOf("x"), MaxOf("x"))
	if err != nil {
		t.Fatal(err)
	}
	if got.NumRows() != 1 || got.NumCols() != 6 {
		t.Fatalf("got %d×%d", got.NumRows(), got.NumCols())
	}
	empty, err := f.Head(0).Agg(CountOf("x"), SumOf("x"), MeanOf("x"), MinOf("x"))
	if err != nil {
		t.Fatal(err)
	}
	if c := cell(empty, "x_count"); c != int64(0) {
		t.Errorf("count of nothing: %v", c)
	}
	if s := cell(empty, "x_sum"); s != 0.0 {
		t.Errorf("sum of nothing: %v", s)
	}
	if m := cell(empty, "x_mean"); !math.IsNaN(m.(float64)) {
		t.Errorf("mean of nothing: %v", m)
	}
	if c, _ := empty.lookup("x_min"); !c.IsMissing(0) {
		t.Error("min of nothing is not missing")
	}
}

// TestStdMergeIsStable merges the variance of values far from zero: a
// sum-of-squares formula would lose every digit here.
func TestStdMergeIsStable(t *testing.T) {
	n := 10_000
	x := make([]float64, n)
	for i := range x {
		x[i] = 1e9 + float64(i%10)
	}
	f := mustFrame(t, NewFloat64Column("x", x))
	want, _ := f.Agg(StdOf("x"))
	spec, _ := newReduceSpec(nil, []Aggregation{StdOf("x")})
	var parts []*Frame
	for lo := 0; lo < n; lo += 997 {
		part, _ := f.Slice(lo, min(n, lo+997))
		p, err := partialAggregate(part, spec)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	merged, err := mergePartials(parts, spec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := finishAggregate(merged, spec)
	if err != nil {
		t.Fatal(err)
	}
	w, g := cell(want, "x_std").(float64), cell(got, "x_std").(float64)
	if math.Abs(w-g) > 1e-9*w {
		t.Errorf("merged std %v, want %v", g, w)
	}
}

func TestPartialsOfDifferentColumnsDoNotMerge(t *testing.T) {
	spec, _ := newReduceSpec(nil, []Aggregation{MeanOf("x")})
	a, _ := partialAggregate(mustFrame(t, NewFloat64Column("x", []float64{1})), spec)
	b, _ := partialAggregate(mustFrame(t, NewFloat64Column("x", []float64{1}), NewInt64Column("y", []int64{1})), spec)
	other := mustFrame(t, b.columns[0].Renamed("\x000z"), b.columns[1])
	if _, err := mergePartials([]*Frame{a, other}, spec); err == nil {
		t.Error("partials of different layouts merged")
	}
}
