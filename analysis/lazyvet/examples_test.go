package lazyvet_test

import (
	"context"
	"testing"

	"github.com/lazygraph/lazygraph/analysis/lazyvet"
)

// TestSilentOnExamples: every example program is written the right way, so a report on one of
// them is a false alarm.
func TestSilentOnExamples(t *testing.T) {
	findings, err := lazyvet.Check(context.Background(), "../..", "./examples/...")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("false alarm: %s", f)
	}
}
