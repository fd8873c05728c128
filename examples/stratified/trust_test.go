package main

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/dataframe/parquet"
)

// TestInfiniteValuesAreMissing: a row with ±Inf in the response or a predictor (which a
// Parquet file can hold) is left out like a missing one and counted on stderr, never fitted
// into NaN coefficients counted as a fit.
func TestInfiniteValuesAreMissing(t *testing.T) {
	frame, err := generate(400, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	x1, _ := frame.Float64s("x1")
	y, _ := frame.Float64s("y")
	x1, y = append([]float64(nil), x1...), append([]float64(nil), y...)
	x1[5], y[17] = math.Inf(1), math.Inf(-1)
	x1col := dataframe.NewFloat64Column("x1", x1)
	ycol := dataframe.NewFloat64Column("y", y)
	cols := []*dataframe.Column{}
	for _, name := range frame.Names() {
		switch name {
		case "x1":
			cols = append(cols, x1col)
		case "y":
			cols = append(cols, ycol)
		default:
			c, _ := frame.Column(name)
			cols = append(cols, c)
		}
	}
	withInf, err := dataframe.New(cols...)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "inf.parquet")
	if err := parquet.Write(path, withInf); err != nil {
		t.Fatal(err)
	}
	out, stderr := runStratified(t, "-data", path, "-group", "stratum", "-y", "y", "-x", "x1,x2,x3")
	if strings.Contains(strings.ToLower(out), "nan") || strings.Contains(strings.ToLower(out), "inf") {
		t.Errorf("a fit with non-finite values:\n%s", out)
	}
	if !strings.Contains(stderr, "left out 2 of 400 rows") || !strings.Contains(stderr, "infinite") {
		t.Errorf("stderr does not count the 2 infinite rows:\n%s", stderr)
	}
}

// TestEmptyInputs: an empty file and a header-only file are errors that say so.
func TestEmptyInputs(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"empty.csv": "", "header.csv": "stratum,y,x1\n"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		err := run(context.Background(), []string{"-data", path, "-group", "stratum", "-y", "y", "-x", "x1"}, io.Discard, io.Discard)
		if err == nil || strings.Contains(err.Error(), "::") || !strings.Contains(err.Error(), path) ||
			!(strings.Contains(err.Error(), "empty") || strings.Contains(err.Error(), "no data rows")) {
			t.Errorf("%s: got %v, want an error naming the file and saying it is empty or has no rows", name, err)
		}
	}
}
