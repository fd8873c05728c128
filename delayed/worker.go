package delayed

import "github.com/lazygraph/lazygraph/graph"

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
func Init() bool {
	graph.EndPackageInit()
	return false
}
