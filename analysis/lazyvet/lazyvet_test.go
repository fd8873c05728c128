package lazyvet_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/lazygraph/lazygraph/analysis/lazyvet"
)

// TestFindsTheFourMistakes: a program written the wrong way gets every report it should (the
// "want" comments in testdata/src/wrong), and the same program written the right way none.
func TestFindsTheFourMistakes(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), lazyvet.Analyzer, "wrong", "right")
}
