package schedulertest

import (
	"context"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/outputcheck"
)

// The worker cases hold schedulers whose tasks run in worker processes (Options.WorkerProcesses:
// processes, distributed) to what only such workers do: relay what tasks write (here), trace
// each task on its worker's lane (workers_trace.go), and write the results they compute into a
// result store they share with the program (workers_store.go).

var writeOutput = delayed.Func1(outputcheck.Write)

func (s *suite) workerCases(t *testing.T) {
	t.Run("OutputRelayed", s.outputRelayed)
	t.Run("OutputRelayOff", s.outputRelayOff)
	t.Run("Trace", s.trace)
	if !s.o.RemoteWorkers {
		t.Run("WorkersWriteResultsIntoTheStore", s.workersWriteTheStore)
		t.Run("EachStoreEntryIsWrittenOnce", s.eachStoreEntryIsWrittenOnce)
		t.Run("Stuck", s.stuckCases)
	}
}

// What tasks write on worker processes comes back to the program, each line tagged with its
// task's key, on the stream the task used, a task's lines in the order written.
func (s *suite) outputRelayed(t *testing.T) {
	var stdout, stderr outputcheck.Buffer
	const n = 8
	parts := make([]delayed.Delayed[int], n)
	keys := make([]graph.Key, n)
	for i := range parts {
		parts[i] = writeOutput(delayed.Value(i))
		keys[i] = parts[i].Key()
	}
	if _, err := delayed.All(parts).Compute(context.Background(), s.opts(delayed.WithRelayedOutputTo(&stdout, &stderr))...); err != nil {
		t.Fatal(err)
	}
	for _, p := range outputcheck.Check(stdout.String(), stderr.String(), keys) {
		t.Error(p)
	}
}

// With relaying off, nothing comes back: the output stays the workers' own.
func (s *suite) outputRelayOff(t *testing.T) {
	var stdout, stderr outputcheck.Buffer
	_, err := writeOutput(delayed.Value(1)).Compute(context.Background(),
		s.opts(delayed.WithRelayedOutputTo(&stdout, &stderr), delayed.WithOutputRelay(false))...)
	if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "" || stderr.String() != "" {
		t.Errorf("relayed with relaying off: %q, %q", stdout.String(), stderr.String())
	}
}
