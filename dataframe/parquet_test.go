package dataframe

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestParquetRoundTrip(t *testing.T) {
	tm, _ := NewTimeColumn("t", []time.Time{time.Date(2024, 5, 6, 7, 8, 9, 123, time.UTC), {}, time.Unix(0, 0)})
	n, _ := NewInt64Column("n", []int64{1, 2, 3}).WithMissing([]bool{false, true, false})
	s, _ := NewStringColumn("s", []string{"a", "", "ç"}).WithMissing([]bool{false, false, true})
	b, _ := NewBoolColumn("b", []bool{true, false, true}).WithMissing([]bool{true, false, false})
	f := mustFrame(t, NewFloat64Column("f", []float64{0.1, math.NaN(), -1e300}), n, s, b, tm)
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := WriteParquet(path, f); err != nil {
		t.Fatal(err)
	}
	back, err := ReadParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := frameDiff(f, back); d != "" {
		t.Errorf("round trip: %s", d)
	}

	view, _ := f.Take([]int{2, 0})
	if err := WriteParquet(path, view); err != nil {
		t.Fatal(err)
	}
	back, err = ReadParquet(path, WithParquetColumns("s", "n"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := view.Select("s", "n")
	if d := frameDiff(want, back); d != "" {
		t.Errorf("view, selected columns: %s", d)
	}
	_, err = ReadParquet(path, WithParquetColumns("nope"))
	if !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("unknown column: %v", err)
	}
}

func TestReadParquetRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.parquet")
	os.WriteFile(path, []byte("this is not parquet at all"), 0o644)
	if _, err := ReadParquet(path); !errors.Is(err, ErrMalformed) {
		t.Errorf("garbage: %v", err)
	}
	if _, err := ReadParquet(filepath.Join(dir, "absent.parquet")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent: %v", err)
	}
	empty := mustFrame(t, NewInt64Column("a", []int64{}))
	if err := WriteParquet(path, empty); err != nil {
		t.Fatal(err)
	}
	back, err := ReadParquet(path)
	if err != nil || back.NumRows() != 0 || !slices.Equal(back.Names(), []string{"a"}) {
		t.Errorf("empty: %v %v", back, err)
	}
}
