package cluster

import "github.com/lazygraph/lazygraph/internal/wire"

// Keeper is implemented by owners that want the results that come back to the coordinator as
// tasks finish (not only outputs): a result store keeps them. Keep is called from the
// coordinator's goroutine, with the result encoded with the function's result type; v's memory
// is valid only during the call.
type Keeper interface {
	Keep(i int32, v wire.Value)
}

// storeKey returns the entry key under which workers keep task i's result, "" for none.
func (js *Job) storeKey(i int32) string {
	if js.Store == nil || int(i) >= len(js.StoreKeys) {
		return ""
	}
	return js.StoreKeys[i]
}

// KeptReporter is implemented by owners that want to know which results the worker that
// computed them kept in the computation's result store itself (worker.Result.Stored): those are
// not handed to Keep, and no one else need write them. Kept is called from the coordinator's
// goroutine, before the result's Output when it is an output.
type KeptReporter interface {
	Kept(i int32)
}

// tellKept tells the owner of js, when it is a KeptReporter, that a worker kept result i in the
// result store.
func (c *Coordinator) tellKept(js *Job, i int32) {
	if _, ok := js.Owner.(KeptReporter); ok {
		c.emit(instr{kind: doKept, js: js, i: i})
	}
}
