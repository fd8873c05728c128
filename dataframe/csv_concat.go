package dataframe

import "fmt"

// concatChunks joins the chunks' columns, all of the unified kinds, into a
// frame, one goroutine per column up to workers.
func concatChunks(names []string, kinds []cellKind, results []*chunkResult, workers int) (*Frame, error) {
	offsets := make([]int, len(results)+1)
	for c, r := range results {
		offsets[c+1] = offsets[c] + r.rows
	}
	total := offsets[len(results)]
	cols := make([]*Column, len(names))
	errs := make([]error, len(names))
	runChunks(len(names), workers, func(j int) {
		var valid Bitmap
		for c, r := range results {
			for _, m := range r.cols[j].missing {
				if valid == nil {
					valid = NewBitmap(total)
				}
				valid.SetMissing(offsets[c] + int(m))
			}
		}
		var data any
		switch kinds[j] {
		case cellInt, cellTime:
			out := make([]int64, 0, total)
			for _, r := range results {
				out = append(out, r.cols[j].i64[:r.rows]...)
			}
			data = out
		case cellFloat, cellUnknown:
			out := make([]float64, 0, total)
			for _, r := range results {
				col := &r.cols[j]
				if col.kind == cellUnknown {
					col.fill(cellFloat)
				}
				out = append(out, col.f64[:r.rows]...)
			}
			data = out
		case cellBool:
			out := make([]bool, 0, total)
			for _, r := range results {
				out = append(out, r.cols[j].b[:r.rows]...)
			}
			data = out
		case cellString:
			out := make([]string, 0, total)
			for _, r := range results {
				out = append(out, r.cols[j].str[:r.rows]...)
			}
			data = out
		}
		cols[j], errs[j] = NewColumn(names[j], kinds[j].columnType(), data, valid)
	})
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("dataframe: reading CSV: %w", err)
		}
	}
	return New(cols...)
}
