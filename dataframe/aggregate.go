package dataframe

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// aggKind is what an Aggregation computes.
type aggKind uint8

const (
	aggCount aggKind = iota + 1
	aggSum
	aggMean
	aggMin
	aggMax
	aggStd
	aggQuantile
)

var aggNames = map[aggKind]string{
	aggCount: "count", aggSum: "sum", aggMean: "mean", aggMin: "min",
	aggMax: "max", aggStd: "std", aggQuantile: "quantile",
}

// Aggregation is one per-group statistic of one column, for Groups.Agg.
// Build it with CountOf, SumOf, MeanOf, MinOf, MaxOf, StdOf or QuantileOf;
// its result column is named "<column>_<statistic>" (for a quantile
// "<column>_q<q>") unless renamed with As.
type Aggregation struct {
	kind   aggKind
	column string
	q      float64
	name   string
}

// CountOf counts the column's non-missing values (any type); the result
// is Int64.
func CountOf(column string) Aggregation { return Aggregation{kind: aggCount, column: column} }

// SumOf sums the column's values; Int64 columns give an Int64 result,
// Float64 and Bool columns a Float64 one. A group with no values sums to
// 0, as in pandas.
func SumOf(column string) Aggregation { return Aggregation{kind: aggSum, column: column} }

// MeanOf averages the column's values (Float64, Int64 or Bool); Float64
// result.
func MeanOf(column string) Aggregation { return Aggregation{kind: aggMean, column: column} }

// MinOf takes the smallest value of a Float64, Int64 or Time column; the
// result has the column's type and is missing for a group with no values.
func MinOf(column string) Aggregation { return Aggregation{kind: aggMin, column: column} }

// MaxOf takes the largest value, like MinOf.
func MaxOf(column string) Aggregation { return Aggregation{kind: aggMax, column: column} }

// StdOf is the sample standard deviation (ddof=1, as pandas' default) of
// a Float64, Int64 or Bool column; NaN for a group with fewer than two
// values.
func StdOf(column string) Aggregation { return Aggregation{kind: aggStd, column: column} }

// QuantileOf is the q-quantile (0 ≤ q ≤ 1) of a Float64, Int64 or Bool
// column by linear interpolation between closest ranks, pandas' and
// NumPy's default; Float64 result.
func QuantileOf(column string, q float64) Aggregation {
	return Aggregation{kind: aggQuantile, column: column, q: q}
}

// As returns the aggregation with its result column named name.
func (a Aggregation) As(name string) Aggregation {
	a.name = name
	return a
}

// Name returns the result column's name.
func (a Aggregation) Name() string {
	if a.name != "" {
		return a.name
	}
	if a.kind == aggQuantile {
		return a.column + "_q" + strconv.FormatFloat(a.q, 'g', -1, 64)
	}
	return a.column + "_" + aggNames[a.kind]
}

// Agg computes the aggregations for every group and returns a frame with
// the key columns followed by one column per aggregation, one row per
// group in group order. Missing values are skipped, as in pandas.
func (g *Groups) Agg(aggs ...Aggregation) (*Frame, error) {
	cols := append([]*Column(nil), g.keys.columns...)
	for _, a := range aggs {
		c, err := g.aggregate(a)
		if err != nil {
			return nil, fmt.Errorf("dataframe: Agg: %w", err)
		}
		cols = append(cols, c)
	}
	out, err := New(cols...)
	if err != nil {
		return nil, fmt.Errorf("dataframe: Agg: %w", err)
	}
	return out, nil
}

// Count returns the number of non-missing values per group of the named
// columns (every non-key column when none is named).
func (g *Groups) Count(columns ...string) (*Frame, error) { return g.aggAll(CountOf, columns) }

// Sum returns SumOf for the named columns (every non-key numeric column
// when none is named).
func (g *Groups) Sum(columns ...string) (*Frame, error) { return g.aggAll(SumOf, columns) }

