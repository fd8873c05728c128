package dataframe

import "fmt"

// Agg computes the aggregations over the whole frame and returns a frame
// of one row with one column per aggregation, typed as Groups.Agg types
// them (count Int64, sum Int64 for an Int64 column, min and max of the
// column's type, …). Missing values are skipped, as in pandas.
func (f *Frame) Agg(aggs ...Aggregation) (*Frame, error) {
	if len(aggs) == 0 {
		return nil, fmt.Errorf("dataframe: Agg: no aggregations: %w", ErrArgument)
	}
	return f.wholeGroup().Agg(aggs...)
}

// wholeGroup returns the frame as a single group without key columns:
// what whole-frame aggregations share with group-by ones.
func (f *Frame) wholeGroup() *Groups {
	keys, _ := New()
	return &Groups{frame: f, codes: make([]int32, f.NumRows()), ngroups: 1, keys: keys}
}
