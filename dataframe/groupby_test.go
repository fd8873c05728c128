package dataframe

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

func groupFrame(t testing.TB) *Frame {
	t.Helper()
	k := NewStringColumn("k", []string{"b", "a", "b", "a", "c", "b", "z"})
	k, _ = k.WithMissing([]bool{false, false, false, false, false, false, true})
	x := NewFloat64Column("x", []float64{1, 2, 3, 4, math.NaN(), 10, 100})
	n := NewInt64Column("n", []int64{1, 2, 3, 4, 5, 6, 7})
	return mustFrame(t, k, x, n)
}

func TestGroupByAggregations(t *testing.T) {
	f := groupFrame(t)
	g, err := f.GroupBy("k")
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 3 {
		t.Fatalf("groups %d, want 3 (missing key dropped)", g.Len())
	}
	out, err := g.Agg(CountOf("x"), SumOf("x"), MeanOf("x"), MinOf("x"), MaxOf("x"),
		StdOf("x"), QuantileOf("x", 0.25), SumOf("n"), MaxOf("n").As("top"))
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"k", "x_count", "x_sum", "x_mean", "x_min", "x_max", "x_std", "x_q0.25", "n_sum", "top"}
	if !slices.Equal(out.Names(), wantNames) {
		t.Fatalf("names %v", out.Names())
	}
	keys, _ := out.Strings("k")
	if !slices.Equal(keys, []string{"a", "b", "c"}) {
		t.Errorf("keys %v", keys)
	}
	nan := math.NaN()
	// pandas: df.groupby("k")["x"].agg(["count","sum","mean","min","max","std"]), quantile(0.25)
	want := map[string][]float64{
		"x_sum":   {6, 14, 0},
		"x_mean":  {3, 14.0 / 3, nan},
		"x_min":   {2, 1, nan},
		"x_max":   {4, 10, nan},
		"x_std":   {math.Sqrt2, 4.725815626252609, nan},
		"x_q0.25": {2.5, 2, nan},
	}
	for name, w := range want {
		got, err := out.Float64s(name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range w {
			if math.IsNaN(w[i]) != math.IsNaN(got[i]) || (!math.IsNaN(w[i]) && math.Abs(got[i]-w[i]) > 1e-12) {
				t.Errorf("%s: got %v want %v", name, got, w)
				break
			}
		}
	}
	counts, _ := out.Int64s("x_count")
	if !slices.Equal(counts, []int64{2, 3, 0}) {
		t.Errorf("counts %v", counts)
	}
	sums, err := out.Int64s("n_sum")
	if err != nil || !slices.Equal(sums, []int64{6, 10, 5}) {
		t.Errorf("int sums %v %v", sums, err)
	}
	top, _ := out.Int64s("top")
	if !slices.Equal(top, []int64{4, 6, 5}) {
		t.Errorf("int max %v", top)
	}
	minCol, _ := out.Column("x_min")
	if !minCol.IsMissing(2) {
		t.Error("min of an empty group is not missing")
	}
}

func TestGroupByMultipleKeysSorted(t *testing.T) {
	a := NewInt64Column("a", []int64{2, 1, 2, 1, 1, -5})
	b := NewBoolColumn("b", []bool{true, true, false, true, false, true})
	v := NewFloat64Column("v", []float64{1, 2, 3, 4, 5, 6})
	f := mustFrame(t, a, b, v)
	g, err := f.GroupBy("a", "b")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	var rows [][]int
	for key, grp := range g.All() {
		keys = append(keys, key.String())
		_, r := grp.Backing()
		rows = append(rows, r)
	}
	wantKeys := []string{"(-5, true)", "(1, false)", "(1, true)", "(2, false)", "(2, true)"}
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("keys %v, want %v", keys, wantKeys)
	}
	wantRows := [][]int{{5}, {4}, {1, 3}, {2}, {0}}
	for i := range wantRows {
		if !slices.Equal(rows[i], wantRows[i]) {
			t.Errorf("group %d rows %v, want %v", i, rows[i], wantRows[i])
		}
	}
	mean, err := g.Mean()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(mean.Names(), []string{"a", "b", "v"}) {
		t.Errorf("Mean() names %v", mean.Names())
	}
	vs, _ := mean.Float64s("v")
	if !slices.Equal(vs, []float64{6, 5, 3, 3, 1}) {
		t.Errorf("means %v", vs)
	}
	// Early break stops the iteration.
	seen := 0
	for range g.All() {
		seen++
		break
	}
	if seen != 1 {
		t.Errorf("iterated %d after break", seen)
	}
}