// Mean returns MeanOf for the named columns (every non-key numeric column
// when none is named).
func (g *Groups) Mean(columns ...string) (*Frame, error) { return g.aggAll(MeanOf, columns) }

// Min returns MinOf for the named columns (every non-key numeric column
// when none is named).
func (g *Groups) Min(columns ...string) (*Frame, error) { return g.aggAll(MinOf, columns) }

// Max returns MaxOf for the named columns (every non-key numeric column
// when none is named).
func (g *Groups) Max(columns ...string) (*Frame, error) { return g.aggAll(MaxOf, columns) }

// Std returns StdOf for the named columns (every non-key numeric column
// when none is named).
func (g *Groups) Std(columns ...string) (*Frame, error) { return g.aggAll(StdOf, columns) }

// Quantile returns QuantileOf(q) for the named columns (every non-key
// numeric column when none is named).
func (g *Groups) Quantile(q float64, columns ...string) (*Frame, error) {
	return g.aggAll(func(c string) Aggregation { return QuantileOf(c, q) }, columns)
}

// aggAll applies one statistic to the named columns, keeping their names.
func (g *Groups) aggAll(of func(string) Aggregation, columns []string) (*Frame, error) {
	if len(columns) == 0 {
		all := of("").kind == aggCount
		for _, c := range g.frame.columns {
			if !slices.Contains(g.keyNames, c.name) && (all || c.typ.isNumeric()) {
				columns = append(columns, c.name)
			}
		}
	}
	aggs := make([]Aggregation, len(columns))
	for i, c := range columns {
		aggs[i] = of(c).As(c)
	}
	return g.Agg(aggs...)
}

// aggregate computes one aggregation as a column with one row per group.
func (g *Groups) aggregate(a Aggregation) (*Column, error) {
	c, err := g.frame.lookup(a.column)
	if err != nil {
		return nil, err
	}
	name := a.Name()
	op := aggNames[a.kind]
	rows := g.frame.rows
	switch a.kind {
	case aggCount:
		counts := make([]int64, g.ngroups)
		for i, code := range g.codes {
			if code >= 0 && c.valid.IsValid(rowAt(rows, i)) {
				counts[code]++
			}
		}
		return NewInt64Column(name, counts), nil
	case aggSum:
		if c.typ == Int64 {
			sums := make([]int64, g.ngroups)
			values := c.int64s()
			for i, code := range g.codes {
				if r := rowAt(rows, i); code >= 0 && c.valid.IsValid(r) {
					sums[code] += values[r]
				}
			}
			return NewInt64Column(name, sums), nil
		}
		if err := wantTypes(c, op, Float64, Int64, Bool); err != nil {
			return nil, err
		}
		sums, _ := g.sumCount(c)
		return NewFloat64Column(name, sums), nil
	case aggMean:
		if err := wantTypes(c, op, Float64, Int64, Bool); err != nil {
			return nil, err
		}
		sums, counts := g.sumCount(c)
		for k := range sums {
			sums[k] /= float64(counts[k]) // 0/0 is NaN: missing
		}
		return NewFloat64Column(name, sums), nil
	case aggStd:
		if err := wantTypes(c, op, Float64, Int64, Bool); err != nil {
			return nil, err
		}
		return NewFloat64Column(name, g.std(c)), nil
	case aggMin, aggMax:
		if err := wantTypes(c, op, Float64, Int64, Time); err != nil {
			return nil, err
		}
		return g.extreme(c, name, a.kind == aggMax), nil
	case aggQuantile:
		if err := wantTypes(c, op, Float64, Int64, Bool); err != nil {
			return nil, err
		}
		if !(a.q >= 0 && a.q <= 1) {
			return nil, fmt.Errorf("quantile %v of column %q outside [0, 1]: %w", a.q, a.column, ErrArgument)
		}
		return NewFloat64Column(name, g.quantile(c, a.q)), nil
	}
	return nil, fmt.Errorf("aggregation of column %q has no statistic (build it with MeanOf etc.): %w", a.column, ErrArgument)
}

