package distributed_test

import (
	"context"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/outputcheck"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

var writeOutput = delayed.Func1(outputcheck.Write)

// What tasks write on distributed workers comes back to the client that submitted them, each
// line tagged with its task's key, on the stream the task used, a task's lines in the order
// written; with relaying off, nothing comes back.
func TestOutputRelayed(t *testing.T) {
	tc := newTestCluster(t, 2)
	var stdout, stderr outputcheck.Buffer
	const n = 8
	parts := make([]delayed.Delayed[int], n)
	keys := make([]graph.Key, n)
	for i := range parts {
		parts[i] = writeOutput(delayed.Value(i))
		keys[i] = parts[i].Key()
	}
	_, err := delayed.All(parts).Compute(context.Background(), delayed.WithScheduler(distributed.Name),
		delayed.WithAddress(tc.file), delayed.WithRelayedOutputTo(&stdout, &stderr))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range outputcheck.Check(stdout.String(), stderr.String(), keys) {
		t.Error(p)
	}

	var quietOut, quietErr outputcheck.Buffer
	_, err = writeOutput(delayed.Value(1)).Compute(context.Background(), delayed.WithScheduler(distributed.Name),
		delayed.WithAddress(tc.file), delayed.WithRelayedOutputTo(&quietOut, &quietErr), delayed.WithOutputRelay(false))
	if err != nil {
		t.Fatal(err)
	}
	if quietOut.String() != "" || quietErr.String() != "" {
		t.Errorf("relayed with relaying off: %q, %q", quietOut.String(), quietErr.String())
	}
}
