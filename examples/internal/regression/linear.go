package regression

import (
	"errors"
	"fmt"
	"math"

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
// aᵀy avoids squaring a's condition number. A column of a that is, to rounding, a linear
// combination of the columns before it is a *CollinearError.
//
// That test, not the condition number, decides: gonum's solver also reports a condition number
// above 1e16, but that number grows with the columns' units (a predictor in nanoseconds next to
// one in kilometres), so a design whose columns are all independent is solved whatever its
// condition number, as statsmodels does.
func leastSquares(a *mat.Dense, y []float64) ([]float64, error) {
	var qr mat.QR
	qr.Factorize(a)
	if j := dependentColumn(&qr, a); j >= 0 {
		return nil, &CollinearError{Column: j}
	}
	_, p := a.Dims()
	b := mat.NewVecDense(p, nil)
	err := qr.SolveVecTo(b, false, mat.NewVecDense(len(y), y))
	var cond mat.Condition
	if errors.As(err, &cond) && math.IsInf(float64(cond), 1) {
		return nil, fmt.Errorf("the R factor has a zero on its diagonal: %w", ErrSingular)
	}
	if err != nil && !errors.As(err, &cond) {
		return nil, err
	}
	return b.RawVector().Data, nil
}

// dependentColumn returns the first column of a that lies, to rounding, in the span of the
// columns before it, or −1 if there is none. Column j's distance from that span is |R[j,j]| of
// a's QR decomposition; it counts as zero when it is at most max(n, p)·ε times the column's own
// length — NumPy's matrix_rank tolerance, taken relative to each column so that the verdict
// does not depend on the columns' units.
func dependentColumn(qr *mat.QR, a *mat.Dense) int {
	n, p := a.Dims()
	var r mat.Dense
	qr.RTo(&r)
	tol := float64(max(n, p)) * epsilon
	for j := range p {
		if math.Abs(r.At(j, j)) <= tol*mat.Norm(a.ColView(j), 2) {
			return j
		}
	}
	return -1
}

// epsilon is the float64 machine epsilon, 2⁻⁵².
const epsilon = 0x1p-52

// CollinearError reports that column Column (from 0) of a design matrix is, to rounding, a
// linear combination of the columns before it — a constant column, a copy of another, a sum of
// others — so that least squares has no unique solution. It wraps ErrSingular.
type CollinearError struct {
	Column int
}

func (e *CollinearError) Error() string {
	return fmt.Sprintf("column %d is a linear combination of the columns before it: %v", e.Column, ErrSingular)
}

func (e *CollinearError) Unwrap() error { return ErrSingular }
