package main

import (
	"fmt"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/rng"
)

// Random streams the generator derives from -seed, kept apart by purpose.
const (
	streamCoefficients uint64 = iota // each stratum's true coefficients
	streamRows                       // the rows
)

// Names of the generated group and response columns: what -group and -y default to. -x
// defaults to the other numeric columns: x1, x2 and x3.
const (
	generatedGroup = "stratum"
	generatedY     = "y"
)

// generate draws a synthetic data set of n rows in the given number of strata, the same for the
// same seed. Its columns:
//
//	stratum  string   s000, s001, …: stratum k holds a share √((k+1)/G) − √(k/G) of the rows,
//	                  so the first strata are large and the last ones small (with 500 strata,
//	                  s000 has about 4.5% of the rows and s499 about 0.1%); rows come in random
//	                  order, not sorted by stratum
//	x1       float64  standard normal
//	x2       float64  0.5·x1 + standard normal: correlated with x1
//	x3       int64    a whole number from 0 to 19: integer columns are fine as predictors
//	y        float64  a + b1·x1 + b2·x2 + b3·x3 + standard normal noise, with coefficients
//	                  (a, b1, b2, b3) of its own for each stratum
func generate(n, strata int, seed uint64) (*dataframe.Frame, error) {
	names := stratumNames(strata)
	truth := trueCoefficients(strata, seed)

	r := rng.New(seed, streamRows)
	group := make([]string, n)
	x1 := make([]float64, n)
	x2 := make([]float64, n)
	x3 := make([]int64, n)
	y := make([]float64, n)
	for i := range n {
		u := r.Float64()
		k := min(int(float64(strata)*u*u), strata-1)
		group[i] = names[k]
		x1[i] = r.NormFloat64()
		x2[i] = 0.5*x1[i] + r.NormFloat64()
		x3[i] = int64(r.IntN(20))
		b := truth[k]
		y[i] = b[0] + b[1]*x1[i] + b[2]*x2[i] + b[3]*float64(x3[i]) + r.NormFloat64()
	}
	return dataframe.New(
		dataframe.NewStringColumn(generatedGroup, group),
		dataframe.NewFloat64Column("x1", x1),
		dataframe.NewFloat64Column("x2", x2),
		dataframe.NewInt64Column("x3", x3),
		dataframe.NewFloat64Column(generatedY, y),
	)
}

// stratumNames returns s0, s1, … zero-padded to one width, so that they sort in number order.
func stratumNames(strata int) []string {
	width := len(fmt.Sprint(strata - 1))
	names := make([]string, strata)
	for k := range names {
		names[k] = fmt.Sprintf("s%0*d", width, k)
	}
	return names
}

// trueCoefficients draws each stratum's (a, b1, b2, b3): a around 10, b1 around 2, b2 around −1
// and b3 around 0.3, varying from stratum to stratum.
func trueCoefficients(strata int, seed uint64) [][4]float64 {
	r := rng.New(seed, streamCoefficients)
	truth := make([][4]float64, strata)
	for k := range truth {
		truth[k] = [4]float64{
			10 + 3*r.NormFloat64(),
			2 + 0.5*r.NormFloat64(),
			-1 + 0.5*r.NormFloat64(),
			0.3 + 0.1*r.NormFloat64(),
		}
	}
	return truth
}
