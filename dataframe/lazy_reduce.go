package dataframe

import (
	"fmt"
	"slices"

	"github.com/lazygraph/lazygraph/delayed"
)

// combineFanIn is how many partial aggregates one combine task merges,
// as Dask's split_every: a reduction over p partitions runs p partial
// tasks, then about p/8 + p/64 + … merges, then one finish.
const combineFanIn = 8

// Agg computes the aggregations over the whole lazy frame: a frame of one
// row, as Frame.Agg gives for the concatenated partitions (up to
// floating-point rounding, which follows the order of the tree). Each
// partition is reduced to partial aggregates, combined tree-wise.
// QuantileOf cannot be combined from partitions and is an error wrapping
// ErrArgument.
func (lf *LazyFrame) Agg(aggs ...Aggregation) delayed.Delayed[*Frame] {
	return lf.reduce("Agg", nil, aggs)
}

// NumRows returns the number of rows, summed tree-wise over partitions.
func (lf *LazyFrame) NumRows() delayed.Delayed[int64] {
	if err := lf.Err(); err != nil {
		return failed[int64]("NumRows", err)
	}
	level := make([]delayed.Delayed[int64], len(lf.parts))
	for i, p := range lf.parts {
		level[i] = rowCountTask(p)
	}
	return combineTree(level, func(group []delayed.Delayed[int64]) delayed.Delayed[int64] {
		return addCountsTask(delayed.All(group))
	})
}

// Count returns the number of non-missing values of a column.
func (lf *LazyFrame) Count(column string) delayed.Delayed[int64] {
	frame := lf.reduce("Count", nil, []Aggregation{CountOf(column).As(column)})
	return intCellTask(frame, delayed.Value(column))
}

// Sum returns the sum of a Float64, Int64 or Bool column (0 when it has
// no values), as float64.
func (lf *LazyFrame) Sum(column string) delayed.Delayed[float64] {
	return lf.floatScalar("Sum", SumOf(column), column)
}

// Mean returns the mean of a Float64, Int64 or Bool column (NaN when it
// has no values).
func (lf *LazyFrame) Mean(column string) delayed.Delayed[float64] {
	return lf.floatScalar("Mean", MeanOf(column), column)
}

// Min returns the smallest value of a Float64 or Int64 column as float64
// (NaN when it has no values); Agg(MinOf(column)) keeps the column's type,
// and takes Time columns.
func (lf *LazyFrame) Min(column string) delayed.Delayed[float64] {
	return lf.floatScalar("Min", MinOf(column), column)
}

// Max returns the largest value, like Min.
func (lf *LazyFrame) Max(column string) delayed.Delayed[float64] {
	return lf.floatScalar("Max", MaxOf(column), column)
}

// Std returns the sample standard deviation (ddof=1) of a Float64, Int64
// or Bool column, merged from per-partition counts, means and sums of
// squared deviations (NaN with fewer than two values).
func (lf *LazyFrame) Std(column string) delayed.Delayed[float64] {
	return lf.floatScalar("Std", StdOf(column), column)
}

func (lf *LazyFrame) floatScalar(op string, a Aggregation, column string) delayed.Delayed[float64] {
	if schema := lf.knownSchema(); schema != nil {
		if j := slices.Index(schema.names, column); j >= 0 && schema.types[j] == Time {
			return failed[float64](op, fmt.Errorf("dataframe: LazyFrame.%s: %w (use Agg for time columns)",
				op, columnType(op, column, Time, Float64, Int64)))
		}
	}
	frame := lf.reduce(op, nil, []Aggregation{a.As(column)})
	return floatCellTask(frame, delayed.Value(column))
}

// reduce builds the tree of partial, merge and finish tasks.
func (lf *LazyFrame) reduce(op string, keys []string, aggs []Aggregation) delayed.Delayed[*Frame] {
	if err := lf.Err(); err != nil {
		return failed[*Frame](op, err)
	}
	spec, err := newReduceSpec(keys, aggs)
	if err != nil {
		return failed[*Frame](op, fmt.Errorf("dataframe: LazyFrame.%s: %w", op, err))
	}
	if lf.schema != nil {
		if _, err := partialAggregate(lf.schema.empty(), spec); err != nil {
			return failed[*Frame](op, fmt.Errorf("dataframe: LazyFrame.%s: %w", op, err))
		}
	}
	specValue := delayed.Value(spec)
	level := make([]delayed.Delayed[*Frame], len(lf.parts))
	for i, p := range lf.parts {
		level[i] = partialTask(p, specValue)
	}
	merged := combineTree(level, func(group []delayed.Delayed[*Frame]) delayed.Delayed[*Frame] {
		return mergeTask(delayed.All(group), specValue)
	})
	return finishTask(merged, specValue)
}

