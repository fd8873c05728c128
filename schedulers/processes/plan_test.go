package processes_test

import (
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
)

func mustPlan(t *testing.T, n delayed.Node) *graph.Plan {
	t.Helper()
	p, err := graph.Compile(n.Task())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
