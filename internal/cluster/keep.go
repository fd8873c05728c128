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
