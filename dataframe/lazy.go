package dataframe

import (
	"context"
	"fmt"
	"slices"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
)

// LazyFrame is a frame cut into partitions that have not been computed
// yet: Dask DataFrame's idea on lazygraph. Each partition is a
// delayed.Delayed[*Frame] — a file or a byte range of one for
// ReadCSVLazy, a file for parquet.ReadLazy, a slice for FromFrame — and
// every operation builds more of the task graph: Select, Filter and
// MapPartitions per partition; reductions (Agg, Sum, Mean, …, GroupBy(…).
// Agg) as partial aggregates per partition combined tree-wise. Nothing is
// read or computed until a Compute.
//
// Every task a lazy frame builds calls a function this package wraps at
// package level, so lazy frames run on every scheduler, worker processes
// included. A function given to MapPartitions must be
// wrapped at package level by the caller for the same reason.
//
// Results that share partitions share their tasks: computing several of
// them in one delayed.Compute (or Compute2, Compute3) reads each file
// once. Computing them one at a time reads the files each time.
//
// A LazyFrame is immutable and safe for concurrent use. An operation
// that cannot work (an unknown column, say, when the columns are known)
// gives a LazyFrame whose Err reports it and whose results fail to
// compute with that error before anything runs.
type LazyFrame struct {
	parts  []delayed.Delayed[*Frame]
	schema *frameSchema // nil when unknown (after MapPartitions)
	err    error
}

// frameSchema is what a lazy frame knows of its partitions' columns
// before computing them.
type frameSchema struct {
	names []string
	types []Type
}

func schemaOf(f *Frame) *frameSchema {
	return &frameSchema{names: f.Names(), types: f.Types()}
}

// empty returns a frame of no rows with the schema's columns, on which
// operations are tried when the graph is built, to report errors early.
func (s *frameSchema) empty() *Frame {
	cols := make([]*Column, len(s.names))
	for j, name := range s.names {
		if ct := typeOf(s.types[j]); ct != nil {
			cols[j], _ = NewColumn(name, s.types[j], ct.empty().data(), nil)
		}
	}
	f, _ := New(cols...)
	return f
}

// FromFrame cuts an in-memory frame into n partitions of consecutive
// rows (n is capped at the number of rows, and at least 1). The
// partitions share the frame's memory (see Frame.Slice); on the
// processes scheduler each is sent to the worker that needs it.
func FromFrame(f *Frame, n int) *LazyFrame {
	if f == nil {
		return failedLazy(fmt.Errorf("dataframe: FromFrame: nil frame: %w", ErrArgument))
	}
	if n < 1 {
		return failedLazy(fmt.Errorf("dataframe: FromFrame: %d partitions: %w", n, ErrArgument))
	}
	rows := f.NumRows()
	n = max(1, min(n, rows))
	parts := make([]delayed.Delayed[*Frame], n)
	for i := range parts {
		part, _ := f.Slice(i*rows/n, (i+1)*rows/n)
		parts[i] = delayed.Value(part)
	}
	return &LazyFrame{parts: parts, schema: schemaOf(f)}
}

// FromPartitions makes a lazy frame of partitions computed by the
// caller's own tasks (for a source this package does not read, say).
// The partitions must have the same columns; their names and types are
// unknown until computed, so operations check columns only then.
func FromPartitions(parts ...delayed.Delayed[*Frame]) *LazyFrame {
	if len(parts) == 0 {
		return failedLazy(fmt.Errorf("dataframe: FromPartitions: no partitions: %w", ErrArgument))
	}
	return &LazyFrame{parts: slices.Clone(parts)}
}

func failedLazy(err error) *LazyFrame { return &LazyFrame{err: err} }

// Err returns why the lazy frame cannot be computed, or nil.
func (lf *LazyFrame) Err() error {
	switch {
	case lf == nil || lf.err == nil && len(lf.parts) == 0:
		return errEmptyLazyFrame
	case lf.err != nil:
		return lf.err
	}
	return nil
}

var errEmptyLazyFrame = fmt.Errorf("dataframe: empty LazyFrame (make one with ReadCSVLazy, parquet.ReadLazy, FromFrame, FromPartitions or FromPartitionsOf): %w", ErrArgument)

// knownSchema returns the schema when the lazy frame is usable and its
// columns are known, else nil.
func (lf *LazyFrame) knownSchema() *frameSchema {
	if lf.Err() != nil {
		return nil
	}
	return lf.schema
}

// NumPartitions returns the number of partitions.
func (lf *LazyFrame) NumPartitions() int {
	if lf == nil {
		return 0
	}
	return len(lf.parts)
}

// Partitions returns the partitions (a new slice), to build tasks on them
// directly. For a lazy frame whose Err is not nil it holds one Delayed
// that fails with that error.
func (lf *LazyFrame) Partitions() []delayed.Delayed[*Frame] {
	if err := lf.Err(); err != nil {
		return []delayed.Delayed[*Frame]{failed[*Frame]("Partitions", err)}
	}
	return slices.Clone(lf.parts)
}

// Names returns the column names, or nil when they are not known before
// computing (after MapPartitions, or for FromPartitions).
func (lf *LazyFrame) Names() []string {
	if lf.knownSchema() == nil {
		return nil
	}
	return slices.Clone(lf.schema.names)
}

