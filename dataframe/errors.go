package dataframe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every error this package returns for bad input wraps one
// of these, so callers can test the kind with errors.Is and reach the
// details (column names, types, file positions) with errors.As.
var (
	// ErrUnknownColumn: a column name that the frame does not have.
	ErrUnknownColumn = errors.New("unknown column")
	// ErrColumnType: a column whose type does not suit the operation.
	ErrColumnType = errors.New("wrong column type")
	// ErrDuplicateColumn: two columns with the same name in one frame.
	ErrDuplicateColumn = errors.New("duplicate column")
	// ErrLength: slices or columns whose lengths do not agree.
	ErrLength = errors.New("length mismatch")
	// ErrRowIndex: a row index outside the frame.
	ErrRowIndex = errors.New("row index out of range")
	// ErrMissingValue: a missing value where the operation needs a value
	// (for example a design matrix).
	ErrMissingValue = errors.New("missing value")
	// ErrMalformed: input data (CSV, Parquet) that cannot be read.
	ErrMalformed = errors.New("malformed input")
	// ErrArgument: an invalid argument, such as k < 2 for KFold.
	ErrArgument = errors.New("invalid argument")
	// ErrSchema: frames whose columns (names, order or types) differ where
	// they must agree, such as the partitions of a lazy frame given to
	// Concat.
	ErrSchema = errors.New("frames do not share a schema")
)

// UnknownColumnError reports a column name the frame does not have.
// It matches ErrUnknownColumn under errors.Is.
type UnknownColumnError struct {
	Column string   // the name asked for
	Known  []string // the frame's column names, in order
}

var _ error = (*UnknownColumnError)(nil)

// Error names the column and lists the frame's columns.
func (e *UnknownColumnError) Error() string {
	return fmt.Sprintf("dataframe: unknown column %q (columns: %s)", e.Column, quoteList(e.Known, 20))
}

// Is reports whether target is ErrUnknownColumn.
func (e *UnknownColumnError) Is(target error) bool { return target == ErrUnknownColumn }

// ColumnTypeError reports a column whose type does not suit an operation.
// It matches ErrColumnType under errors.Is.
type ColumnTypeError struct {
	Column string // the column's name
	Have   Type   // the column's type
	Want   []Type // the types the operation accepts
	Op     string // the operation, such as "Float64s" or "mean"
}

var _ error = (*ColumnTypeError)(nil)

// Error names the operation, the column, its type and the types wanted.
func (e *ColumnTypeError) Error() string {
	want := make([]string, len(e.Want))
	for i, t := range e.Want {
		want[i] = t.String()
	}
	return fmt.Sprintf("dataframe: %s: column %q is %s, want %s",
		e.Op, e.Column, e.Have, strings.Join(want, " or "))
}

// Is reports whether target is ErrColumnType.
func (e *ColumnTypeError) Is(target error) bool { return target == ErrColumnType }

// ParseError reports malformed input at a position in a file. It matches
// ErrMalformed under errors.Is, and unwraps to the underlying cause (such
// as a *strconv.NumError) when there is one.
type ParseError struct {
	File   string // the file name, or "" for a reader
	Line   int    // 1-based line number of the record in the input
	Field  int    // 1-based field (column) number, or 0 for the whole record
	Column string // the column's name, when known
	Msg    string // what is wrong
	Err    error  // the underlying cause, or nil
}

var _ error = (*ParseError)(nil)

// Error renders "dataframe: FILE:line L, column C (NAME): MSG: CAUSE",
// leaving out the parts that are unknown.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("dataframe: ")
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
		}
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Field > 0 {
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(e.Field))
		if e.Column != "" {
			b.WriteString(" (")
			b.WriteString(strconv.Quote(e.Column))
			b.WriteByte(')')
		}
	}
	if e.File != "" || e.Line > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is ErrMalformed.
func (e *ParseError) Is(target error) bool { return target == ErrMalformed }

// Unwrap returns the underlying cause.
func (e *ParseError) Unwrap() error { return e.Err }

func unknownColumn(name string, known []string) error {
	return &UnknownColumnError{Column: name, Known: known}
}

func columnType(op, name string, have Type, want ...Type) error {
	return &ColumnTypeError{Column: name, Have: have, Want: want, Op: op}
}

// quoteList renders at most limit quoted names, then an ellipsis.
func quoteList(names []string, limit int) string {
	var b strings.Builder
	for i, n := range names {
		if i == limit {
			fmt.Fprintf(&b, ", … %d more", len(names)-limit)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(n))
	}
	if len(names) == 0 {
		b.WriteString("none")
	}
	return b.String()
}