// combineTree merges level by level, combineFanIn at a time, down to one.
func combineTree[T any](level []delayed.Delayed[T], merge func([]delayed.Delayed[T]) delayed.Delayed[T]) delayed.Delayed[T] {
	for len(level) > 1 {
		next := make([]delayed.Delayed[T], 0, (len(level)+combineFanIn-1)/combineFanIn)
		for i := 0; i < len(level); i += combineFanIn {
			group := level[i:min(i+combineFanIn, len(level))]
			if len(group) == 1 {
				next = append(next, group[0])
				continue
			}
			next = append(next, merge(slices.Clone(group)))
		}
		level = next
	}
	return level[0]
}

// LazyGroups is a lazy frame split by key columns, for aggregations
// combined across partitions. Make one with LazyFrame.GroupBy.
type LazyGroups struct {
	lf   *LazyFrame
	keys []string
}

// GroupBy groups the lazy frame by the named key columns. Its
// aggregations give what Frame.GroupBy(…).Agg gives for the concatenated
// partitions: groups ordered by key, rows with a missing key left out.
func (lf *LazyFrame) GroupBy(keys ...string) *LazyGroups {
	return &LazyGroups{lf: lf, keys: slices.Clone(keys)}
}

// Agg computes the aggregations per group, from partial aggregates per
// partition combined tree-wise. QuantileOf cannot be combined and is an
// error wrapping ErrArgument.
func (g *LazyGroups) Agg(aggs ...Aggregation) delayed.Delayed[*Frame] {
	if len(g.keys) == 0 {
		return failed[*Frame]("GroupBy", fmt.Errorf("dataframe: LazyFrame.GroupBy: no key columns: %w", ErrArgument))
	}
	return g.lf.reduce("GroupBy.Agg", g.keys, aggs)
}

// Count counts the non-missing values of the named columns per group
// (every non-key column when none is named and the columns are known).
func (g *LazyGroups) Count(columns ...string) delayed.Delayed[*Frame] {
	return g.aggAll("Count", CountOf, columns)
}

// Sum sums the named columns per group (every non-key numeric column when
// none is named and the columns are known).
func (g *LazyGroups) Sum(columns ...string) delayed.Delayed[*Frame] {
	return g.aggAll("Sum", SumOf, columns)
}

// Mean averages the named columns per group, like Sum.
func (g *LazyGroups) Mean(columns ...string) delayed.Delayed[*Frame] {
	return g.aggAll("Mean", MeanOf, columns)
}

// Min takes the named columns' smallest values per group, like Sum.
func (g *LazyGroups) Min(columns ...string) delayed.Delayed[*Frame] {
	return g.aggAll("Min", MinOf, columns)
}

// Max takes the named columns' largest values per group, like Sum.
func (g *LazyGroups) Max(columns ...string) delayed.Delayed[*Frame] {
	return g.aggAll("Max", MaxOf, columns)
}

// Std is the named columns' sample standard deviations per group, like
// Sum.
func (g *LazyGroups) Std(columns ...string) delayed.Delayed[*Frame] {
	return g.aggAll("Std", StdOf, columns)
}

// aggAll applies one statistic to the named columns, keeping their
// names, as Groups' methods of the same names do.
func (g *LazyGroups) aggAll(op string, of func(string) Aggregation, columns []string) delayed.Delayed[*Frame] {
	if len(columns) == 0 {
		schema := g.lf.knownSchema()
		if schema == nil && g.lf.Err() == nil {
			return failed[*Frame](op, fmt.Errorf("dataframe: LazyGroups.%s: name the columns: this lazy frame's columns are not known before computing: %w", op, ErrArgument))
		}
		if schema != nil {
			all := of("").kind == aggCount
			for j, name := range schema.names {
				if !slices.Contains(g.keys, name) && (all || schema.types[j].isNumeric()) {
					columns = append(columns, name)
				}
			}
		}
	}
	aggs := make([]Aggregation, len(columns))
	for i, c := range columns {
		aggs[i] = of(c).As(c)
	}
	return g.Agg(aggs...)
}
