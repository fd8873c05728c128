package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/lazygraph/lazygraph/dataframe"
)

// allGroups is the first field of the line for all flights together.
const allGroups = "(all)"

// writeSummary writes the summary as CSV: a line per group, in order, then one for all flights.
//
//	carrier,flights,missing_delay,mean_delay,min_delay,max_delay
//	AA,110563,2058,4.094106262,-47,573
//	...
//	(all),600000,10806,2.578048996,-53,573
//
// missing_delay counts the flights without a delay (cancelled or diverted); mean, min and max
// are over the others.
func writeSummary(w io.Writer, s summary, by string) error {
	out := csv.NewWriter(w)
	out.Write([]string{by, "flights", "missing_delay", "mean_delay", "min_delay", "max_delay"})
	g := s.ByGroup
	for i := range g.NumRows() {
		record, err := summaryLine(g, i, cell(g, by, i), cellInt(g, "flights", i))
		if err != nil {
			return err
		}
		out.Write(record)
	}
	record, err := summaryLine(s.Overall, 0, allGroups, s.Flights)
	if err != nil {
		return err
	}
	out.Write(record)
	out.Flush()
	return out.Error()
}

// summaryLine formats row i of a frame of with_delay, mean_delay, min_delay and max_delay.
func summaryLine(f *dataframe.Frame, i int, name string, flights int64) ([]string, error) {
	if i >= f.NumRows() {
		return nil, fmt.Errorf("summary has %d rows, want row %d", f.NumRows(), i)
	}
	withDelay := cellInt(f, "with_delay", i)
	return []string{
		name,
		strconv.FormatInt(flights, 10),
		strconv.FormatInt(flights-withDelay, 10),
		cell(f, "mean_delay", i),
		cell(f, "min_delay", i),
		cell(f, "max_delay", i),
	}, nil
}

// cell formats row i of a column: integers as they are, floats to 10 significant digits, a
// missing value (the mean of no delays, say) as an empty field.
func cell(f *dataframe.Frame, name string, i int) string {
	c, err := f.Column(name)
	if err != nil || c.IsMissing(i) {
		return ""
	}
	switch c.Type() {
	case dataframe.Float64:
		v, _ := c.Float64s()
		return strconv.FormatFloat(v[i], 'g', 10, 64)
	case dataframe.Int64:
		v, _ := c.Int64s()
		return strconv.FormatInt(v[i], 10)
	case dataframe.String:
		v, _ := c.Strings()
		return v[i]
	case dataframe.Bool:
		v, _ := c.Bools()
		return strconv.FormatBool(v[i])
	case dataframe.Time:
		v, _ := c.Times()
		return v[i].Format(time.RFC3339Nano)
	}
	return ""
}

// cellInt returns row i of an integer column (a count), 0 when missing.
func cellInt(f *dataframe.Frame, name string, i int) int64 {
	v, err := f.Int64s(name)
	if err != nil {
		return 0
	}
	return v[i]
}
