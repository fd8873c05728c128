package dataframe

import (
	"fmt"
	"time"
)

// Frame is a table of named, typed columns of equal length. A Frame is
// immutable and safe for concurrent use by many goroutines.
//
// A Frame is either materialised (its columns hold exactly its rows) or a
// view: the shared columns of another frame plus a row index selecting and
// ordering their rows. Select, Filter, FilterRows, Where, Take, Head, Sort,
// DropMissing and group members are views and copy no column data;
// Materialize copies.
//
// A *Frame can be a task's argument or result on every lazygraph
// scheduler: it encodes for the wire as raw column memory (see the package
// documentation, "On the wire").
type Frame struct {
	columns []*Column      // backing columns, all of length baseLen
	rows    []int          // row index into the backing columns; nil: all rows in order
	byName  map[string]int // column name → position in columns
	baseLen int
}

var _ fmt.Stringer = (*Frame)(nil)

// New returns a materialised frame over the given columns (shared, not
// copied). Names must be unique and lengths equal.
func New(columns ...*Column) (*Frame, error) {
	f := &Frame{columns: columns, byName: make(map[string]int, len(columns))}
	for i, c := range columns {
		if c == nil {
			return nil, fmt.Errorf("dataframe: New: column %d is nil: %w", i, ErrArgument)
		}
		if _, dup := f.byName[c.name]; dup {
			return nil, fmt.Errorf("dataframe: New: column %q appears twice: %w", c.name, ErrDuplicateColumn)
		}
		f.byName[c.name] = i
		if i == 0 {
			f.baseLen = c.n
		} else if c.n != f.baseLen {
			return nil, fmt.Errorf("dataframe: New: column %q has %d rows, column %q has %d: %w",
				c.name, c.n, columns[0].name, f.baseLen, ErrLength)
		}
	}
	return f, nil
}

// NumRows returns the number of rows.
func (f *Frame) NumRows() int {
	if f.rows != nil {
		return len(f.rows)
	}
	return f.baseLen
}

// NumCols returns the number of columns.
func (f *Frame) NumCols() int { return len(f.columns) }

// Names returns the column names in order (a new slice).
func (f *Frame) Names() []string {
	names := make([]string, len(f.columns))
	for i, c := range f.columns {
		names[i] = c.name
	}
	return names
}

// Types returns the column types in order (a new slice).
func (f *Frame) Types() []Type {
	types := make([]Type, len(f.columns))
	for i, c := range f.columns {
		types[i] = c.typ
	}
	return types
}

// Has reports whether the frame has a column called name.
func (f *Frame) Has(name string) bool {
	_, ok := f.byName[name]
	return ok
}

// IsView reports whether the frame is a view: a row index over shared
// columns rather than columns holding exactly its rows.
func (f *Frame) IsView() bool { return f.rows != nil }

// Backing returns the frame's shared backing columns and its row index
// (nil when the frame is not a view, meaning every backing row in order).
// Both are shared and must not be modified. It is meant for encoders that
// send the backing columns once and views as row indices.
func (f *Frame) Backing() (columns []*Column, rows []int) {
	return append([]*Column(nil), f.columns...), f.rows
}

// Column returns the named column as this frame sees it: the shared column
// for a materialised frame, or a gathered copy of the selected rows for a
// view.
func (f *Frame) Column(name string) (*Column, error) {
	c, err := f.lookup(name)
	if err != nil {
		return nil, err
	}
	if f.rows == nil {
		return c, nil
	}
	return c.gather(f.rows), nil
}

// Columns returns every column as this frame sees it (see Column).
func (f *Frame) Columns() []*Column {
	out := make([]*Column, len(f.columns))
	for i, c := range f.columns {
		if f.rows == nil {
			out[i] = c
		} else {
			out[i] = c.gather(f.rows)
		}
	}
	return out
}

// Float64s returns the named column as []float64 for gonum: for a
// materialised Float64 column the shared backing slice (read-only),
// otherwise a new slice. Int64 and Bool columns are converted (true is 1);
// missing values are NaN. String and Time columns are an error wrapping
// ErrColumnType.
func (f *Frame) Float64s(name string) ([]float64, error) {
	c, err := f.lookup(name)
	if err != nil {
		return nil, err
	}
	return c.float64s(f.rows, "Float64s")
}

