package dataframe

import (
	"fmt"
	"math"
	"time"
)

// Column is a named, typed, immutable sequence of values held as a plain Go
// slice plus a validity Bitmap. Columns are shared, never copied, by the
// frames built over them, so a Column must not be modified after it is
// made; every method is safe for concurrent use.
//
// Missing values: a missing row has its validity bit clear. In a Float64
// column missing and NaN are the same thing, as in pandas: a NaN given to a
// constructor is recorded as missing, and a missing row holds NaN in the
// data slice, so gonum code reading the raw slice sees NaN there. Missing
// rows of the other types hold the zero value. ±Inf is an ordinary value.
type Column struct {
	name  string
	typ   Type
	vec   vector // the typed values: see vector.go
	valid Bitmap // nil: nothing missing
	n     int
	nulls int
}

// NewFloat64Column returns a Float64 column over values (not copied). NaN
// entries are missing.
func NewFloat64Column(name string, values []float64) *Column {
	c := &Column{name: name, typ: Float64, vec: float64Vec(values), n: len(values)}
	c.valid = nanBitmap(values)
	c.nulls = c.n - c.valid.countValid(c.n)
	return c
}

// NewInt64Column returns an Int64 column over values (not copied), with no
// missing values; see WithMissing.
func NewInt64Column(name string, values []int64) *Column {
	return &Column{name: name, typ: Int64, vec: int64Vec(values), n: len(values)}
}

// NewStringColumn returns a String column over values (not copied), with no
// missing values; see WithMissing.
func NewStringColumn(name string, values []string) *Column {
	return &Column{name: name, typ: String, vec: stringVec(values), n: len(values)}
}

// NewBoolColumn returns a Bool column over values (not copied), with no
// missing values; see WithMissing.
func NewBoolColumn(name string, values []bool) *Column {
	return &Column{name: name, typ: Bool, vec: boolVec(values), n: len(values)}
}

// NewTimeColumn returns a Time column holding values as Unix nanoseconds
// (a copy). The zero time.Time is missing. Instants outside the years
// 1678–2262 do not fit in int64 nanoseconds and are an error wrapping
// ErrArgument.
func NewTimeColumn(name string, values []time.Time) (*Column, error) {
	ns := make([]int64, len(values))
	var valid Bitmap
	for i, t := range values {
		if t.IsZero() {
			if valid == nil {
				valid = NewBitmap(len(values))
			}
			valid.SetMissing(i)
			continue
		}
		v, ok := timeToNanos(t)
		if !ok {
			return nil, fmt.Errorf("dataframe: column %q row %d: time %s outside the int64-nanosecond range: %w",
				name, i, t.Format(time.RFC3339), ErrArgument)
		}
		ns[i] = v
	}
	return NewColumn(name, Time, ns, valid)
}

// NewColumn returns a column of type typ over data (not copied), with
// validity valid (nil: nothing missing). data must be []float64 for Float64,
// []int64 for Int64, []string for String, []bool for Bool and []int64 Unix
// nanoseconds for Time. It is the inverse of Column.Data and
// Column.Validity, meant for decoders. For Float64 the NaN/missing
// equivalence is enforced: NaN rows are marked missing, and if a row marked
// missing is not NaN the data is copied and NaN written there.
func NewColumn(name string, typ Type, data any, valid Bitmap) (*Column, error) {
	vec, err := newVector(name, typ, data)
	if err != nil {
		return nil, err
	}
	c := &Column{name: name, typ: typ, vec: vec, n: vec.len()}
	if valid != nil && len(valid) != (c.n+63)/64 {
		return nil, fmt.Errorf("dataframe: column %q: validity bitmap has %d words, want %d for %d rows: %w",
			name, len(valid), (c.n+63)/64, c.n, ErrLength)
	}
	return c.withValidity(valid), nil
}

// withValidity installs valid (which the column then owns), normalising
// Float64 NaN/missing and trimming an all-valid bitmap to nil.
func (c *Column) withValidity(valid Bitmap) *Column {
	if nm, ok := c.vec.(nanMissing); ok {
		own := nm.missingBitmap()
		if valid == nil {
			valid = own
		} else {
			c.vec = nm.withMissing(valid)
			if own != nil {
				for i := range valid {
					valid[i] &= own[i]
				}
			}
		}
	}
	c.valid = valid
	c.nulls = c.n - valid.countValid(c.n)
	if c.nulls == 0 {
		c.valid = nil
	}
	return c
}

// WithMissing returns a copy of the column header (the data slice is
// shared, except that a Float64 column's data is copied to write NaN) with
// the rows where missing[i] is true marked missing, in addition to those
// already missing. len(missing) must equal Len.
func (c *Column) WithMissing(missing []bool) (*Column, error) {
	if len(missing) != c.n {
		return nil, fmt.Errorf("dataframe: column %q: missing mask has %d rows, column has %d: %w",
			c.name, len(missing), c.n, ErrLength)
	}
	valid := NewBitmap(c.n)
	for i := 0; i < c.n; i++ {
		if missing[i] || !c.valid.IsValid(i) {
			valid.SetMissing(i)
		}
	}
	nc := *c
	return nc.withValidity(valid), nil
}

