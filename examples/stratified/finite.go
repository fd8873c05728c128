package main

import (
	"math"

	"github.com/lazygraph/lazygraph/dataframe"
)

// dropNonFinite returns a view of frame without the rows holding ±Inf in any of the named
// columns (which must exist); frame itself when there is none. Integer columns cannot hold one.
func dropNonFinite(frame *dataframe.Frame, names ...string) (*dataframe.Frame, error) {
	var mask []bool
	for _, name := range names {
		if typeOf(frame, name) != dataframe.Float64 {
			continue
		}
		values, err := frame.Float64s(name)
		if err != nil {
			return nil, err
		}
		for i, v := range values {
			if math.IsInf(v, 0) {
				if mask == nil {
					mask = make([]bool, frame.NumRows())
					for j := range mask {
						mask[j] = true
					}
				}
				mask[i] = false
			}
		}
	}
	if mask == nil {
		return frame, nil
	}
	return frame.Filter(mask)
}
