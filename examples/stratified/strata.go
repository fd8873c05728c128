package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/lazygraph/lazygraph/dataframe"
)

// splitStrata groups the frame's rows by the group column, in ascending order of its values
// (numerically for a numeric column). Each stratum holds row numbers of frame, not data.
func splitStrata(frame *dataframe.Frame, group string) ([]stratum, error) {
	groups, err := frame.GroupBy(group)
	if err != nil {
		return nil, fmt.Errorf("grouping by %q: %w", group, err)
	}
	strata := make([]stratum, groups.Len())
	for i := range strata {
		strata[i] = stratum{Group: keyText(groups.Key(i)[0]), Rows: groups.Rows(i)}
	}
	return strata, nil
}

// keyText writes a group's key as it appears in the output.
func keyText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	default:
		return fmt.Sprint(v)
	}
}

// batchStrata cuts the strata, in order, into batches of at least minRows rows each (the last
// one may have fewer): a large stratum is a task of its own, small ones share a task. One task
// per stratum would do, but a few hundred strata of a few hundred rows each fit in microseconds,
// and batching them keeps the scheduling overhead well below the work.
//
// The batches depend on the data alone, never on the number of workers, so every scheduler
// computes the same thing.
func batchStrata(strata []stratum, minRows int) [][]stratum {
	var (
		batches [][]stratum
		current []stratum
		rows    int
	)
	for _, s := range strata {
		current = append(current, s)
		rows += len(s.Rows)
		if rows >= minRows {
			batches = append(batches, current)
			current, rows = nil, 0
		}
	}
	if len(current) > 0 {
		batches = append(batches, current)
	}
	return batches
}
