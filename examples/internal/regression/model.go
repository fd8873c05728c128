package regression

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Method is a prediction method with its settings, ready to fit.
type Method interface {
	// Fit learns a model from training predictors x (one row per observation) and responses y.
	Fit(x *mat.Dense, y []float64) (Model, error)
}

// Model is a fitted method.
type Model interface {
	// Predict returns a prediction for each row of x, which must have as many columns as the
	// training predictors.
	Predict(x *mat.Dense) []float64
}

// MSE returns the mean squared error of predictions pred of responses y (NaN when y is empty).
func MSE(y, pred []float64) float64 {
	sum := 0.0
	for i := range y {
		d := y[i] - pred[i]
		sum += d * d
	}
	return sum / float64(len(y))
}

// checkShape checks that x and y describe the same, non-zero number of observations, all of
// them finite.
func checkShape(method string, x *mat.Dense, y []float64) error {
	if x.IsEmpty() || len(y) == 0 {
		return fmt.Errorf("%s: no training rows: %w", method, ErrShape)
	}
	if n, _ := x.Dims(); n != len(y) {
		return fmt.Errorf("%s: %d rows of predictors but %d responses: %w", method, n, len(y), ErrShape)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: response %d is %v: %w", method, i, v, ErrNonFinite)
		}
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s: predictor %d of row %d is %v: %w", method, j, i, v, ErrNonFinite)
			}
		}
	}
	return nil
}