func wantTypes(c *Column, op string, want ...Type) error {
	if slices.Contains(want, c.typ) {
		return nil
	}
	return columnType(op, c.name, c.typ, want...)
}

// value returns a reader of a Float64, Int64 or Bool column's backing
// rows as float64 and whether each is present (every row missing for
// another type). Get it once per column, outside the loop over rows.
func (c *Column) value() func(r int) (float64, bool) {
	if at := c.vec.floatAt(c.valid); at != nil {
		return at
	}
	return func(int) (float64, bool) { return math.NaN(), false }
}

// sumCount returns per-group sums and counts of the present values.
func (g *Groups) sumCount(c *Column) ([]float64, []int64) {
	sums := make([]float64, g.ngroups)
	counts := make([]int64, g.ngroups)
	rows := g.frame.rows
	if c.typ == Float64 && rows == nil {
		// The hot path: one sequential pass, NaN marks missing.
		x := c.floats()[:len(g.codes)]
		for i, code := range g.codes {
			v := x[i]
			if code < 0 || v != v {
				continue
			}
			sums[code] += v
			counts[code]++
		}
		return sums, counts
	}
	value := c.value()
	for i, code := range g.codes {
		if code < 0 {
			continue
		}
		if v, ok := value(rowAt(rows, i)); ok {
			sums[code] += v
			counts[code]++
		}
	}
	return sums, counts
}

// std returns per-group sample standard deviations by two passes.
func (g *Groups) std(c *Column) []float64 {
	counts, _, squares := g.moments(c)
	for k := range squares {
		if counts[k] < 2 {
			squares[k] = math.NaN()
			continue
		}
		squares[k] = math.Sqrt(squares[k] / float64(counts[k]-1))
	}
	return squares
}

// extreme returns per-group minima (or maxima) with the column's type.
func (g *Groups) extreme(c *Column, name string, isMax bool) *Column {
	rows := g.frame.rows
	seen := make([]bool, g.ngroups)
	valid := NewBitmap(g.ngroups)
	if c.typ == Float64 {
		out := make([]float64, g.ngroups)
		values := c.floats()
		for i, code := range g.codes {
			if code < 0 {
				continue
			}
			v := values[rowAt(rows, i)]
			if v != v {
				continue
			}
			if !seen[code] || (isMax && v > out[code]) || (!isMax && v < out[code]) {
				out[code] = v
				seen[code] = true
			}
		}
		for k, s := range seen {
			if !s {
				out[k] = math.NaN()
			}
		}
		return NewFloat64Column(name, out)
	}
	out := make([]int64, g.ngroups)
	values := c.int64Data()
	for i, code := range g.codes {
		r := rowAt(rows, i)
		if code < 0 || !c.valid.IsValid(r) {
			continue
		}
		v := values[r]
		if !seen[code] || (isMax && v > out[code]) || (!isMax && v < out[code]) {
			out[code] = v
			seen[code] = true
		}
	}
	for k, s := range seen {
		if !s {
			valid.SetMissing(k)
		}
	}
	col, _ := NewColumn(name, c.typ, out, valid)
	return col
}

// quantile returns per-group q-quantiles, sorting each group's values.
func (g *Groups) quantile(c *Column, q float64) []float64 {
	g.buildMembers()
	out := make([]float64, g.ngroups)
	var buf []float64
	value := c.value()
	for k := 0; k < g.ngroups; k++ {
		buf = buf[:0]
		for _, i := range g.members[g.offsets[k]:g.offsets[k+1]] {
			if v, ok := value(g.frame.baseRow(i)); ok {
				buf = append(buf, v)
			}
		}
		slices.Sort(buf)
		out[k] = quantileSorted(buf, q)
	}
	return out
}
