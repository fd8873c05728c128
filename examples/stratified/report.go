package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// writeFits writes the fitted strata as CSV, in the order given (the strata's), leaving out the
// strata that were not fitted:
//
//	group,n,intercept,x1,x2,x3,r2
func writeFits(w io.Writer, fits []fit, x []string) error {
	out := csv.NewWriter(w)
	header := append([]string{"group", "n", "intercept"}, x...)
	out.Write(append(header, "r2"))
	for _, f := range fits {
		if f.Skipped != "" {
			continue
		}
		record := []string{f.Group, strconv.Itoa(f.N)}
		for _, c := range f.Coef {
			record = append(record, formatFloat(c))
		}
		out.Write(append(record, formatFloat(f.R2)))
	}
	out.Flush()
	return out.Error()
}

// writeSkipped reports on w each stratum that was left out and why, then how many were fitted.
func writeSkipped(w io.Writer, fits []fit) {
	skipped := 0
	for _, f := range fits {
		if f.Skipped != "" {
			fmt.Fprintf(w, "stratified: group %s left out: %s\n", f.Group, f.Skipped)
			skipped++
		}
	}
	fmt.Fprintf(w, "stratified: fitted %d of %d strata", len(fits)-skipped, len(fits))
	if skipped > 0 {
		fmt.Fprintf(w, "; %d left out", skipped)
	}
	fmt.Fprintln(w)
}

// formatFloat writes 10 significant digits.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
