// Package matrix converts data frames to gonum matrices and vectors, for
// fitting models with gonum. It is apart from package dataframe so that
// dataframe's own API holds no gonum types; Frame.RowMajor gives the same
// numbers as a plain slice.
package matrix

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lazygraph/lazygraph/dataframe"
)

// Dense returns a new NumRows×len(columns) gonum matrix with the named
// columns of f in order, under the rules of Frame.RowMajor: Float64, Int64
// and Bool columns (true is 1), dataframe.Intercept for a column of ones,
// and an error wrapping dataframe.ErrMissingValue or ErrColumnType for a
// missing value or a column that is not numeric.
func Dense(f *dataframe.Frame, columns ...string) (*mat.Dense, error) {
	data, err := f.RowMajor(columns...)
	if err != nil {
		return nil, err
	}
	return mat.NewDense(f.NumRows(), len(columns), data), nil
}

// Vector returns the named numeric column of f as a new gonum vector,
// under the same rules as Dense.
func Vector(f *dataframe.Frame, column string) (*mat.VecDense, error) {
	if column == dataframe.Intercept {
		return nil, fmt.Errorf("matrix: Vector: %q is not a column: %w", column, dataframe.ErrArgument)
	}
	data, err := f.RowMajor(column)
	if err != nil {
		return nil, err
	}
	return mat.NewVecDense(f.NumRows(), data), nil
}
