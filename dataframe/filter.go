package dataframe

import (
	"fmt"
	"math"
	"time"
)

// Filter returns a view of the rows where mask is true. len(mask) must
// equal NumRows.
func (f *Frame) Filter(mask []bool) (*Frame, error) {
	n := f.NumRows()
	if len(mask) != n {
		return nil, fmt.Errorf("dataframe: Filter: mask has %d rows, frame has %d: %w", len(mask), n, ErrLength)
	}
	kept := 0
	for _, m := range mask {
		if m {
			kept++
		}
	}
	index := make([]int, 0, kept)
	for i, m := range mask {
		if m {
			index = append(index, f.baseRow(i))
		}
	}
	return f.withRows(index), nil
}

// FilterRows returns a view of the rows for which keep returns true. The
// Row passed to keep is valid only during the call. If keep reads a
// column the frame does not have, or reads it as the wrong type,
// FilterRows stops and returns that error.
func (f *Frame) FilterRows(keep func(r Row) bool) (*Frame, error) {
	n := f.NumRows()
	var index []int
	var readErr error
	row := Row{frame: f, err: &readErr}
	for i := 0; i < n; i++ {
		row.base = f.baseRow(i)
		row.pos = i
		ok := keep(row)
		if readErr != nil {
			return nil, fmt.Errorf("dataframe: FilterRows: row %d: %w", i, readErr)
		}
		if ok {
			index = append(index, row.base)
		}
	}
	return f.withRows(index), nil
}

// DropMissing returns a view without the rows that have a missing value in
// any of the named columns (in every column when none is named).
func (f *Frame) DropMissing(names ...string) (*Frame, error) {
	cols := f.columns
	if len(names) > 0 {
		cols = make([]*Column, len(names))
		for i, name := range names {
			c, err := f.lookup(name)
			if err != nil {
				return nil, err
			}
			cols[i] = c
		}
	}
	n := f.NumRows()
	index := make([]int, 0, n)
rows:
	for i := 0; i < n; i++ {
		r := f.baseRow(i)
		for _, c := range cols {
			if !c.valid.IsValid(r) {
				continue rows
			}
		}
		index = append(index, r)
	}
	return f.withRows(index), nil
}

// Row is one row of a frame, handed to a FilterRows predicate. Its
// accessors return the value and whether it is present; an unknown column
// or a wrong type makes them return false and FilterRows return the error.
type Row struct {
	frame *Frame
	base  int // row in the backing columns
	pos   int // row in the frame
	err   *error
}

// Index returns the row's position in the frame being filtered.
func (r Row) Index() int { return r.pos }

// IsMissing reports whether the named column is missing in this row.
func (r Row) IsMissing(name string) bool {
	c := r.column(name, "IsMissing")
	return c == nil || !c.valid.IsValid(r.base)
}

// Float64 returns the named column's value as float64 (Int64 and Bool are
// converted; true is 1), and false if it is missing.
func (r Row) Float64(name string) (float64, bool) {
	c := r.column(name, "Row.Float64", Float64, Int64, Bool)
	if c == nil || !c.valid.IsValid(r.base) {
		return math.NaN(), false
	}
	v, _, _ := c.vec.float64At(r.base, c.valid)
	return v, true
}

// Int64 returns an Int64 column's value, and false if it is missing.
func (r Row) Int64(name string) (int64, bool) {
	c := r.column(name, "Row.Int64", Int64)
	if c == nil || !c.valid.IsValid(r.base) {
		return 0, false
	}
	return c.int64s()[r.base], true
}

// String returns a String column's value, and false if it is missing.
func (r Row) String(name string) (string, bool) {
	c := r.column(name, "Row.String", String)
	if c == nil || !c.valid.IsValid(r.base) {
		return "", false
	}
	return c.strings()[r.base], true
}

// Bool returns a Bool column's value, and false if it is missing.
func (r Row) Bool(name string) (bool, bool) {
	c := r.column(name, "Row.Bool", Bool)
	if c == nil || !c.valid.IsValid(r.base) {
		return false, false
	}
	return c.bools()[r.base], true
}

// Time returns a Time column's value in UTC, and false if it is missing.
func (r Row) Time(name string) (time.Time, bool) {
	c := r.column(name, "Row.Time", Time)
	if c == nil || !c.valid.IsValid(r.base) {
		return time.Time{}, false
	}
	return time.Unix(0, c.nanos()[r.base]).UTC(), true
}

// column looks name up, recording the first error for FilterRows.
func (r Row) column(name, op string, want ...Type) *Column {
	var c *Column
	var err error
	if len(want) == 0 {
		c, err = r.frame.lookup(name)
	} else {
		c, err = r.frame.typed(name, op, want...)
	}
	if err != nil {
		if r.err != nil && *r.err == nil {
			*r.err = err
		}
		return nil
	}
	return c
}
