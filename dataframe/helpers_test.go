package dataframe

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// mustFrame builds a frame or fails the test.
func mustFrame(t testing.TB, cols ...*Column) *Frame {
	t.Helper()
	f, err := New(cols...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// frameDiff describes the first difference between two frames as seen
// (names, types, rows, values, missing), or "" when they are equal.
func frameDiff(a, b *Frame) string {
	if fmt.Sprint(a.Names()) != fmt.Sprint(b.Names()) {
		return fmt.Sprintf("names %v vs %v", a.Names(), b.Names())
	}
	if fmt.Sprint(a.Types()) != fmt.Sprint(b.Types()) {
		return fmt.Sprintf("types %v vs %v", a.Types(), b.Types())
	}
	if a.NumRows() != b.NumRows() {
		return fmt.Sprintf("rows %d vs %d", a.NumRows(), b.NumRows())
	}
	for j, ca := range a.columns {
		cb := b.columns[j]
		for i := 0; i < a.NumRows(); i++ {
			ra, rb := a.baseRow(i), b.baseRow(i)
			va, vb := ca.valid.IsValid(ra), cb.valid.IsValid(rb)
			if va != vb {
				return fmt.Sprintf("column %q row %d: valid %v vs %v", ca.name, i, va, vb)
			}
			if !va {
				continue
			}
			x, y := ca.vec.value(ra), cb.vec.value(rb)
			if fx, ok := x.(float64); ok && math.IsNaN(fx) {
				if fy, ok := y.(float64); ok && math.IsNaN(fy) {
					continue
				}
			}
			if x != y {
				return fmt.Sprintf("column %q row %d: %v vs %v", ca.name, i, x, y)
			}
		}
	}
	return ""
}

func wantErrContains(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}
