package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
)

// writeScores writes the results as CSV, one line per (fold, method), folds numbered from 1.
func writeScores(w io.Writer, scores []score) error {
	out := csv.NewWriter(w)
	out.Write([]string{"fold", "method", "n_test", "mse"})
	for _, s := range scores {
		out.Write([]string{
			strconv.Itoa(s.Fold + 1),
			s.Method,
			strconv.Itoa(s.NTest),
			strconv.FormatFloat(s.MSE, 'g', 10, 64),
		})
	}
	out.Flush()
	return out.Error()
}

// writeSummary writes, per method, the mean and standard deviation of the folds' mean squared
// errors (the mean as scikit-learn's cross_val_score reports it: unweighted) and the time its
// tasks took in all.
func writeSummary(w io.Writer, scores []score, methods []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tfolds\tmean_mse\tsd_mse\ttask_seconds\t")
	for _, m := range methods {
		var mses []float64
		seconds := 0.0
		for _, s := range scores {
			if s.Method == m {
				mses = append(mses, s.MSE)
				seconds += s.Seconds
			}
		}
		mean, sd := meanSD(mses)
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%.3f\t\n", m, len(mses), mean, sd, seconds)
	}
	tw.Flush()
}

// meanSD returns the mean and the sample standard deviation of xs.
func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}
