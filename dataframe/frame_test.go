package dataframe

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func sampleFrame(t testing.TB) *Frame {
	t.Helper()
	x := NewFloat64Column("x", []float64{1.5, math.NaN(), 3, -2, 0.25})
	n, err := NewInt64Column("n", []int64{10, 20, 30, 40, 50}).WithMissing([]bool{false, false, true, false, false})
	if err != nil {
		t.Fatal(err)
	}
	s := NewStringColumn("s", []string{"b", "a", "c", "a", "b"})
	b := NewBoolColumn("b", []bool{true, false, true, true, false})
	return mustFrame(t, x, n, s, b)
}

func TestNewRejectsBadColumns(t *testing.T) {
	a := NewInt64Column("a", []int64{1, 2})
	_, err := New(a, NewInt64Column("a", []int64{3, 4}))
	if !errors.Is(err, ErrDuplicateColumn) {
		t.Errorf("duplicate: got %v", err)
	}
	_, err = New(a, NewInt64Column("b", []int64{3}))
	if !errors.Is(err, ErrLength) {
		t.Errorf("length: got %v", err)
	}
	wantErrContains(t, err, `"b"`, `"a"`)
	if _, err = New(a, nil); !errors.Is(err, ErrArgument) {
		t.Errorf("nil column: got %v", err)
	}
}

func TestFloatNaNIsMissing(t *testing.T) {
	values := []float64{1, math.NaN(), 3}
	c := NewFloat64Column("x", values)
	if c.NullCount() != 1 || !c.IsMissing(1) || c.IsMissing(0) {
		t.Fatalf("NaN not missing: nulls=%d", c.NullCount())
	}
	m, err := c.WithMissing([]bool{true, false, false})
	if err != nil {
		t.Fatal(err)
	}
	data := m.Data().([]float64)
	if !math.IsNaN(data[0]) || m.NullCount() != 2 {
		t.Errorf("WithMissing: data %v nulls %d, want NaN first and 2 nulls", data, m.NullCount())
	}
	if values[0] != 1 {
		t.Errorf("WithMissing modified the shared slice: %v", values)
	}
	if _, err := c.WithMissing([]bool{true}); !errors.Is(err, ErrLength) {
		t.Errorf("short mask: got %v", err)
	}
}

func TestNewColumnChecksData(t *testing.T) {
	if _, err := NewColumn("x", Float64, []int64{1}, nil); !errors.Is(err, ErrColumnType) {
		t.Errorf("wrong data type: got %v", err)
	}
	if _, err := NewColumn("x", Int64, []int64{1}, Bitmap{1, 1}); !errors.Is(err, ErrLength) {
		t.Errorf("bitmap length: got %v", err)
	}
	if _, err := NewColumn("x", Type(99), []int64{1}, nil); !errors.Is(err, ErrArgument) {
		t.Errorf("bad type: got %v", err)
	}
	valid := NewBitmap(3)
	valid.SetMissing(2)
	c, err := NewColumn("t", Time, []int64{0, 1e9, 0}, valid)
	if err != nil {
		t.Fatal(err)
	}
	times, err := c.Times()
	if err != nil {
		t.Fatal(err)
	}
	if !times[1].Equal(time.Unix(1, 0)) || !times[2].IsZero() {
		t.Errorf("times %v", times)
	}
}

