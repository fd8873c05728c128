package delayed_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lazygraph/lazygraph/delayed"
)

// WithTrace writes a trace that Perfetto's UI (https://ui.perfetto.dev) or chrome://tracing
// opens: a span per task, on a lane per worker. LAZYGRAPH_TRACE=path does the same for every
// computation of a program.
func ExampleWithTrace() {
	dir, _ := os.MkdirTemp("", "trace")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "trace.json")

	squares := make([]delayed.Delayed[int], 4)
	for i := range squares {
		squares[i] = square(delayed.Value(i))
	}
	sum, err := total(delayed.All(squares)).Compute(context.Background(), delayed.WithTrace(path))
	fmt.Println(sum, err)

	data, _ := os.ReadFile(path)
	var trace struct {
		TraceEvents []struct{ Ph string } `json:"traceEvents"`
	}
	_ = json.Unmarshal(data, &trace)
	spans := 0
	for _, ev := range trace.TraceEvents {
		if ev.Ph == "X" {
			spans++
		}
	}
	fmt.Println(spans, "spans")
	// Output:
	// 14 <nil>
	// 6 spans
}
