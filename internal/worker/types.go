package worker

import (
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// RegisterFunctionTypes registers the parameter and result types of every registered function
// with the wire type registry, so that values of those types can be named on the wire. Parent
// and workers run the same registrations, so they agree on the names.
func RegisterFunctionTypes() {
	for _, name := range graph.RegisteredNames() {
		fn, ok := graph.Lookup(name)
		if !ok {
			continue
		}
		RegisterTypesOf(fn)
	}
}

// RegisterTypesOf registers one function's parameter and result types.
func RegisterTypesOf(fn *graph.Function) {
	for _, t := range fn.Params() {
		wire.RegisterType(t)
	}
	if fn.Result() != nil {
		wire.RegisterType(fn.Result())
	}
}