func TestNewTimeColumn(t *testing.T) {
	when := time.Date(2024, 2, 29, 12, 0, 0, 5, time.FixedZone("X", 3600))
	c, err := NewTimeColumn("t", []time.Time{when, {}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := c.Times()
	if !got[0].Equal(when) || got[0].Location() != time.UTC || !c.IsMissing(1) {
		t.Errorf("got %v", got)
	}
	if _, err := NewTimeColumn("t", []time.Time{time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}); !errors.Is(err, ErrArgument) {
		t.Errorf("year 3000: got %v", err)
	}
}

func TestUnknownColumnError(t *testing.T) {
	f := sampleFrame(t)
	_, err := f.Select("x", "nope")
	if !errors.Is(err, ErrUnknownColumn) {
		t.Fatalf("got %v", err)
	}
	var uce *UnknownColumnError
	if !errors.As(err, &uce) || uce.Column != "nope" || !slices.Equal(uce.Known, []string{"x", "n", "s", "b"}) {
		t.Errorf("got %#v", uce)
	}
	wantErrContains(t, err, `"nope"`, `"x"`, `"s"`)
}

func TestColumnTypeError(t *testing.T) {
	f := sampleFrame(t)
	_, err := f.Float64s("s")
	if !errors.Is(err, ErrColumnType) {
		t.Fatalf("got %v", err)
	}
	var cte *ColumnTypeError
	if !errors.As(err, &cte) || cte.Column != "s" || cte.Have != String {
		t.Errorf("got %#v", cte)
	}
	wantErrContains(t, err, `"s"`, "string", "float64")
	if _, err := f.Int64s("x"); !errors.Is(err, ErrColumnType) {
		t.Errorf("Int64s of float: %v", err)
	}
	if _, err := f.Strings("x"); !errors.Is(err, ErrColumnType) {
		t.Errorf("Strings of float: %v", err)
	}
	if _, err := f.Bools("x"); !errors.Is(err, ErrColumnType) {
		t.Errorf("Bools of float: %v", err)
	}
	if _, err := f.Times("x"); !errors.Is(err, ErrColumnType) {
		t.Errorf("Times of float: %v", err)
	}
}

func TestFloat64sConverts(t *testing.T) {
	f := sampleFrame(t)
	x, err := f.Float64s("x")
	if err != nil {
		t.Fatal(err)
	}
	backing, _ := f.Backing()
	if &x[0] != &backing[0].floats()[0] {
		t.Error("Float64s of a materialised Float64 column copied")
	}
	n, err := f.Float64s("n")
	if err != nil {
		t.Fatal(err)
	}
	if n[0] != 10 || !math.IsNaN(n[2]) {
		t.Errorf("ints as floats: %v", n)
	}
	b, _ := f.Float64s("b")
	if !slices.Equal(b, []float64{1, 0, 1, 1, 0}) {
		t.Errorf("bools as floats: %v", b)
	}
}

func TestSelectIsAView(t *testing.T) {
	f := sampleFrame(t)
	g, err := f.Select("s", "x")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Names(), []string{"s", "x"}) || g.NumRows() != 5 {
		t.Fatalf("got %v rows %d", g.Names(), g.NumRows())
	}
	gc, _ := g.Backing()
	fc, _ := f.Backing()
	if gc[1] != fc[0] {
		t.Error("Select copied a column")
	}
	if _, err := f.Select("x", "x"); !errors.Is(err, ErrDuplicateColumn) {
		t.Errorf("duplicate select: %v", err)
	}
}

func TestFilterTakeHeadCompose(t *testing.T) {
	f := sampleFrame(t)
	g, err := f.Filter([]bool{true, false, true, true, true})
	if err != nil {
		t.Fatal(err)
	}
	if !g.IsView() || g.NumRows() != 4 {
		t.Fatalf("filter: view %v rows %d", g.IsView(), g.NumRows())
	}
	h, err := g.Take([]int{3, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	_, rows := h.Backing()
	if !slices.Equal(rows, []int{4, 0, 0}) {
		t.Errorf("composed rows %v, want [4 0 0]", rows)
	}
	s, _ := h.Strings("s")
	if !slices.Equal(s, []string{"b", "b", "b"}) {
		t.Errorf("strings %v", s)
	}
	if _, err := g.Take([]int{4}); !errors.Is(err, ErrRowIndex) {
		t.Errorf("take out of range: %v", err)
	}
	if _, err := g.Take([]int{-1}); !errors.Is(err, ErrRowIndex) {
		t.Errorf("take negative: %v", err)
	}
	if _, err := f.Filter([]bool{true}); !errors.Is(err, ErrLength) {
		t.Errorf("short mask: %v", err)
	}
	if got := g.Head(2).NumRows(); got != 2 {
		t.Errorf("head rows %d", got)
	}
	if got := f.Head(100).NumRows(); got != 5 {
		t.Errorf("head beyond end rows %d", got)
	}
	if got := f.Head(-1).NumRows(); got != 0 {
		t.Errorf("negative head rows %d", got)
	}
}

func TestFilterRows(t *testing.T) {
	f := sampleFrame(t)
	g, err := f.FilterRows(func(r Row) bool {
		x, ok := r.Float64("x")
		return ok && x > 0
	})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := g.Float64s("x")
	if !slices.Equal(x, []float64{1.5, 3, 0.25}) {
		t.Errorf("got %v", x)
	}
	h, err := g.FilterRows(func(r Row) bool {
		s, _ := r.String("s")
		n, nok := r.Int64("n")
		b, _ := r.Bool("b")
		return s == "b" && nok && n == 10 && b && r.Index() == 0 && !r.IsMissing("x")
	})
	if err != nil || h.NumRows() != 1 {
		t.Fatalf("rows %d err %v", h.NumRows(), err)
	}
	_, err = f.FilterRows(func(r Row) bool {
		_, ok := r.Float64("nope")
		return ok
	})
	if !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("unknown column in predicate: %v", err)
	}
	_, err = f.FilterRows(func(r Row) bool {
		_, ok := r.Int64("s")
		return ok
	})
	if !errors.Is(err, ErrColumnType) {
		t.Errorf("wrong type in predicate: %v", err)
	}
}

func TestDropMissing(t *testing.T) {
	f := sampleFrame(t)
	g, err := f.DropMissing()
	if err != nil {
		t.Fatal(err)
	}
	_, rows := g.Backing()
	if !slices.Equal(rows, []int{0, 3, 4}) {
		t.Errorf("rows %v", rows)
	}
	g, _ = f.DropMissing("n")
	if g.NumRows() != 4 {
		t.Errorf("DropMissing(n) rows %d", g.NumRows())
	}
	if _, err := f.DropMissing("zz"); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("got %v", err)
	}
}

func TestMaterializeCopies(t *testing.T) {
	f := sampleFrame(t)
	g, _ := f.Take([]int{4, 2})
	m := g.Materialize()
	if m.IsView() {
		t.Error("materialised frame is a view")
	}
	if d := frameDiff(g, m); d != "" {
		t.Error(d)
	}
	mc, _ := m.Backing()
	x, _ := mc[0].Float64s()
	fx, _ := f.Float64s("x")
	if &x[0] == &fx[0] {
		t.Error("Materialize shares data")
	}
	if mm := f.Materialize(); frameDiff(f, mm) != "" {
		t.Error(frameDiff(f, mm))
	}
	c, _ := g.Column("n")
	if c.Len() != 2 || !c.IsMissing(1) {
		t.Errorf("gathered column len %d missing %v", c.Len(), c.IsMissing(1))
	}
}

func TestSortStableMultiKeyMissingLast(t *testing.T) {
	k := NewStringColumn("k", []string{"b", "a", "b", "a", "c", "a"})
	v := NewFloat64Column("v", []float64{1, math.NaN(), 1, 2, math.NaN(), 2})
	id := NewInt64Column("id", []int64{0, 1, 2, 3, 4, 5})
	f := mustFrame(t, k, v, id)

	cases := []struct {
		keys []SortKey
		want []int64
	}{
		{[]SortKey{Asc("k"), Asc("v")}, []int64{3, 5, 1, 0, 2, 4}},
		{[]SortKey{Asc("k"), Desc("v")}, []int64{3, 5, 1, 0, 2, 4}},
		{[]SortKey{Asc("v")}, []int64{0, 2, 3, 5, 1, 4}},
		{[]SortKey{Desc("v")}, []int64{3, 5, 0, 2, 1, 4}},
		{[]SortKey{Desc("k")}, []int64{4, 0, 2, 1, 3, 5}},
	}
	for _, c := range cases {
		s, err := f.Sort(c.keys...)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.Int64s("id")
		if !slices.Equal(got, c.want) {
			t.Errorf("Sort(%v) ids %v, want %v", c.keys, got, c.want)
		}
	}
	// Sorting a view keeps its rows and stability.
	view, _ := f.Take([]int{5, 4, 3, 2, 1, 0})
	s, _ := view.Sort(Asc("k"))
	got, _ := s.Int64s("id")
	if want := []int64{5, 3, 1, 2, 0, 4}; !slices.Equal(got, want) {
		t.Errorf("sorted view ids %v, want %v", got, want)
	}
	if _, err := f.Sort(); !errors.Is(err, ErrArgument) {
		t.Errorf("no keys: %v", err)
	}
	if _, err := f.Sort(Asc("zz")); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("unknown key: %v", err)
	}
	b := mustFrame(t, NewBoolColumn("b", []bool{true, false, true}), NewInt64Column("i", []int64{0, 1, 2}))
	sb, _ := b.Sort(Asc("b"))
	if got, _ := sb.Int64s("i"); !slices.Equal(got, []int64{1, 0, 2}) {
		t.Errorf("bool sort %v", got)
	}
}

