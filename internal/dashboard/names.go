package dashboard

import "github.com/lazygraph/lazygraph/graph"

// names turns registered function names, as a cluster's coordinator reports them, into the
// names the rest of the project shows: graph.Function.DisplayName ("dashboard_test.fit" rather
// than "dashboard_test.init.func2") when the function is registered in this process (a
// scheduler in a program of its own may know none of them: then the registered name), without
// the package path. One per snapshot: each name is looked up once.
type names map[string]string

func (n names) of(registered string) string {
	if s, ok := n[registered]; ok {
		return s
	}
	s := registered
	if graph.IsAnonymous(registered) {
		if f, ok := graph.Lookup(registered); ok {
			s = f.DisplayName()
		}
	}
	s = shortName(s)
	n[registered] = s
	return s
}
