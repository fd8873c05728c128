package regression

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// randomData returns n rows of p standard normal predictors and y = 1 + Σ (j+1)·x[j] + noise.
func randomData(seed uint64, n, p int, noise float64) (*mat.Dense, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	for i := range n {
		y[i] = 1 + noise*rng.NormFloat64()
		for j := range p {
			v := rng.NormFloat64()
			x.Set(i, j, v)
			y[i] += float64(j+1) * v
		}
	}
	return x, y
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestOLSRecoversExactCoefficients(t *testing.T) {
	x, y := randomData(1, 20, 3, 0)
	m, err := FitOLS(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if !near(m.Intercept, 1, 1e-12) || !floats.EqualApprox(m.Coef, []float64{1, 2, 3}, 1e-12) {
		t.Errorf("got intercept %v, coefficients %v; want 1, [1 2 3]", m.Intercept, m.Coef)
	}
}

func TestOLSMatchesSimpleRegressionFormula(t *testing.T) {
	x, y := randomData(2, 50, 1, 1)
	m, err := FitOLS(x, y)
	if err != nil {
		t.Fatal(err)
	}
	xs := mat.Col(nil, 0, x)
	mx, my := floats.Sum(xs)/50, floats.Sum(y)/50
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (y[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	slope := sxy / sxx
	if !near(m.Coef[0], slope, 1e-12) || !near(m.Intercept, my-slope*mx, 1e-12) {
		t.Errorf("got %v + %v·x, want %v + %v·x", m.Intercept, m.Coef[0], my-slope*mx, slope)
	}
}

func TestOLSErrors(t *testing.T) {
	x, y := randomData(3, 10, 2, 1)
	collinear := mat.NewDense(10, 2, nil)
	for i := range 10 {
		collinear.Set(i, 0, x.At(i, 0))
		collinear.Set(i, 1, 1) // the same as the intercept
	}
	for _, c := range []struct {
		name string
		x    *mat.Dense
		y    []float64
		want error
	}{
		{"collinear", collinear, y, ErrSingular},
		{"too few rows", x.Slice(0, 2, 0, 2).(*mat.Dense), y[:2], ErrTooFewRows},
		{"rows differ", x, y[:5], ErrShape},
		{"no rows", &mat.Dense{}, nil, ErrShape},
	} {
		if _, err := (OLS{}).Fit(c.x, c.y); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want an error wrapping %v", c.name, err, c.want)
		}
	}
}

func TestRidgeMatchesClosedForm(t *testing.T) {
	x, y := randomData(4, 40, 5, 2)
	const lambda = 3.5
	m, err := Ridge{Lambda: lambda}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	got := m.(*Linear)

	// b = (XcᵀXc + λI)⁻¹ Xcᵀ yc with centred Xc and yc; intercept ȳ − x̄·b.
	xc := mat.DenseCopyOf(x)
	means := columnMeans(x)
	for i := range 40 {
		floats.Sub(xc.RawRowView(i), means)
	}
	ym := floats.Sum(y) / 40
	yc := make([]float64, 40)
	for i := range yc {
		yc[i] = y[i] - ym
	}
	var a mat.Dense
	a.Mul(xc.T(), xc)
	for j := range 5 {
		a.Set(j, j, a.At(j, j)+lambda)
	}
	var rhs, b mat.VecDense
	rhs.MulVec(xc.T(), mat.NewVecDense(40, yc))
	if err := b.SolveVec(&a, &rhs); err != nil {
		t.Fatal(err)
	}
	if !floats.EqualApprox(got.Coef, b.RawVector().Data, 1e-10) {
		t.Errorf("coefficients %v, want %v", got.Coef, b.RawVector().Data)
	}
	if want := ym - floats.Dot(means, b.RawVector().Data); !near(got.Intercept, want, 1e-10) {
		t.Errorf("intercept %v, want %v", got.Intercept, want)
	}
}

func TestRidgeShrinksAndLambdaZeroIsOLS(t *testing.T) {
	x, y := randomData(5, 30, 4, 1)
	ols, err := FitOLS(x, y)
	if err != nil {
		t.Fatal(err)
	}
	zero, err := Ridge{}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if !floats.EqualApprox(zero.(*Linear).Coef, ols.Coef, 1e-10) {
		t.Errorf("ridge with lambda 0: %v, OLS: %v", zero.(*Linear).Coef, ols.Coef)
	}
	big, err := Ridge{Lambda: 100}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if floats.Norm(big.(*Linear).Coef, 2) >= floats.Norm(ols.Coef, 2) {
		t.Errorf("ridge did not shrink: %v against OLS %v", big.(*Linear).Coef, ols.Coef)
	}
	for _, lambda := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := (Ridge{Lambda: lambda}).Fit(x, y); !errors.Is(err, ErrSettings) {
			t.Errorf("lambda %v: got %v, want ErrSettings", lambda, err)
		}
	}
}

func TestKNN(t *testing.T) {
	x, y := randomData(6, 25, 3, 1)
	one, err := KNN{K: 1}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if got := one.Predict(x); !floats.Equal(got, y) {
		t.Errorf("1-nearest neighbour of the training rows: %v, want the responses %v", got, y)
	}
	all, err := KNN{K: 25}.Fit(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if got := all.Predict(x.Slice(0, 1, 0, 3).(*mat.Dense)); !near(got[0], floats.Sum(y)/25, 1e-12) {
		t.Errorf("25 nearest of 25: %v, want the mean %v", got[0], floats.Sum(y)/25)
	}
	// Two neighbours of 0 among 0, 1, 3, 10 on one axis: 0 and 1.
	line := mat.NewDense(4, 1, []float64{10, 3, 1, 0})
	two, err := KNN{K: 2}.Fit(line, []float64{100, 30, 10, 0})
	if err != nil {
		t.Fatal(err)
	}
	if got := two.Predict(mat.NewDense(1, 1, []float64{0.2})); got[0] != 5 {
		t.Errorf("got %v, want 5", got[0])
	}
	for _, k := range []int{0, 26} {
		if _, err := (KNN{K: k}).Fit(x, y); !errors.Is(err, ErrSettings) {
			t.Errorf("k=%d: got %v, want ErrSettings", k, err)
		}
	}
}

func TestTreeInterpolatesTrainingData(t *testing.T) {
	x, y := randomData(7, 60, 4, 1)
	g := newGrower(x.RawMatrix().Data, 4, y, 4, 1, rand.New(rand.NewPCG(1, 2)))
	rows := make([]int, 60)
	for i := range rows {
		rows[i] = i
	}
	tr := g.grow(rows)
	for i := range 60 {
		if got := tr.predict(x.RawRowView(i)); got != y[i] {
			t.Fatalf("row %d: a fully grown tree predicts %v, want its response %v", i, got, y[i])
		}
	}
}

func TestForestIsDeterministicAndLearns(t *testing.T) {
	// A step in the first predictor, which a forest fits and a linear model cannot.
	rng := rand.New(rand.NewPCG(8, 8))
	x := mat.NewDense(300, 3, nil)
	y := make([]float64, 300)
	for i := range 300 {
		for j := range 3 {
			x.Set(i, j, rng.Float64())
		}
		if x.At(i, 0) > 0.5 {
			y[i] = 10
		}
		y[i] += 0.1 * rng.NormFloat64()
	}
	fit := func(seed uint64) []float64 {
		m, err := Forest{Trees: 20, Rand: rand.New(rand.NewPCG(seed, 0))}.Fit(x, y)
		if err != nil {
			t.Fatal(err)
		}
		return m.Predict(x)
	}
	a, b, c := fit(1), fit(1), fit(2)
	if !floats.Equal(a, b) {
		t.Error("the same seed grew different forests")
	}
	if floats.Equal(a, c) {
		t.Error("different seeds grew the same forest")
	}
	if mse := MSE(y, a); mse > 0.5 {
		t.Errorf("training MSE %v on a step function, want below 0.5", mse)
	}
}

func TestForestSettings(t *testing.T) {
	x, y := randomData(9, 20, 3, 1)
	rng := rand.New(rand.NewPCG(1, 1))
	for _, f := range []Forest{
		{},
		{Rand: rng, Trees: -1},
		{Rand: rng, Features: 4},
		{Rand: rng, MinLeaf: -2},
	} {
		if _, err := f.Fit(x, y); !errors.Is(err, ErrSettings) {
			t.Errorf("%+v: got %v, want ErrSettings", f, err)
		}
	}
}

func TestDatasetRows(t *testing.T) {
	d := Dataset{Names: []string{"a", "b"}, X: []float64{1, 2, 3, 4, 5, 6}, Y: []float64{10, 20, 30}}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	x, y := d.Rows([]int{2, 0})
	if !floats.Equal(x.RawMatrix().Data, []float64{5, 6, 1, 2}) || !floats.Equal(y, []float64{30, 10}) {
		t.Errorf("got %v and %v", x.RawMatrix().Data, y)
	}
	d.Y = d.Y[:2]
	if err := d.Check(); !errors.Is(err, ErrShape) {
		t.Errorf("got %v, want ErrShape", err)
	}
}

func TestMSE(t *testing.T) {
	if got := MSE([]float64{1, 2, 3}, []float64{1, 4, 0}); got != 13.0/3 {
		t.Errorf("got %v, want 13/3", got)
	}
}

// TestOLSFindsCollinearColumns: a predictor that is constant (1.5, which rounding does not make
// exactly zero after the intercept is taken out), a copy of another or a sum of others is
// singular, named by its column; predictors in very different units are not.
func TestOLSFindsCollinearColumns(t *testing.T) {
	x, y := randomData(5, 30, 3, 1)
	for _, c := range []struct {
		name   string
		column int // the predictor made dependent
		value  func(row []float64) float64
	}{
		{"constant", 1, func([]float64) float64 { return 1.5 }},
		{"copy", 2, func(row []float64) float64 { return row[0] }},
		{"sum", 2, func(row []float64) float64 { return 0.1*row[0] - 3*row[1] + 7 }},
	} {
		bad := mat.DenseCopyOf(x)
		for i := range 30 {
			row := bad.RawRowView(i)
			row[c.column] = c.value(row)
		}
		_, err := FitOLS(bad, y)
		var collinear *CollinearError
		if !errors.As(err, &collinear) || !errors.Is(err, ErrSingular) || collinear.Column != c.column+1 {
			t.Errorf("%s: got %v, want a *CollinearError for design column %d", c.name, err, c.column+1)
		}
	}

	scaled := mat.DenseCopyOf(x)
	for i := range 30 {
		row := scaled.RawRowView(i)
		row[0] *= 1e-9              // tiny units
		row[1] = 1.7e9 + 1e6*row[1] // a timestamp in seconds: far from zero, varying little
		row[2] *= 1e12              // huge units
	}
	if _, err := FitOLS(scaled, y); err != nil {
		t.Errorf("predictors in very different units: %v", err)
	}
}
