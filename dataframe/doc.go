// Package dataframe holds columnar data frames for lazygraph: named,
// typed columns held as plain Go slices, CSV and Parquet readers and
// writers, group-by with aggregations, and K-fold splits — the "load a big
// table, split it by group or fold, fit something per piece" workflow that
// pandas users know.
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
// by any number of goroutines. Select, Filter, FilterRows, Take, Head,
// Sort, DropMissing and the members of a group-by are views: the shared
// columns plus a row index, costing one int per row and no column data.
// Data is copied only when asked: Materialize copies a frame's rows into
// new columns, and accessors that must return a contiguous slice of a
// view (Column, Float64s, Strings, …) gather one. Frame.Backing exposes
// the shared columns and the row index, so a frame can be sent once and
// its views as row indices.
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
