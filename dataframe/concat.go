package dataframe

import (
	"fmt"
	"slices"
)

// Concat returns the rows of the frames one after another in a new
// materialised frame. The frames must have the same column names in the
// same order with the same types; a difference is an error wrapping
// ErrSchema that names the frame and the column. One frame is returned
// as it is; none is an error wrapping ErrArgument.
func Concat(frames ...*Frame) (*Frame, error) {
	if len(frames) == 0 {
		return nil, fmt.Errorf("dataframe: Concat: no frames: %w", ErrArgument)
	}
	first := frames[0]
	total := 0
	for k, f := range frames {
		if f == nil {
			return nil, fmt.Errorf("dataframe: Concat: frame %d is nil: %w", k, ErrArgument)
		}
		if err := sameSchema(first, f); err != nil {
			return nil, fmt.Errorf("dataframe: Concat: frame %d: %w", k, err)
		}
		total += f.NumRows()
	}
	if len(frames) == 1 {
		return first, nil
	}
	cols := make([]*Column, len(first.columns))
	for j := range cols {
		cols[j] = concatColumn(frames, j, total)
	}
	out, err := New(cols...)
	if err != nil {
		return nil, fmt.Errorf("dataframe: Concat: %w", err)
	}
	out.baseLen = total
	return out, nil
}

// sameSchema reports how f's columns differ from want's, or nil.
func sameSchema(want, f *Frame) error {
	if len(f.columns) != len(want.columns) {
		return fmt.Errorf("%d columns %q, want %d %q: %w", len(f.columns), f.Names(), len(want.columns), want.Names(), ErrSchema)
	}
	for j, c := range f.columns {
		w := want.columns[j]
		if c.name != w.name {
			return fmt.Errorf("column %d is %q, want %q: %w", j, c.name, w.name, ErrSchema)
		}
		if c.typ != w.typ {
			return fmt.Errorf("column %q is %s, want %s: %w", c.name, c.typ, w.typ, ErrSchema)
		}
	}
	return nil
}

// concatColumn stacks column j of every frame into one column of total rows.
func concatColumn(frames []*Frame, j, total int) *Column {
	proto := frames[0].columns[j]
	parts := make([]vector, len(frames))
	rows := make([][]int, len(frames))
	for k, f := range frames {
		parts[k], rows[k] = f.columns[j].vec, f.rows
	}
	out := &Column{name: proto.name, typ: proto.typ, vec: proto.vec.concat(parts, rows, total), n: total}
	hasMissing := slices.ContainsFunc(frames, func(f *Frame) bool { return f.columns[j].valid != nil })
	if hasMissing {
		out.valid = NewBitmap(total)
	}
	at := 0
	for _, f := range frames {
		c := f.columns[j]
		if c.valid != nil {
			for i := range f.NumRows() {
				if !c.valid.IsValid(f.baseRow(i)) {
					out.valid.SetMissing(at + i)
				}
			}
		}
		at += f.NumRows()
	}
	if hasMissing {
		out.nulls = total - out.valid.countValid(total)
		if out.nulls == 0 {
			out.valid = nil
		}
	}
	return out
}
