// Package expected helps the examples' tests compare their output with expected results
// computed by other tools (statsmodels, scikit-learn) and committed as CSV files.
package expected

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"os"
	"strconv"
	"testing"
)

// Open returns a reader over a whole file, failing the test if it cannot be read.
func Open(t testing.TB, path string) io.Reader {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// Records returns a CSV's records after its header.
func Records(t testing.TB, r io.Reader) [][]string {
	t.Helper()
	records, err := csv.NewReader(r).ReadAll()
	if err != nil || len(records) < 1 {
		t.Fatalf("reading CSV: %v", err)
	}
	return records[1:]
}

// Float parses a number, failing the test if it is not one.
func Float(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Near reports whether a is within rel of b, relative to b's size (or absolutely below 1).
func Near(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Max(1, math.Abs(b)) }
