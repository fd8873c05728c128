package regression

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Ridge is ridge regression: the coefficients b minimising ‖y − b0 − x·b‖² + Lambda·‖b‖², with
// the intercept b0 not penalised — scikit-learn's Ridge(alpha=Lambda). Predictors are centred
// but not scaled: standardise them first if their scales differ. Lambda 0 is OLS.
type Ridge struct {
	Lambda float64
}

// Fit fits the model. Lambda must be a finite number of at least 0.
func (r Ridge) Fit(x *mat.Dense, y []float64) (Model, error) {
	if !(r.Lambda >= 0) || math.IsInf(r.Lambda, 1) {
		return nil, fmt.Errorf("ridge: lambda %v, want a finite number of at least 0: %w", r.Lambda, ErrSettings)
	}
	if err := checkShape("ridge", x, y); err != nil {
		return nil, err
	}
	n, p := x.Dims()
	if r.Lambda == 0 && n < p+1 {
		return nil, fmt.Errorf("ridge: lambda 0 with %d predictors needs at least %d rows, got %d: %w", p, p+1, n, ErrTooFewRows)
	}

	// Centring x and y removes the intercept from the problem; it is recovered at the end.
	xMean := columnMeans(x)
	yMean := floats.Sum(y) / float64(n)

	// The penalised problem is ordinary least squares on n+p rows: the centred data, then
	// √Lambda·I against zeros, whose squared residuals add up to Lambda·‖b‖².
	a := mat.NewDense(n+p, p, nil)
	rhs := make([]float64, n+p)
	for i := range n {
		floats.SubTo(a.RawRowView(i), x.RawRowView(i), xMean)
		rhs[i] = y[i] - yMean
	}
	for j := range p {
		a.Set(n+j, j, math.Sqrt(r.Lambda))
	}
	coef, err := leastSquares(a, rhs)
	if err != nil {
		return nil, fmt.Errorf("ridge: %w", err)
	}
	return &Linear{Intercept: yMean - floats.Dot(xMean, coef), Coef: coef}, nil
}

// columnMeans returns the mean of each column of x.
func columnMeans(x *mat.Dense) []float64 {
	n, p := x.Dims()
	means := make([]float64, p)
	for i := range n {
		floats.Add(means, x.RawRowView(i))
	}
	floats.Scale(1/float64(n), means)
	return means
}
