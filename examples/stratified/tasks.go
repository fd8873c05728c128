package main

import (
	"errors"
	"fmt"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/dataframe/matrix"
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/examples/internal/regression"
)

// fitBatch is the task: fit the regression of a few strata, reading their rows from the frame
// every task shares. It is wrapped in a package-level variable so that worker processes, which
// run this same program, find it by name.
var fitBatch = delayed.Func3E(fitStrata)

// model names the response and the predictors. Its fields are exported so that it can travel to
// worker processes.
type model struct {
	Y string   // response column
	X []string // predictor columns, in output order
}

// stratum is one group: its key as text and its rows, as row numbers of the shared frame. A task
// receives the row numbers only — eight bytes a row — never a copy of the group's data.
type stratum struct {
	Group string
	Rows  []int
}

// fit is the result for one stratum: either the coefficients and R², or why it was left out.
type fit struct {
	Group   string
	N       int       // rows in the stratum
	Coef    []float64 // intercept first, then one per predictor; nil when left out
	R2      float64
	Skipped string // why the stratum was left out; "" when it was fitted
}

// fitStrata fits each stratum of a batch in turn. A stratum that cannot be fitted (too few rows,
// a singular design) is reported in its result, not as an error: the other strata still count.
func fitStrata(frame *dataframe.Frame, batch []stratum, m model) ([]fit, error) {
	fits := make([]fit, len(batch))
	for i, s := range batch {
		f, err := fitStratum(frame, s, m)
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", s.Group, err)
		}
		fits[i] = f
	}
	return fits, nil
}

// fitStratum fits ordinary least squares with an intercept, y ~ 1 + x1 + … + xp, on one
// stratum's rows, as statsmodels' OLS on a design with a constant column does.
func fitStratum(frame *dataframe.Frame, s stratum, m model) (fit, error) {
	out := fit{Group: s.Group, N: len(s.Rows)}
	if coefs := len(m.X) + 1; out.N <= coefs {
		out.Skipped = fmt.Sprintf("%d rows for %d coefficients: too few to fit", out.N, coefs)
		return out, nil
	}

	rows, err := frame.Take(s.Rows) // a view: the shared columns and these row numbers
	if err != nil {
		return fit{}, err
	}
	x, err := matrix.Dense(rows, m.X...) // the group's predictors, copied into a matrix for QR
	if err != nil {
		return fit{}, err
	}
	response, err := matrix.Vector(rows, m.Y)
	if err != nil {
		return fit{}, err
	}
	y := response.RawVector().Data

	ols, err := regression.FitOLS(x, y)
	var collinear *regression.CollinearError // column 0 is the intercept
	if errors.As(err, &collinear) {
		out.Skipped = fmt.Sprintf("singular design: %s is constant or a linear combination of the intercept and the predictors before it",
			m.X[collinear.Column-1])
		return out, nil
	}
	if errors.Is(err, regression.ErrSingular) {
		out.Skipped = fmt.Sprintf("singular design: %v", err)
		return out, nil
	}
	if err != nil {
		return fit{}, err
	}
	out.Coef = append([]float64{ols.Intercept}, ols.Coef...)
	out.R2 = rSquared(y, ols.Predict(x))
	return out, nil
}

// rSquared returns 1 − SSR/SST, the share of y's variance around its mean that the fitted
// values explain (statsmodels' rsquared for a model with a constant). It is NaN when y is
// constant.
func rSquared(y, fitted []float64) float64 {
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	var ssr, sst float64
	for i, v := range y {
		ssr += (v - fitted[i]) * (v - fitted[i])
		sst += (v - mean) * (v - mean)
	}
	return 1 - ssr/sst
}
