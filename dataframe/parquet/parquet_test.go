package parquet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/dataframe"
)

func TestRoundTrip(t *testing.T) {
	tm, _ := dataframe.NewTimeColumn("t", []time.Time{time.Date(2024, 5, 6, 7, 8, 9, 123, time.UTC), {}, time.Unix(0, 0)})
	n, _ := dataframe.NewInt64Column("n", []int64{1, 2, 3}).WithMissing([]bool{false, true, false})
	s, _ := dataframe.NewStringColumn("s", []string{"a", "", "ç"}).WithMissing([]bool{false, false, true})
	b, _ := dataframe.NewBoolColumn("b", []bool{true, false, true}).WithMissing([]bool{true, false, false})
	f := mustFrame(t, dataframe.NewFloat64Column("f", []float64{0.1, math.NaN(), -1e300}), n, s, b, tm)
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := Write(path, f); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := frameDiff(f, back); d != "" {
		t.Errorf("round trip: %s", d)
	}

	view, _ := f.Take([]int{2, 0})
	if err := Write(path, view); err != nil {
		t.Fatal(err)
	}
	back, err = Read(path, WithColumns("s", "n"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := view.Select("s", "n")
	if d := frameDiff(want, back); d != "" {
		t.Errorf("view, selected columns: %s", d)
	}
	_, err = Read(path, WithColumns("nope"))
	if !errors.Is(err, dataframe.ErrUnknownColumn) {
		t.Errorf("unknown column: %v", err)
	}
}

func TestReadRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.parquet")
	os.WriteFile(path, []byte("this is not parquet at all"), 0o644)
	if _, err := Read(path); !errors.Is(err, dataframe.ErrMalformed) {
		t.Errorf("garbage: %v", err)
	}
	if _, err := Read(filepath.Join(dir, "absent.parquet")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent: %v", err)
	}
	empty := mustFrame(t, dataframe.NewInt64Column("a", []int64{}))
	if err := Write(path, empty); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil || back.NumRows() != 0 || !slices.Equal(back.Names(), []string{"a"}) {
		t.Errorf("empty: %v %v", back, err)
	}
}

// mustFrame builds a frame or fails the test.
func mustFrame(t testing.TB, cols ...*dataframe.Column) *dataframe.Frame {
	t.Helper()
	f, err := dataframe.New(cols...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// frameDiff describes the first difference between two frames (names,
// types, rows, values and missing rows), or "" when they are equal.
func frameDiff(a, b *dataframe.Frame) string {
	if fmt.Sprint(a.Names()) != fmt.Sprint(b.Names()) || fmt.Sprint(a.Types()) != fmt.Sprint(b.Types()) {
		return fmt.Sprintf("columns %v %v vs %v %v", a.Names(), a.Types(), b.Names(), b.Types())
	}
	if a.NumRows() != b.NumRows() {
		return fmt.Sprintf("rows %d vs %d", a.NumRows(), b.NumRows())
	}
	ca, cb := a.Materialize().Columns(), b.Materialize().Columns()
	for j := range ca {
		for i := range a.NumRows() {
			ma, mb := ca[j].IsMissing(i), cb[j].IsMissing(i)
			if ma != mb {
				return fmt.Sprintf("column %q row %d: missing %v vs %v", ca[j].Name(), i, ma, mb)
			}
			if ma {
				continue
			}
			va := reflect.ValueOf(ca[j].Data()).Index(i).Interface()
			vb := reflect.ValueOf(cb[j].Data()).Index(i).Interface()
			if va != vb {
				return fmt.Sprintf("column %q row %d: %v vs %v", ca[j].Name(), i, va, vb)
			}
		}
	}
	return ""
}

func TestReadLazyMatchesEager(t *testing.T) {
	dir := t.TempDir()
	x := make([]float64, 3000)
	g := make([]string, 3000)
	for i := range x {
		x[i] = float64(i%17) / 3
		g[i] = []string{"a", "b", "c"}[i%3]
	}
	eager := mustFrame(t, dataframe.NewStringColumn("g", g), dataframe.NewFloat64Column("x", x),
		dataframe.NewInt64Column("skip", make([]int64, 3000)))
	for i, bounds := range [][2]int{{0, 1000}, {1000, 1001}, {1001, 3000}} {
		part, _ := eager.Slice(bounds[0], bounds[1])
		if err := Write(filepath.Join(dir, fmt.Sprintf("part%d.parquet", i)), part); err != nil {
			t.Fatal(err)
		}
	}
	lf, err := ReadLazy(filepath.Join(dir, "*.parquet"), WithColumns("g", "x"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lf.Names(), []string{"g", "x"}) || !slices.Equal(lf.Types(), []dataframe.Type{dataframe.String, dataframe.Float64}) {
		t.Fatalf("schema %v %v", lf.Names(), lf.Types())
	}
	if _, err := lf.Sum("nope").Compute(context.Background()); !errors.Is(err, dataframe.ErrUnknownColumn) {
		t.Errorf("unknown column: %v", err)
	}
	got, err := lf.Frame().Compute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := eager.Select("g", "x")
	if d := frameDiff(want, got); d != "" {
		t.Fatalf("frame: %s", d)
	}
	if _, err := ReadLazy(filepath.Join(dir, "*.nothing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no match: %v", err)
	}
}