// Int64s returns an Int64 column's values (shared when the frame is not a
// view; missing rows hold 0).
func (f *Frame) Int64s(name string) ([]int64, error) {
	c, err := f.typed(name, "Int64s", Int64)
	if err != nil {
		return nil, err
	}
	if f.rows == nil {
		return c.int64s(), nil
	}
	return c.gather(f.rows).int64s(), nil
}

// Strings returns a String column's values (shared when the frame is not a
// view; missing rows hold "").
func (f *Frame) Strings(name string) ([]string, error) {
	c, err := f.typed(name, "Strings", String)
	if err != nil {
		return nil, err
	}
	if f.rows == nil {
		return c.strings(), nil
	}
	return c.gather(f.rows).strings(), nil
}

// Bools returns a Bool column's values (shared when the frame is not a
// view; missing rows hold false).
func (f *Frame) Bools(name string) ([]bool, error) {
	c, err := f.typed(name, "Bools", Bool)
	if err != nil {
		return nil, err
	}
	if f.rows == nil {
		return c.bools(), nil
	}
	return c.gather(f.rows).bools(), nil
}

// Times returns a Time column's values as a new []time.Time in UTC
// (missing rows hold the zero time).
func (f *Frame) Times(name string) ([]time.Time, error) {
	c, err := f.typed(name, "Times", Time)
	if err != nil {
		return nil, err
	}
	if f.rows != nil {
		c = c.gather(f.rows)
	}
	return c.Times()
}

// Select returns a view with only the named columns, in the given order.
func (f *Frame) Select(names ...string) (*Frame, error) {
	cols := make([]*Column, len(names))
	for i, name := range names {
		c, err := f.lookup(name)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	out, err := New(cols...)
	if err != nil {
		return nil, fmt.Errorf("dataframe: Select: %w", err)
	}
	out.rows = f.rows
	out.baseLen = f.baseLen
	return out, nil
}

// Take returns a view of the given rows, in the given order (rows may
// repeat). Row numbers count from 0 in this frame; one outside
// [0, NumRows) is an error wrapping ErrRowIndex. rows is copied.
func (f *Frame) Take(rows []int) (*Frame, error) {
	n := f.NumRows()
	index := make([]int, len(rows))
	for j, r := range rows {
		if r < 0 || r >= n {
			return nil, fmt.Errorf("dataframe: Take: row %d at position %d outside [0, %d): %w", r, j, n, ErrRowIndex)
		}
		if f.rows != nil {
			r = f.rows[r]
		}
		index[j] = r
	}
	return f.withRows(index), nil
}

// Head returns a view of the first n rows (all of them if there are fewer).
func (f *Frame) Head(n int) *Frame {
	total := f.NumRows()
	n = max(0, min(n, total))
	if f.rows != nil {
		return f.withRows(f.rows[:n:n])
	}
	index := make([]int, n)
	for i := range index {
		index[i] = i
	}
	return f.withRows(index)
}

// Materialize returns a frame whose columns hold exactly its rows, copied
// into fresh slices: it shares nothing with f. It always copies, also
// when f is not a view.
func (f *Frame) Materialize() *Frame {
	cols := make([]*Column, len(f.columns))
	for i, c := range f.columns {
		if f.rows == nil {
			cols[i] = c.clone()
		} else {
			cols[i] = c.gather(f.rows)
		}
	}
	out := &Frame{columns: cols, byName: f.byName, baseLen: f.NumRows()}
	return out
}

// withRows returns a view over f's backing columns with the given index
// (into the backing columns), which it takes ownership of.
func (f *Frame) withRows(rows []int) *Frame {
	if rows == nil {
		rows = []int{}
	}
	return &Frame{columns: f.columns, rows: rows, byName: f.byName, baseLen: f.baseLen}
}

// baseRow maps a row of this frame to its backing row.
func (f *Frame) baseRow(i int) int {
	if f.rows != nil {
		return f.rows[i]
	}
	return i
}

func (f *Frame) lookup(name string) (*Column, error) {
	i, ok := f.byName[name]
	if !ok {
		return nil, unknownColumn(name, f.Names())
	}
	return f.columns[i], nil
}

func (f *Frame) typed(name, op string, want ...Type) (*Column, error) {
	c, err := f.lookup(name)
	if err != nil {
		return nil, err
	}
	for _, t := range want {
		if c.typ == t {
			return c, nil
		}
	}
	return nil, columnType(op, name, c.typ, want...)
}
