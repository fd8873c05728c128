package graph_test

import (
	"fmt"

	"github.com/lazygraph/lazygraph/graph"
)

func ExamplePlan_Topology() {
	three := graph.NewTask2(add, graph.NewData(1), graph.NewData(2))
	plan, _ := graph.Compile(graph.NewTask2(add, three, three))
	argStart, args, userStart, users := plan.Topology()
	last := plan.Len() - 1
	fmt.Println(args[argStart[last]:argStart[last+1]], users[userStart[last-1]:userStart[last]])
	// Output: [2 2] [3 3]
}
