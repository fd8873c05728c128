package dataframe

import (
	"math"
	"slices"
)

// describeStats are the rows of Describe, as pandas labels them.
var describeStats = []string{"count", "mean", "std", "min", "25%", "50%", "75%", "max"}

// Describe summarises the numeric (Float64 and Int64) columns as pandas'
// DataFrame.describe does: a String column "statistic" (with underscores
// appended if the frame already has a column of that name) holding count,
// mean, std (sample, ddof=1), min, 25%, 50%, 75% and max, then one Float64
// column per numeric column. Missing values are skipped; statistics of a
// column with no values are NaN (std needs two). Other columns are left
// out.
func (f *Frame) Describe() *Frame {
	label := "statistic"
	for f.Has(label) {
		label += "_"
	}
	cols := []*Column{NewStringColumn(label, slices.Clone(describeStats))}
	for _, c := range f.columns {
		if !c.typ.isNumeric() {
			continue
		}
		values := validFloats(c, f.rows)
		cols = append(cols, NewFloat64Column(c.name, describeValues(values)))
	}
	// Names are unique (the frame's, and a label none of them uses) and
	// every column has len(describeStats) rows, so New cannot fail.
	out, _ := New(cols...)
	return out
}

// describeValues returns the Describe statistics of values, sorting them.
func describeValues(values []float64) []float64 {
	slices.Sort(values)
	nan := math.NaN()
	mean, std := meanStd(values)
	out := []float64{float64(len(values)), mean, std, nan, nan, nan, nan, nan}
	if len(values) > 0 {
		out[3] = values[0]
		out[4] = quantileSorted(values, 0.25)
		out[5] = quantileSorted(values, 0.5)
		out[6] = quantileSorted(values, 0.75)
		out[7] = values[len(values)-1]
	}
	return out
}

// validFloats returns the non-missing values of c's rows (nil: all) as a
// new []float64.
func validFloats(c *Column, rows []int) []float64 {
	n := c.n
	if rows != nil {
		n = len(rows)
	}
	out := make([]float64, 0, n)
	value := c.value()
	for j := 0; j < n; j++ {
		if v, ok := value(rowAt(rows, j)); ok {
			out = append(out, v)
		}
	}
	return out
}

// meanStd returns the mean and the sample standard deviation (ddof=1) of
// values by two passes; NaN where undefined.
func meanStd(values []float64) (mean, std float64) {
	if len(values) == 0 {
		return math.NaN(), math.NaN()
	}
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	mean = sum / float64(len(values))
	if len(values) < 2 {
		return mean, math.NaN()
	}
	ss := 0.0
	for _, v := range values {
		d := v - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(len(values)-1))
}

// quantileSorted returns the q-quantile of sorted values by linear
// interpolation between closest ranks (pandas' and NumPy's default).
func quantileSorted(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 || math.IsNaN(q) {
		return math.NaN()
	}
	pos := q * float64(n-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	lo, hi = max(0, min(lo, n-1)), max(0, min(hi, n-1))
	if lo == hi {
		return sorted[lo]
	}
	frac := pos - float64(lo)
	return sorted[lo] + (sorted[hi]-sorted[lo])*frac
}