// Renamed returns the same column (sharing its data) under another name.
func (c *Column) Renamed(name string) *Column {
	nc := *c
	nc.name = name
	return &nc
}

// Name returns the column's name.
func (c *Column) Name() string { return c.name }

// Type returns the column's element type.
func (c *Column) Type() Type { return c.typ }

// Len returns the number of rows.
func (c *Column) Len() int { return c.n }

// NullCount returns the number of missing rows.
func (c *Column) NullCount() int { return c.nulls }

// IsMissing reports whether row i is missing.
func (c *Column) IsMissing(i int) bool { return !c.valid.IsValid(i) }

// Validity returns the column's validity bitmap, nil when nothing is
// missing. It is shared: do not modify it.
func (c *Column) Validity() Bitmap { return c.valid }

// Data returns the column's backing slice, shared and read-only:
// []float64, []int64, []string, []bool, or for Time []int64 Unix
// nanoseconds.
func (c *Column) Data() any { return c.vec.data() }

// Float64s returns the values as []float64 for numeric code such as gonum:
// the shared backing slice of a Float64 column (read-only; missing rows are
// NaN), or a converted copy of an Int64 or Bool column (missing rows NaN,
// true as 1). String and Time columns are an error wrapping ErrColumnType.
func (c *Column) Float64s() ([]float64, error) {
	return c.float64s(nil, "Float64s")
}

// Int64s returns the shared backing slice of an Int64 column (read-only;
// missing rows hold 0).
func (c *Column) Int64s() ([]int64, error) {
	if c.typ != Int64 {
		return nil, columnType("Int64s", c.name, c.typ, Int64)
	}
	return c.int64s(), nil
}

// Strings returns the shared backing slice of a String column (read-only;
// missing rows hold "").
func (c *Column) Strings() ([]string, error) {
	if c.typ != String {
		return nil, columnType("Strings", c.name, c.typ, String)
	}
	return c.strings(), nil
}

// Bools returns the shared backing slice of a Bool column (read-only;
// missing rows hold false).
func (c *Column) Bools() ([]bool, error) {
	if c.typ != Bool {
		return nil, columnType("Bools", c.name, c.typ, Bool)
	}
	return c.bools(), nil
}

// Times returns a Time column's values as a new []time.Time in UTC;
// missing rows hold the zero time.Time.
func (c *Column) Times() ([]time.Time, error) {
	if c.typ != Time {
		return nil, columnType("Times", c.name, c.typ, Time)
	}
	out := make([]time.Time, c.n)
	for i, ns := range c.nanos() {
		if c.valid.IsValid(i) {
			out[i] = time.Unix(0, ns).UTC()
		}
	}
	return out, nil
}

// float64s converts the rows (nil: all, in order) to float64.
func (c *Column) float64s(rows []int, op string) ([]float64, error) {
	if out, ok := c.vec.float64s(rows, c.valid); ok {
		return out, nil
	}
	return nil, columnType(op, c.name, c.typ, Float64, Int64, Bool)
}

// gather returns a new column holding rows of c in the given order.
func (c *Column) gather(rows []int) *Column {
	nc := &Column{name: c.name, typ: c.typ, vec: c.vec.gather(rows), n: len(rows)}
	if c.valid != nil {
		valid := NewBitmap(len(rows))
		for j, r := range rows {
			if !c.valid.IsValid(r) {
				valid.SetMissing(j)
			}
		}
		nc.valid = valid
		nc.nulls = len(rows) - valid.countValid(len(rows))
		if nc.nulls == 0 {
			nc.valid = nil
		}
	}
	return nc
}

// clone returns a column with freshly copied data.
func (c *Column) clone() *Column {
	nc := *c
	nc.vec = c.vec.clone()
	if c.valid != nil {
		nc.valid = append(Bitmap(nil), c.valid...)
	}
	return &nc
}

// Typed views of the storage, for code that works on one type: nil when
// the column is of another type. Call them once per column, outside loops.

// floats returns a Float64 column's values.
func (c *Column) floats() []float64 { v, _ := c.vec.(float64Vec); return v }

// int64s returns an Int64 column's values.
func (c *Column) int64s() []int64 { v, _ := c.vec.(int64Vec); return v }

// nanos returns a Time column's Unix nanoseconds.
func (c *Column) nanos() []int64 { v, _ := c.vec.(timeVec); return v }

// strings returns a String column's values.
func (c *Column) strings() []string { v, _ := c.vec.(stringVec); return v }

// int64Data returns the []int64 backing an Int64 or Time column.
func (c *Column) int64Data() []int64 { d, _ := c.vec.data().([]int64); return d }

// bools returns a Bool column's values.
func (c *Column) bools() []bool { v, _ := c.vec.(boolVec); return v }

// timeToNanos converts t to Unix nanoseconds, reporting whether it fits.
func timeToNanos(t time.Time) (int64, bool) {
	const minSec, maxSec = math.MinInt64/1_000_000_000 + 1, math.MaxInt64/1_000_000_000 - 1
	s := t.Unix()
	if s < minSec || s > maxSec {
		return 0, false
	}
	return t.UnixNano(), true
}
