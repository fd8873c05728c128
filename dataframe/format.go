package dataframe

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Display limits for String, as pandas' display.max_rows and min_rows.
const (
	displayMaxRows  = 60
	displayHeadTail = 5
	displayMaxWidth = 40 // characters shown of one string value
)

// String renders the frame as an aligned text table in the style of
// pandas: a left column of row labels (the backing row numbers, so a view
// shows where its rows came from), one right-aligned column per column,
// NaN for a missing float and <NA> for other missing values. Frames longer
// than 60 rows show their first and last five rows and a size footer.
func (f *Frame) String() string {
	n := f.NumRows()
	shown := make([]int, 0, min(n, displayMaxRows))
	truncated := n > displayMaxRows
	if truncated {
		for i := 0; i < displayHeadTail; i++ {
			shown = append(shown, i)
		}
		for i := n - displayHeadTail; i < n; i++ {
			shown = append(shown, i)
		}
	} else {
		for i := 0; i < n; i++ {
			shown = append(shown, i)
		}
	}
	if len(f.columns) == 0 || n == 0 {
		return "Empty Frame\nColumns: [" + strings.Join(f.Names(), ", ") + "]\n[" +
			strconv.Itoa(n) + " rows x " + strconv.Itoa(len(f.columns)) + " columns]"
	}

	// cells[c][j] is column c's text for shown row j; column 0 is the label.
	cells := make([][]string, len(f.columns)+1)
	labels := make([]string, len(shown)+1)
	for j, i := range shown {
		labels[j+1] = strconv.Itoa(f.baseRow(i))
	}
	cells[0] = labels
	for c, col := range f.columns {
		rows := make([]int, len(shown))
		for j, i := range shown {
			rows[j] = f.baseRow(i)
		}
		cells[c+1] = append([]string{col.name}, formatCells(col, rows)...)
	}

	widths := make([]int, len(cells))
	for c, col := range cells {
		for _, s := range col {
			widths[c] = max(widths[c], utf8.RuneCountInString(s))
		}
	}
	var b strings.Builder
	writeLine := func(j int) {
		for c := range cells {
			if c > 0 {
				b.WriteString("  ")
			}
			s := cells[c][j]
			if c == 0 {
				b.WriteString(s)
				b.WriteString(strings.Repeat(" ", widths[c]-utf8.RuneCountInString(s)))
				continue
			}
			b.WriteString(strings.Repeat(" ", widths[c]-utf8.RuneCountInString(s)))
			b.WriteString(s)
		}
		b.WriteByte('\n')
	}
	for j := range labels {
		writeLine(j)
		if truncated && j == displayHeadTail {
			for c := range cells {
				if c > 0 {
					b.WriteString("  ")
				}
				dots := "..."
				if c == 0 {
					b.WriteString(dots + strings.Repeat(" ", max(0, widths[c]-3)))
					continue
				}
				b.WriteString(strings.Repeat(" ", max(0, widths[c]-3)) + dots)
			}
			b.WriteByte('\n')
		}
	}
	if truncated {
		b.WriteString("\n[" + strconv.Itoa(n) + " rows x " + strconv.Itoa(len(f.columns)) + " columns]\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// formatCells renders the given backing rows of c.
func formatCells(c *Column, rows []int) []string {
	return c.vec.format(rows, c.valid)
}

// markMissing writes <NA> for the missing rows, as pandas shows them.
func markMissing(out []string, rows []int, valid Bitmap) []string {
	for j, r := range rows {
		if !valid.IsValid(r) {
			out[j] = "<NA>"
		}
	}
	return out
}

// formatFloats renders a column of floats with a common number of
// decimals (at most 6), switching to exponent notation for very large or
// very small magnitudes, as pandas does.
func formatFloats(values []float64) []string {
	out := make([]string, len(values))
	decimals := 0
	exponent := false
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		a := math.Abs(v)
		if a >= 1e16 || (a != 0 && a < 1e-4) {
			exponent = true
			break
		}
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if dot := strings.IndexByte(s, '.'); dot >= 0 {
			decimals = max(decimals, len(s)-dot-1)
		}
	}
	decimals = min(max(decimals, 1), 6)
	for j, v := range values {
		switch {
		case math.IsNaN(v):
			out[j] = "NaN"
		case math.IsInf(v, 1):
			out[j] = "inf"
		case math.IsInf(v, -1):
			out[j] = "-inf"
		case exponent:
			out[j] = strconv.FormatFloat(v, 'e', 6, 64)
		default:
			out[j] = strconv.FormatFloat(v, 'f', decimals, 64)
		}
	}
	return out
}
