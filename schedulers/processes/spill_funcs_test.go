package processes_test

import (
	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

// The spill tests' functions: the conformance suite's spill case uses the same ones.
var (
	spillBlockOf = delayed.Func1(schedulertest.SpillBlock)
	meanBlock    = delayed.Func1(schedulertest.MeanBlock)
	centredDot   = delayed.Func3(schedulertest.CentredDot)
	sumFloat64s  = delayed.Func1(schedulertest.SumFloat64s)
)
