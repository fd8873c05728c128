package delayed

// The local schedulers are always available; their packages register themselves by name.
import (
	_ "github.com/lazygraph/lazygraph/schedulers/synchronous"
	_ "github.com/lazygraph/lazygraph/schedulers/threads"
)
