// Package dataframe holds columnar data frames for lazygraph: named,
// typed columns held as plain Go slices, a CSV reader and writer
// (Parquet is in the subpackage dataframe/parquet, so that programs that
// do not read it link no Arrow), group-by with aggregations, K-fold splits, and partitioned lazy
// frames whose work runs as lazygraph task graphs — the "load a big table,
// split it by group or fold, fit something per piece" workflow that pandas
// and Dask DataFrame users know.
//
// # Columns and types
//
// A Column holds Float64 ([]float64), Int64 ([]int64), String
// ([]string), Bool ([]bool) or Time values ([]int64 nanoseconds since the
// Unix epoch, UTC, like pandas' datetime64[ns]) plus a validity Bitmap.
// Column.Data and Column.Validity expose the raw slices, and NewColumn
// rebuilds a column from them, so encoders can move columns as raw bytes.
//
// # Missing values
//
// Every column can have missing values, recorded in its validity bitmap
// (nil when none is missing). In Float64 columns missing and NaN are one
// thing, as in pandas: a NaN is missing, and a missing row holds NaN in
// the data slice, so numeric code reading the slice sees NaN. Missing rows
// of other types hold the zero value. Aggregations and Describe skip
// missing values, as pandas does; Sort puts them last; GroupBy leaves rows
// with a missing key out of every group; Matrix refuses them (use
// DropMissing first).
//
// # Views and copies
//
// Frames and columns are immutable, so one frame can be shared read-only
// by any number of goroutines. Select, Filter, FilterRows, Where, Take,
// Head, Sort, DropMissing and the members of a group-by are views: the
// shared columns plus a row index, costing one int per row and no column
// data. Slice of a materialised frame shares the columns' memory without
// an index; Concat copies.
// Data is copied only when asked: Materialize copies a frame's rows into
// new columns, and accessors that must return a contiguous slice of a
// view (Column, Float64s, Strings, …) gather one. Frame.Backing exposes
// the shared columns and the row index, so a frame can be sent once and
// its views as row indices.
//
// # Lazy frames
//
// A LazyFrame is a frame cut into partitions, each a
// delayed.Delayed[*Frame] not computed yet, as in Dask DataFrame.
// ReadCSVLazy makes one partition per file matching a glob pattern, and
// one per block (WithBlockSize, 64 MiB by default) of a large uncompressed
// file, cut at line breaks, every block parsing the file's header first;
// the column types are inferred from the first file's first megabyte and
// fixed for all partitions. parquet.ReadLazy makes one partition per
// file, FromFrame cuts a frame in memory, FromPartitions takes partitions built
// by the caller.
//
// Operations build the graph and run nothing: Select, Filter (with a
// Condition, a predicate that is data rather than code) and MapPartitions
// (with a function wrapped by delayed.Func1 or a sibling) work per
// partition; Shuffle repartitions by key so that groups are whole;
// MapPartitionsTo maps partitions to any result. Reductions — Agg, Count,
// Sum, Mean, Min, Max, Std, NumRows, and GroupBy(…).Agg and its
// shorthands — reduce each partition to small partial aggregates (a frame
// of per-group counts, sums, extremes, and for std counts, means and sums
// of squared deviations, merged with Chan et al.'s pairwise update), merge
// them in a tree eight at a time, and finish with the result Frame.Agg or
// Groups.Agg gives for the whole data. Compute them with Compute, or
// several together with delayed.Compute, Compute2 or Compute3: results
// built from one lazy frame share its read tasks, so computing them
// together reads each file once.
//
// Every task a lazy frame builds calls a function this package wraps in a
// package-level variable, so lazy frames run unchanged on the synchronous,
// threads and processes schedulers, and on any scheduler that finds
// functions by their registered names, as a distributed one does. Functions given to
// MapPartitions and MapPartitionsTo must be wrapped at package level by
// the caller, for the same reason (see package delayed). Errors that the
// known columns reveal (an unknown column, a wrong type) are reported when
// the graph is built, before anything is read.
//
// # On the wire
//
// This package registers the encoding of *Frame and *Column with
// lazygraph's wire codec (it is not part of their API), which uses it when
// a frame is a task's argument or result on the processes or distributed
// scheduler. Float64 data, Int64
// and Time data (nanoseconds), validity bitmaps, bool values (packed one
// bit a row) and string bytes (one offsets array and one byte buffer per
// column) are written as the codec's raw numeric slices, so they travel as
// memory copies — large ones as frame attachments, which the receiver uses
// in place — never element by element. Names, types, missing values, time
// columns and views come back exactly; a decoder given malformed bytes
// returns an error wrapping ErrMalformed and never panics.
//
// A view travels as its rows gathered into new columns, or as its
// backing columns plus its row index, whichever is smaller: views that
// select rows (groups, folds, filters, Head, Sort) go gathered and never
// drag the rest of their frame along; a view repeating rows (a large
// bootstrap resample) goes as the frame plus 8 bytes a row. To share one
// large frame among many tasks, pass it as one delayed.Value — it is sent
// once to each worker process that needs it — and give the tasks row
// indices (a group's rows, a fold) rather than views. *Frame, *Column,
// []*Frame and []*Column are registered for interface-typed slots, and
// this package's errors for errors.Is and errors.As across processes.
//
// # Errors
//
// Bad input never panics. Errors wrap one of the sentinel errors
// (ErrUnknownColumn, ErrColumnType, ErrMalformed, ErrArgument, …) for
// errors.Is, and carry details for errors.As: *UnknownColumnError names
// the column and the frame's columns, *ColumnTypeError the column, its
// type and the types wanted, *ParseError the file, line and column of
// malformed input.
package dataframe
