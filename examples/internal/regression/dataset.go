package regression

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Dataset is a response and its predictors in plain slices. In this form a data set travels to
// lazygraph's worker processes as raw memory, once per worker (a *mat.Dense travels as raw
// memory too), and Rows turns any subset of rows, such as a fold, into a matrix.
type Dataset struct {
	Names []string  // predictor names, one per column
	X     []float64 // predictors, row-major: row i is X[i*len(Names) : (i+1)*len(Names)]
	Y     []float64 // responses, one per row
}

// NumRows returns the number of observations.
func (d Dataset) NumRows() int { return len(d.Y) }

// NumCols returns the number of predictors.
func (d Dataset) NumCols() int { return len(d.Names) }

// Check reports whether X holds one row of len(Names) values per response.
func (d Dataset) Check() error {
	if len(d.Names) == 0 {
		return fmt.Errorf("dataset has no predictors: %w", ErrShape)
	}
	if len(d.X) != len(d.Y)*len(d.Names) {
		return fmt.Errorf("dataset has %d predictor values, want %d rows × %d predictors: %w",
			len(d.X), len(d.Y), len(d.Names), ErrShape)
	}
	return nil
}

// Rows returns copies of the given rows: their predictors as a matrix and their responses.
// There must be at least one row, and row numbers must be in range.
func (d Dataset) Rows(rows []int) (*mat.Dense, []float64) {
	p := d.NumCols()
	x := mat.NewDense(len(rows), p, nil)
	y := make([]float64, len(rows))
	for i, r := range rows {
		copy(x.RawRowView(i), d.X[r*p:(r+1)*p])
		y[i] = d.Y[r]
	}
	return x, y
}
