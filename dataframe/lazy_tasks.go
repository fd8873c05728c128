package dataframe

import (
	"fmt"
	"math"

	"github.com/lazygraph/lazygraph/delayed"
)

// The functions every lazy-frame task calls, wrapped here at package
// level so that worker processes (which run the same binary) know them
// by these names. Their arguments are frames and small plain structs,
// which cross the wire as the package documentation describes.
const (
	readCSVTaskName = "dataframe.readCSVPartition"
)

var (
	readCSVTask   = delayed.Func1E(readCSVPartition, delayed.Name(readCSVTaskName))
	selectTask    = delayed.Func2E(selectColumns, delayed.Name("dataframe.select"))
	whereTask     = delayed.Func2E(whereCondition, delayed.Name("dataframe.where"))
	concatTask    = delayed.Func1E(concatFrames, delayed.Name("dataframe.concat"))
	partialTask   = delayed.Func2E(partialAggregate, delayed.Name("dataframe.partialAggregate"))
	mergeTask     = delayed.Func2E(mergePartials, delayed.Name("dataframe.mergePartials"))
	finishTask    = delayed.Func2E(finishAggregate, delayed.Name("dataframe.finishAggregate"))
	floatCellTask = delayed.Func2E(floatCell, delayed.Name("dataframe.floatCell"))
	intCellTask   = delayed.Func2E(intCell, delayed.Name("dataframe.intCell"))
	rowCountTask  = delayed.Func1(rowCount, delayed.Name("dataframe.rowCount"))
	addCountsTask = delayed.Func1(addCounts, delayed.Name("dataframe.addCounts"))
	splitTask     = delayed.Func3E(splitByKeys, delayed.Name("dataframe.splitByKeys"))
	pickTask      = delayed.Func2E(pickPiece, delayed.Name("dataframe.pickPiece"))
)

func selectColumns(f *Frame, names []string) (*Frame, error) { return f.Select(names...) }

func whereCondition(f *Frame, c condNode) (*Frame, error) { return f.Where(Condition{node: c}) }

func concatFrames(frames []*Frame) (*Frame, error) { return Concat(frames...) }

func rowCount(f *Frame) int64 { return int64(f.NumRows()) }

func addCounts(counts []int64) (total int64) {
	for _, c := range counts {
		total += c
	}
	return total
}

// floatCell returns row 0 of a numeric column as float64 (NaN when
// missing): the value of a whole-frame aggregation.
func floatCell(f *Frame, column string) (float64, error) {
	c, err := f.typed(column, "scalar", Float64, Int64)
	if err != nil {
		return 0, err
	}
	if c.n == 0 {
		return 0, fmt.Errorf("dataframe: column %q has no rows: %w", column, ErrRowIndex)
	}
	if v, ok := c.value()(f.baseRow(0)); ok {
		return v, nil
	}
	return math.NaN(), nil
}

// intCell returns row 0 of an Int64 column.
func intCell(f *Frame, column string) (int64, error) {
	c, err := f.typed(column, "scalar", Int64)
	if err != nil {
		return 0, err
	}
	if c.n == 0 {
		return 0, fmt.Errorf("dataframe: column %q has no rows: %w", column, ErrRowIndex)
	}
	return c.int64s()[f.baseRow(0)], nil
}

// pickPiece returns piece i of a split partition.
func pickPiece(pieces []*Frame, i int) (*Frame, error) {
	if i < 0 || i >= len(pieces) {
		return nil, fmt.Errorf("dataframe: piece %d of %d: %w", i, len(pieces), ErrArgument)
	}
	return pieces[i], nil
}
