package dataframe

import "fmt"

// concatChunks joins the chunks' columns, all of the unified kinds, into a
// frame, one goroutine per column up to workers. 8-byte columns whose
// chunks parsed into their shared regions are assembled in place.
func concatChunks(names []string, kinds []cellKind, results []*chunkResult, parsers []*chunkParser, workers int) (*Frame, error) {
	regions := make([]chunkRegion, len(parsers))
	for c, p := range parsers {
		regions[c] = p.region8
	}
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
		for c, r := range results {
			if col := &r.cols[j]; col.kind == cellUnknown {
				col.fill(kinds[j].orFloat(), parsers[c])
			}
		}
		var words *columnWords
		if len(parsers) > 0 {
			words = parsers[0].words[j]
		}
		data, inPlace := assembleWords(words, regions, results, j, kinds[j].orFloat())
		switch {
		case inPlace:
		case kinds[j] == cellInt || kinds[j] == cellTime:
			out := make([]int64, 0, total)
			for _, r := range results {
				out = append(out, r.cols[j].i64[:r.rows]...)
			}
			data = out
		case kinds[j] == cellFloat || kinds[j] == cellUnknown:
			out := make([]float64, 0, total)
			for _, r := range results {
				out = append(out, r.cols[j].f64[:r.rows]...)
			}
			data = out
		case kinds[j] == cellBool:
			out := make([]bool, 0, total)
			for _, r := range results {
				out = append(out, r.cols[j].b[:r.rows]...)
			}
			data = out
		case kinds[j] == cellString:
			var strs *columnStrings
			if len(parsers) > 0 {
				strs = parsers[0].strs[j]
			}
			if s, ok := assembleStrings(strs, regions, results, j); ok {
				data = s
				break
			}
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
