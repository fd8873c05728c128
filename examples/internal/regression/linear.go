package regression

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Linear is a fitted linear model: Intercept + Σ Coef[j]·x[j]. OLS and Ridge fit it.
type Linear struct {
	Intercept float64
	Coef      []float64 // one per predictor column
}

// Predict returns Intercept + x·Coef for each row of x.
func (m *Linear) Predict(x *mat.Dense) []float64 {
	n, _ := x.Dims()
	pred := make([]float64, n)
	for i := range pred {
		pred[i] = m.Intercept + floats.Dot(x.RawRowView(i), m.Coef)
	}
	return pred
}

// leastSquares returns the b minimising ‖a·b − y‖², from a QR decomposition of a (which needs
// at least as many rows as columns). Solving through QR rather than the normal equations aᵀa·b =
// aᵀy avoids squaring a's condition number.
func leastSquares(a *mat.Dense, y []float64) ([]float64, error) {
	var qr mat.QR
	qr.Factorize(a)
	_, p := a.Dims()
	b := mat.NewVecDense(p, nil)
	err := qr.SolveVecTo(b, false, mat.NewVecDense(len(y), y))
	var cond mat.Condition
	if errors.As(err, &cond) {
		return nil, fmt.Errorf("condition number %.3g: %w", float64(cond), ErrSingular)
	}
	if err != nil {
		return nil, err
	}
	return b.RawVector().Data, nil
}
