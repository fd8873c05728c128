package main

import (
	"context"
	"slices"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/cli"
)

// summary is what the program computes: per group of -by, and over all flights.
type summary struct {
	// ByGroup has one row per value of the -by column, in order: that column, then flights
	// (rows), with_delay (rows where the delay is present), mean_delay, min_delay, max_delay.
	ByGroup *dataframe.Frame
	// Overall has one row: with_delay, mean_delay, min_delay, max_delay over every flight.
	Overall *dataframe.Frame
	// Flights counts every row, including rows with no -by value.
	Flights int64
}

// reductions builds the graph: three reductions of one lazy frame. Each reads the frame's
// partitions through the same read tasks, so computing them together reads each file once;
// each partition is reduced to small partial results, merged tree-wise.
func reductions(lf *dataframe.LazyFrame, by, delay string) (byGroup, overall delayed.Delayed[*dataframe.Frame], flights delayed.Delayed[int64]) {
	stats := []dataframe.Aggregation{
		dataframe.CountOf(delay).As("with_delay"),
		dataframe.MeanOf(delay).As("mean_delay"),
		dataframe.MinOf(delay).As("min_delay"),
		dataframe.MaxOf(delay).As("max_delay"),
	}
	// A group's rows all have its key, so counting the key column counts its rows.
	byGroup = lf.GroupBy(by).Agg(append([]dataframe.Aggregation{dataframe.CountOf(by).As("flights")}, stats...)...)
	overall = lf.Agg(stats...)
	flights = lf.NumRows()
	return byGroup, overall, flights
}

// summarize computes the three reductions in one graph: one pass over the files.
func summarize(ctx context.Context, lf *dataframe.LazyFrame, by, delay string, opts ...delayed.Option) (summary, error) {
	byGroup, overall, flights := reductions(lf, by, delay)
	var s summary
	var err error
	s.ByGroup, s.Overall, s.Flights, err = delayed.Compute3(ctx, byGroup, overall, flights, opts...)
	return s, err
}

// checkColumns reports, as a usage error naming the flag, a column the files do not have or a
// delay column that is not numeric. Lazy frames know their columns before reading the files
// whole: from the first megabyte of the first one.
func checkColumns(lf *dataframe.LazyFrame, by, delay string) error {
	names := lf.Names()
	if !slices.Contains(names, by) {
		return cli.Usagef("-by %q: no such column; the columns are %q", by, names)
	}
	j := slices.Index(names, delay)
	if j < 0 {
		return cli.Usagef("-delay %q: no such column; the columns are %q", delay, names)
	}
	if t := lf.Types()[j]; t != dataframe.Int64 && t != dataframe.Float64 {
		return cli.Usagef("-delay: column %q holds %s values; want numbers", delay, t)
	}
	return nil
}