// Types returns the column types, or nil when they are not known (see
// Names).
func (lf *LazyFrame) Types() []Type {
	if lf.knownSchema() == nil {
		return nil
	}
	return slices.Clone(lf.schema.types)
}

// Select keeps the named columns, in the given order, in every
// partition.
func (lf *LazyFrame) Select(names ...string) *LazyFrame {
	if err := lf.Err(); err != nil {
		return failedLazy(err)
	}
	var schema *frameSchema
	if lf.schema != nil {
		sel, err := lf.schema.empty().Select(names...)
		if err != nil {
			return failedLazy(fmt.Errorf("dataframe: LazyFrame.Select: %w", err))
		}
		schema = schemaOf(sel)
	}
	namesValue := delayed.Value(slices.Clone(names))
	parts := make([]delayed.Delayed[*Frame], len(lf.parts))
	for i, p := range lf.parts {
		parts[i] = selectTask(p, namesValue)
	}
	return &LazyFrame{parts: parts, schema: schema}
}

// Filter keeps the rows where c holds, in every partition (see
// Frame.Where).
func (lf *LazyFrame) Filter(c Condition) *LazyFrame {
	if err := lf.Err(); err != nil {
		return failedLazy(err)
	}
	if err := c.Err(); err != nil {
		return failedLazy(fmt.Errorf("dataframe: LazyFrame.Filter: %w", err))
	}
	if lf.schema != nil {
		if _, err := lf.schema.empty().Where(c); err != nil {
			return failedLazy(fmt.Errorf("dataframe: LazyFrame.Filter: %w", err))
		}
	}
	cond := delayed.Value(c.node)
	parts := make([]delayed.Delayed[*Frame], len(lf.parts))
	for i, p := range lf.parts {
		parts[i] = whereTask(p, cond)
	}
	return &LazyFrame{parts: parts, schema: lf.schema}
}

// MapPartitions applies fn to every partition: fn receives a partition's
// Delayed and returns the Delayed of the new partition, which is what a
// function wrapped with delayed.Func1 (or Func1E, Func1Ctx) does:
//
//	var standardise = delayed.Func1E(func(f *dataframe.Frame) (*dataframe.Frame, error) { … })
//	…
//	lf = lf.MapPartitions(standardise)
//
// Wrap the function in a package-level variable, as above, for the
// processes and distributed schedulers: their workers find functions by
// the name registered at package initialisation. The new partitions'
// columns are not known until computed.
func (lf *LazyFrame) MapPartitions(fn func(delayed.Delayed[*Frame]) delayed.Delayed[*Frame]) *LazyFrame {
	if err := lf.Err(); err != nil {
		return failedLazy(err)
	}
	if fn == nil {
		return failedLazy(fmt.Errorf("dataframe: LazyFrame.MapPartitions: nil function: %w", ErrArgument))
	}
	return &LazyFrame{parts: MapPartitionsTo(lf, fn)}
}

// MapPartitionsTo applies fn to every partition of lf, like
// LazyFrame.MapPartitions, for a function whose result is not a frame
// (a model fitted per partition, say); it returns one Delayed per
// partition. Gather them with delayed.All.
func MapPartitionsTo[T any](lf *LazyFrame, fn func(delayed.Delayed[*Frame]) delayed.Delayed[T]) []delayed.Delayed[T] {
	if err := lf.Err(); err != nil {
		return []delayed.Delayed[T]{failed[T]("MapPartitionsTo", err)}
	}
	if fn == nil {
		return []delayed.Delayed[T]{failed[T]("MapPartitionsTo", fmt.Errorf("dataframe: MapPartitionsTo: nil function: %w", ErrArgument))}
	}
	out := make([]delayed.Delayed[T], len(lf.parts))
	for i, p := range lf.parts {
		out[i] = fn(p)
	}
	return out
}

// Frame returns the whole frame, the partitions concatenated in order, as
// one Delayed.
func (lf *LazyFrame) Frame() delayed.Delayed[*Frame] {
	if err := lf.Err(); err != nil {
		return failed[*Frame]("Frame", err)
	}
	return concatTask(delayed.All(lf.parts))
}

// Compute computes the whole frame (see Frame) with the configured
// scheduler.
func (lf *LazyFrame) Compute(ctx context.Context, opts ...delayed.Option) (*Frame, error) {
	return lf.Frame().Compute(ctx, opts...)
}

// failed returns a Delayed that reports err when its graph is compiled,
// before anything runs.
func failed[T any](op string, err error) delayed.Delayed[T] {
	return delayed.FromTask[T](graph.Failed("dataframe."+op, err))
}

// FromPartitionsOf is FromPartitions for partitions known to have the
// columns of like (names and types; typically a frame of no rows), so
// that operations on the lazy frame report an unknown column or a wrong
// type when the graph is built, as they do for ReadCSVLazy. Readers in
// other packages, such as dataframe/parquet, build their lazy frames
// with it.
func FromPartitionsOf(like *Frame, parts ...delayed.Delayed[*Frame]) *LazyFrame {
	if like == nil {
		return failedLazy(fmt.Errorf("dataframe: FromPartitionsOf: nil frame: %w", ErrArgument))
	}
	lf := FromPartitions(parts...)
	if lf.err == nil {
		lf.schema = schemaOf(like)
	}
	return lf
}