func TestString(t *testing.T) {
	f := sampleFrame(t)
	want := strings.Join([]string{
		"       x     n  s      b",
		"0   1.50    10  b   true",
		"1    NaN    20  a  false",
		"2   3.00  <NA>  c   true",
		"3  -2.00    40  a   true",
		"4   0.25    50  b  false",
	}, "\n")
	if got := f.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	view, _ := f.Take([]int{4})
	if got := view.String(); !strings.HasPrefix(strings.Split(got, "\n")[1], "4 ") {
		t.Errorf("view label: %q", got)
	}
	long := make([]int64, 100)
	for i := range long {
		long[i] = int64(i)
	}
	lf := mustFrame(t, NewInt64Column("i", long))
	s := lf.String()
	if !strings.Contains(s, "...") || !strings.HasSuffix(s, "[100 rows x 1 columns]") || strings.Count(s, "\n") != 13 {
		t.Errorf("long frame:\n%s", s)
	}
	empty := f.Head(0)
	if got := empty.String(); !strings.Contains(got, "[0 rows x 4 columns]") {
		t.Errorf("empty frame: %q", got)
	}
	when, _ := NewTimeColumn("t", []time.Time{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)})
	if got := mustFrame(t, when).String(); !strings.Contains(got, "2024-01-02 03:04:05") {
		t.Errorf("time: %q", got)
	}
}

