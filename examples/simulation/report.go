package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// writeResults writes one CSV line per replicate, numbered from 1.
func writeResults(w io.Writer, results []result) error {
	out := csv.NewWriter(w)
	out.Write([]string{"replicate", "ols_mse", "ridge_mse"})
	for _, r := range results {
		out.Write([]string{
			strconv.Itoa(r.Replicate + 1),
			strconv.FormatFloat(r.OLS, 'g', 10, 64),
			strconv.FormatFloat(r.Ridge, 'g', 10, 64),
		})
	}
	out.Flush()
	return out.Error()
}

// writeSummary writes each method's mean test error with its Monte Carlo standard error, and
// how often ridge did better.
func writeSummary(w io.Writer, results []result) {
	var ols, ridge, diff []float64
	wins := 0
	for _, r := range results {
		ols = append(ols, r.OLS)
		ridge = append(ridge, r.Ridge)
		diff = append(diff, r.OLS-r.Ridge)
		if r.Ridge < r.OLS {
			wins++
		}
	}
	for _, m := range []struct {
		name string
		mses []float64
	}{{"OLS", ols}, {"ridge", ridge}, {"OLS − ridge", diff}} {
		mean, se := meanSE(m.mses)
		fmt.Fprintf(w, "simulation: %-12s mean test MSE %8.4f ± %.4f\n", m.name, mean, se)
	}
	fmt.Fprintf(w, "simulation: ridge did better in %d of %d replicates (%.1f%%)\n",
		wins, len(results), 100*float64(wins)/float64(len(results)))
}

// meanSE returns the mean of xs and its standard error (NaN for one value).
func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	n := float64(len(xs))
	mean /= n
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}
