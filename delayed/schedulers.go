package delayed

// Every scheduler is always available, so that a program switches between them with a setting
// alone; their packages register themselves by name.
import (
	_ "github.com/lazygraph/lazygraph/schedulers/distributed"
	_ "github.com/lazygraph/lazygraph/schedulers/processes"
	_ "github.com/lazygraph/lazygraph/schedulers/synchronous"
	_ "github.com/lazygraph/lazygraph/schedulers/threads"
)
