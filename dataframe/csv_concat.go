package dataframe

import "fmt"

// concatChunks joins the chunks' columns, all of the unified types, into a
// frame, one goroutine per column up to workers, each with its type's
// csvType.join (which assembles columns whose chunks parsed into their
// shared regions in place).
func concatChunks(names []string, kinds []Type, results []*chunkResult, parsers []*chunkParser, workers int) (*Frame, error) {
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
		kind := kinds[j]
		if kind == 0 {
			kind = csvAllMissing
		}
		join := &csvJoin{parts: make([]csvValues, len(results)), rows: make([]int, len(results)),
			total: total, regions: regions}
		for c, r := range results {
			col := &r.cols[j]
			if col.kind == 0 {
				col.become(kind, parsers[c])
			}
			join.parts[c], join.rows[c] = col.vals, r.rows
		}
		if len(parsers) > 0 {
			join.words, join.strs = parsers[0].words[j], parsers[0].strs[j]
		}
		data := csvOf(kind).join(join)
		cols[j], errs[j] = NewColumn(names[j], kind, data, valid)
	})
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("dataframe: reading CSV: %w", err)
		}
	}
	return New(cols...)
}
