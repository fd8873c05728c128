package dataframe

import "fmt"

// Intercept, given to RowMajor in place of a column name, stands for a
// column of ones (the constant term of a regression). It always means the
// constant column, even in a frame with a column of that name.
const Intercept = "(intercept)"

// RowMajor returns a new NumRows×len(columns) design matrix with the
// named columns in order, as one slice holding row after row (row i is
// [i*len(columns), (i+1)*len(columns))): the layout of gonum's mat.Dense,
// which package dataframe/matrix builds from it. Float64, Int64 and Bool
// columns are accepted (true is 1); the name Intercept adds a column of
// ones. A missing value is an error wrapping ErrMissingValue naming the
// column and row (use DropMissing first), a String or Time column one
// wrapping ErrColumnType.
func (f *Frame) RowMajor(columns ...string) ([]float64, error) {
	n := f.NumRows()
	if len(columns) == 0 {
		return nil, fmt.Errorf("dataframe: RowMajor: no columns: %w", ErrArgument)
	}
	if n == 0 {
		return nil, fmt.Errorf("dataframe: RowMajor: frame has no rows: %w", ErrArgument)
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
		c, err := f.typed(name, "RowMajor", Float64, Int64, Bool)
		if err != nil {
			return nil, err
		}
		value := c.value()
		for i := 0; i < n; i++ {
			r := f.baseRow(i)
			v, ok := value(r)
			if !ok {
				return nil, fmt.Errorf("dataframe: RowMajor: column %q row %d: %w", name, i, ErrMissingValue)
			}
			data[i*p+j] = v
		}
	}
	return data, nil
}