func TestMatrix(t *testing.T) {
	f := mustFrame(t,
		NewFloat64Column("x", []float64{1, 2, 3}),
		NewInt64Column("n", []int64{4, 5, 6}),
		NewBoolColumn("b", []bool{true, false, true}),
		NewStringColumn("s", []string{"a", "b", "c"}),
		NewFloat64Column("m", []float64{1, math.NaN(), 3}),
	)
	m, err := f.RowMajor(Intercept, "x", "n", "b")
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 1, 4, 1, 1, 2, 5, 0, 1, 3, 6, 1}
	if !slices.Equal(m, want) {
		t.Errorf("matrix %v", m)
	}
	view, _ := f.Take([]int{2})
	m, _ = view.RowMajor("x")
	if len(m) != 1 || m[0] != 3 {
		t.Errorf("view matrix %v", m)
	}
	if _, err := f.RowMajor("s"); !errors.Is(err, ErrColumnType) {
		t.Errorf("string: %v", err)
	}
	_, err = f.RowMajor("m")
	if !errors.Is(err, ErrMissingValue) {
		t.Errorf("missing: %v", err)
	}
	wantErrContains(t, err, `"m"`, "row 1")
	if _, err := f.RowMajor("zz"); !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("unknown: %v", err)
	}
	if _, err := f.RowMajor(); !errors.Is(err, ErrArgument) {
		t.Errorf("no columns: %v", err)
	}
	v, err := f.RowMajor("n")
	if err != nil || len(v) != 3 || v[2] != 6 {
		t.Errorf("vector %v %v", v, err)
	}
}

func TestDescribeMatchesPandas(t *testing.T) {
	// pandas.Series([3,1,4,1,5,9,2,6]).describe()
	f := mustFrame(t,
		NewInt64Column("a", []int64{3, 1, 4, 1, 5, 9, 2, 6}),
		NewStringColumn("s", make([]string, 8)),
		NewFloat64Column("e", []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), 7}),
	)
	d := f.Describe()
	if !slices.Equal(d.Names(), []string{"statistic", "a", "e"}) {
		t.Fatalf("names %v", d.Names())
	}
	got, _ := d.Float64s("a")
	want := []float64{8.0, 3.875, 2.748376143938713, 1.0, 1.75, 3.5, 5.25, 9.0}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("%s: got %v want %v", describeStats[i], got[i], want[i])
		}
	}
	e, _ := d.Float64s("e")
	if e[0] != 1 || e[1] != 7 || !math.IsNaN(e[2]) || e[7] != 7 {
		t.Errorf("one-value column: %v", e)
	}
}

func TestConcurrentReadersShareAFrame(t *testing.T) {
	n := 2000
	g := make([]int64, n)
	x := make([]float64, n)
	for i := range g {
		g[i] = int64(i % 7)
		x[i] = float64(i)
	}
	f := mustFrame(t, NewInt64Column("g", g), NewFloat64Column("x", x))
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Go(func() {
			groups, err := f.GroupBy("g")
			if err != nil {
				t.Error(err)
				return
			}
			for _, grp := range groups.All() {
				if _, err := grp.RowMajor(Intercept, "x"); err != nil {
					t.Error(err)
				}
			}
			if _, err := groups.Quantile(0.5, "x"); err != nil {
				t.Error(err)
			}
			s, _ := f.Sort(Desc("x"))
			_ = s.String()
			_ = f.Describe()
		})
	}
	wg.Wait()
}

func TestTypeString(t *testing.T) {
	for typ, want := range map[Type]string{Float64: "float64", Int64: "int64", String: "string", Bool: "bool", Time: "time", 0: "Type(0)"} {
		if typ.String() != want {
			t.Errorf("%d: %q", typ, typ.String())
		}
	}
}

func TestDescribeLabelAvoidsColumnNames(t *testing.T) {
	f := mustFrame(t, NewFloat64Column("statistic", []float64{1, 2}))
	d := f.Describe()
	if !slices.Equal(d.Names(), []string{"statistic_", "statistic"}) {
		t.Errorf("names %v", d.Names())
	}
	empty := mustFrame(t, NewStringColumn("s", []string{"a"})).Describe()
	if !slices.Equal(empty.Names(), []string{"statistic"}) || empty.NumRows() != 8 {
		t.Errorf("no numeric columns: %v", empty)
	}
}
