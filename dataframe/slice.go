package dataframe

import "fmt"

// Slice returns rows [lo, hi) of the frame. For a materialised frame the
// result is materialised too and shares the columns' memory (only
// validity bitmaps not aligned to 64 rows are copied); for a view it is a
// view sharing the row index. Bounds outside 0 ≤ lo ≤ hi ≤ NumRows are an
// error wrapping ErrRowIndex.
func (f *Frame) Slice(lo, hi int) (*Frame, error) {
	if lo < 0 || hi < lo || hi > f.NumRows() {
		return nil, fmt.Errorf("dataframe: Slice(%d, %d) of a frame of %d rows: %w", lo, hi, f.NumRows(), ErrRowIndex)
	}
	if f.rows != nil {
		return f.withRows(f.rows[lo:hi:hi]), nil
	}
	cols := make([]*Column, len(f.columns))
	for j, c := range f.columns {
		cols[j] = c.slice(lo, hi)
	}
	return &Frame{columns: cols, byName: f.byName, baseLen: hi - lo}, nil
}

// slice returns rows [lo, hi) of the column, sharing its data.
func (c *Column) slice(lo, hi int) *Column {
	nc := &Column{name: c.name, typ: c.typ, vec: c.vec.slice(lo, hi), n: hi - lo}
	if c.valid == nil {
		return nc
	}
	var valid Bitmap
	if lo%64 == 0 {
		valid = c.valid[lo/64 : lo/64+wordsFor(hi-lo)]
	} else {
		valid = NewBitmap(hi - lo)
		for i := lo; i < hi; i++ {
			if !c.valid.IsValid(i) {
				valid.SetMissing(i - lo)
			}
		}
	}
	nc.valid = valid
	nc.nulls = nc.n - valid.countValid(nc.n)
	if nc.nulls == 0 {
		nc.valid = nil
	}
	return nc
}