func TestGroupByKeyTypes(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	tc, _ := NewTimeColumn("t", []time.Time{day(3), day(1), day(3)})
	fl := NewFloat64Column("f", []float64{0.5, math.NaN(), -1})
	big := NewInt64Column("big", []int64{math.MaxInt64, math.MinInt64, 0})
	f := mustFrame(t, tc, fl, big)

	g, err := f.GroupBy("t")
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 2 || !g.Key(0)[0].(time.Time).Equal(day(1)) {
		t.Errorf("time keys: %d %v", g.Len(), g.Key(0))
	}
	g, _ = f.GroupBy("f")
	if g.Len() != 2 || g.Key(0)[0].(float64) != -1 {
		t.Errorf("float keys: %d %v", g.Len(), g.Key(0))
	}
	g, _ = f.GroupBy("big")
	if g.Len() != 3 || g.Key(0)[0].(int64) != math.MinInt64 || g.Key(2)[0].(int64) != math.MaxInt64 {
		t.Errorf("wide int keys: %v %v", g.Key(0), g.Key(2))
	}
	mins, err := g.Min("t")
	if err != nil {
		t.Fatal(err)
	}
	if types := mins.Types(); types[1] != Time {
		t.Errorf("min of time has type %v", types[1])
	}
}

func TestGroupOfAViewAndRows(t *testing.T) {
	f := groupFrame(t)
	view, _ := f.Take([]int{5, 4, 3, 2, 1, 0})
	g, err := view.GroupBy("k")
	if err != nil {
		t.Fatal(err)
	}
	if rows := g.Rows(1); !slices.Equal(rows, []int{0, 3, 5}) {
		t.Errorf("rows of b in view %v", rows)
	}
	grp := g.Group(1)
	x, _ := grp.Float64s("x")
	if !slices.Equal(x, []float64{10, 3, 1}) {
		t.Errorf("group b x %v", x)
	}
	m, _ := g.Mean("n")
	means, _ := m.Float64s("n")
	if !slices.Equal(means, []float64{3, 10.0 / 3, 5}) {
		t.Errorf("means over view %v", means)
	}
	if !slices.Equal(g.KeyColumns(), []string{"k"}) || g.Keys().NumRows() != 3 || len(g.Codes()) != 6 {
		t.Error("accessors")
	}
}

func TestGroupByErrors(t *testing.T) {
	f := groupFrame(t)
	if _, err := f.GroupBy(); !errors.Is(err, ErrArgument) {
		t.Errorf("no keys: %v", err)
	}
	if _, err := f.GroupBy("zz"); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("unknown key: %v", err)
	}
	g, _ := f.GroupBy("k")
	_, err := g.Mean("k")
	if !errors.Is(err, ErrColumnType) {
		t.Errorf("mean of strings: %v", err)
	}
	wantErrContains(t, err, `"k"`, "mean", "string")
	if _, err := g.Agg(MeanOf("nope")); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("unknown agg column: %v", err)
	}
	if _, err := g.Quantile(1.5, "x"); !errors.Is(err, ErrArgument) {
		t.Errorf("quantile 1.5: %v", err)
	}
	if _, err := g.Agg(Aggregation{}); !errors.Is(err, ErrUnknownColumn) && !errors.Is(err, ErrArgument) {
		t.Errorf("zero aggregation: %v", err)
	}
	if _, err := g.Agg(MeanOf("x").As("k")); !errors.Is(err, ErrDuplicateColumn) {
		t.Errorf("result named like a key: %v", err)
	}
}

func TestGroupConvenienceMethods(t *testing.T) {
	f := groupFrame(t)
	g, _ := f.GroupBy("k")
	for name, method := range map[string]func(...string) (*Frame, error){
		"count": g.Count, "sum": g.Sum, "min": g.Min, "max": g.Max, "std": g.Std,
	} {
		out, err := method()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(out.Names(), []string{"k", "x", "n"}) {
			t.Errorf("%s names %v", name, out.Names())
		}
	}
}

func TestQuantileMatchesPandas(t *testing.T) {
	// pandas.Series([1.0,2,3,4,10]).quantile([0.1,0.25,0.5,0.9]) and .std()
	sorted := []float64{1, 2, 3, 4, 10}
	for q, want := range map[float64]float64{0.1: 1.4, 0.25: 2, 0.5: 3, 0.9: 7.6000000000000005, 0: 1, 1: 10} {
		if got := quantileSorted(sorted, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("q=%v: %v want %v", q, got, want)
		}
	}
	if _, std := meanStd(sorted); math.Abs(std-3.5355339059327378) > 1e-12 {
		t.Errorf("std %v", std)
	}
}
