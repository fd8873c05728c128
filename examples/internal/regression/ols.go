package regression

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// OLS is ordinary least squares with an intercept: statsmodels' OLS on a design with a constant
// column, scikit-learn's LinearRegression. It is solved through a QR decomposition.
type OLS struct{}

// Fit fits the model. It needs more rows than predictors; a singular design (a constant or
// collinear predictor) is an error wrapping ErrSingular.
func (OLS) Fit(x *mat.Dense, y []float64) (Model, error) {
	return FitOLS(x, y)
}

// FitOLS is OLS{}.Fit returning the concrete *Linear, for its coefficients. A singular design
// is an error wrapping a *CollinearError, whose Column counts the intercept as column 0.
func FitOLS(x *mat.Dense, y []float64) (*Linear, error) {
	if err := checkShape("OLS", x, y); err != nil {
		return nil, err
	}
	n, p := x.Dims()
	if n < p+1 {
		return nil, fmt.Errorf("OLS: %d predictors and an intercept need at least %d rows, got %d: %w", p, p+1, n, ErrTooFewRows)
	}
	coef, err := leastSquares(withIntercept(x), y)
	var collinear *CollinearError
	if errors.As(err, &collinear) {
		return nil, fmt.Errorf("OLS: predictor %d (from 0) is constant or a linear combination of the intercept and the predictors before it: %w",
			collinear.Column-1, err)
	}
	if err != nil {
		return nil, fmt.Errorf("OLS: %w", err)
	}
	return &Linear{Intercept: coef[0], Coef: coef[1:]}, nil
}

// withIntercept returns [1 | x]: x with a column of ones in front.
func withIntercept(x *mat.Dense) *mat.Dense {
	n, p := x.Dims()
	design := mat.NewDense(n, p+1, nil)
	for i := range n {
		row := design.RawRowView(i)
		row[0] = 1
		copy(row[1:], x.RawRowView(i))
	}
	return design
}
