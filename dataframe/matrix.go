package dataframe

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Intercept, given to Matrix in place of a column name, stands for a
// column of ones (the constant term of a regression). It always means the
// constant column, even in a frame with a column of that name.
const Intercept = "(intercept)"

// Matrix returns a new NumRows×len(columns) gonum design matrix with the
// named columns in order. Float64, Int64 and Bool columns are accepted
// (true is 1); the name Intercept adds a column of ones. A missing value
// is an error wrapping ErrMissingValue naming the column and row (use
// DropMissing first), a String or Time column one wrapping ErrColumnType.
func (f *Frame) Matrix(columns ...string) (*mat.Dense, error) {
	n := f.NumRows()
	if len(columns) == 0 {
		return nil, fmt.Errorf("dataframe: Matrix: no columns: %w", ErrArgument)
	}
	if n == 0 {
		return nil, fmt.Errorf("dataframe: Matrix: frame has no rows: %w", ErrArgument)
	}
	p := len(columns)
	data := make([]float64, n*p)
	for j, name := range columns {
		if name == Intercept {
			for i := 0; i < n; i++ {
				data[i*p+j] = 1
			}
			continue
		}
		c, err := f.typed(name, "Matrix", Float64, Int64, Bool)
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			r := f.baseRow(i)
			if !c.valid.IsValid(r) {
				return nil, fmt.Errorf("dataframe: Matrix: column %q row %d: %w", name, i, ErrMissingValue)
			}
			var v float64
			switch c.typ {
			case Float64:
				v = c.f64[r]
			case Int64:
				v = float64(c.i64[r])
			case Bool:
				if c.b[r] {
					v = 1
				}
			}
			data[i*p+j] = v
		}
	}
	return mat.NewDense(n, p, data), nil
}

// Vector returns the named numeric column as a new gonum vector, with the
// same rules as Matrix.
func (f *Frame) Vector(column string) (*mat.VecDense, error) {
	if column == Intercept {
		return nil, fmt.Errorf("dataframe: Vector: %q is not a column: %w", column, ErrArgument)
	}
	m, err := f.Matrix(column)
	if err != nil {
		return nil, err
	}
	return mat.NewVecDense(f.NumRows(), m.RawMatrix().Data), nil
}
