package graph_test

import (
	"fmt"
	"os"

	"github.com/lazygraph/lazygraph/graph"
)

func ExampleRenderWith() {
	plan, _ := graph.Compile(graph.NewTask2(add, graph.NewData(1), graph.NewData(2)))
	// Colour the nodes by what became of them in a run: here the call failed.
	failed := func(i int32) graph.TaskState {
		if plan.IsData(i) {
			return graph.StateUnknown
		}
		return graph.StateFailed
	}
	if err := graph.RenderWith(os.Stdout, plan, graph.RenderOptions{State: failed}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// strict digraph {
	// 	rankdir=BT;
	// 	node [style=filled, fontname="Helvetica"];
	// 	t0 [label="int 1", shape=box, fillcolor="0.580 0.550 1.000"];
	// 	t1 [label="int 2", shape=box, fillcolor="0.580 0.325 1.000"];
	// 	t2 [label="example.add", peripheries=2, fillcolor="#f4a582"];
	// 	t0 -> t2;
	// 	t1 -> t2;
	// }
}

func ExampleValueSummary() {
	fmt.Println(graph.ValueSummary(make([]float64, 1000)))
	fmt.Println(graph.ValueSummary(5))
	// Output:
	// []float64 len=1000
	// int 5
}
