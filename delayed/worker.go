package delayed

import (
	"fmt"
	"os"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// Init must be called at the top of main (and of TestMain, in tests that use the processes or
// distributed schedulers). When the process was started as a lazygraph worker, Init serves as one
// until its parent or scheduler is done with it and returns true: main must then return at once.
// Otherwise it returns false straight away and the program continues as usual.
//
//	func main() {
//		if delayed.Init() {
//			return
//		}
//		...
//	}
//
// A worker that fails (a wrong token, an unknown role, no scheduler address, a scheduler it
// cannot reach) prints why and exits with status 1 from Init, so that whatever started it sees
// the failure; a worker whose work is done returns true.
//
// Functions wrapped after Init (closures made in main, say) are not known to worker processes;
// see the package documentation.
func Init() bool {
	graph.EndPackageInit()
	served, err := schedulers.ServeWorker()
	if err != nil {
		fmt.Fprintf(os.Stderr, "lazygraph worker %d: %v\n", os.Getpid(), err)
		os.Exit(1)
	}
	return served
}
