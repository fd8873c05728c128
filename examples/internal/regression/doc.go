// Package regression holds the prediction methods the lazygraph examples compare: ordinary
// least squares, ridge regression, k-nearest neighbours and a random forest of regression
// trees. They are written to be read rather than to be the fastest; each fits in one file.
//
// Every method has the same shape: a [Method] is the method with its settings (Ridge{Lambda: 10},
// say), its Fit learns a [Model] from training rows, and the Model predicts new rows:
//
//	model, err := regression.Ridge{Lambda: 10}.Fit(xTrain, yTrain)
//	if err != nil { ... }
//	mse := regression.MSE(yTest, model.Predict(xTest))
//
// Predictors are gonum matrices, one row per observation. [Dataset] holds a whole data set in
// plain slices, the form in which it travels to lazygraph's worker processes.
//
// Bad settings and data that cannot be fitted (too few rows, a singular design) are errors,
// never panics. Predict expects as many columns as Fit saw; that is the caller's to get right.
package regression

import "errors"

// Errors that Fit wraps, for errors.Is.
var (
	// ErrSettings: a method's setting is out of range (a negative ridge penalty, say).
	ErrSettings = errors.New("invalid setting")
	// ErrShape: the response and predictors disagree on the number of rows, or there are none.
	ErrShape = errors.New("predictors and response do not match")
	// ErrTooFewRows: fewer training rows than the method needs.
	ErrTooFewRows = errors.New("too few rows")
	// ErrSingular: the design matrix is singular (collinear or constant predictors), so least
	// squares has no unique solution.
	ErrSingular = errors.New("singular design matrix")
	// ErrNonFinite: a predictor or response is NaN or ±Inf, which would make every fitted
	// value NaN; leave such rows out (as missing) before fitting.
	ErrNonFinite = errors.New("non-finite value")
)
