package cluster

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// Function is how the coordinator knows a task's function: by name.
type Function struct {
	Name   string `msgpack:"n"`
	Elem   string `msgpack:"e,omitempty"` // the builtin slice function: its element type's wire name
	Result string `msgpack:"r,omitempty"` // the wire name of the result type
	Local  bool   `msgpack:"l,omitempty"` // runs at the job's owner, not on a worker
	// Priority orders the function's ready tasks before those of lower priority.
	Priority int `msgpack:"p,omitempty"`
	// Resources are what each task of the function holds, on a worker that declared them,
	// while it runs (see Worker.Resources).
	Resources graph.Resources `msgpack:"rs,omitempty"`
}

// Graph is a computation's structure as the coordinator needs it: tasks 0..Len()-1 in priority
// order (arguments before users), each a data node or a call of a Function.
type Graph struct {
	argStart  []int32
	args      []int32
	userStart []int32
	users     []int32
	funcs     funcIndex // per task: index into functions, -1 for a data node
	functions []Function
	outputs   []int32
	initial   []int32
	calls     int

	// rank and order: the priority ranking of ready tasks (graph.PriorityOrder), nil when no
	// task has a priority. needs: per function, whether its tasks need resources; nil when none do.
	rank, order []int32
	needs       []bool
}

// ErrInvalidGraph is matched by the error for a graph description that does not hold together.
var ErrInvalidGraph = errors.New("invalid graph description")

// NewGraph checks a graph description (as received from a remote client, say) and builds a
// Graph. argStart has one entry per task plus one; every argument index is smaller than its user.
func NewGraph(argStart, args, funcs []int32, functions []Function, outputs []int32) (*Graph, error) {
	n := len(funcs)
	if len(argStart) != n+1 || argStart[0] != 0 || int(argStart[n]) != len(args) {
		return nil, fmt.Errorf("%w: argument offsets do not match %d tasks and %d arguments", ErrInvalidGraph, n, len(args))
	}
	g := &Graph{argStart: argStart, args: args, funcs: funcIndex{wide: funcs}, functions: functions, outputs: outputs}
	for i := range n {
		if argStart[i+1] < argStart[i] {
			return nil, fmt.Errorf("%w: argument offsets decrease at task %d", ErrInvalidGraph, i)
		}
		f := funcs[i]
		if f < -1 || int(f) >= len(functions) {
			return nil, fmt.Errorf("%w: task %d uses function %d of %d", ErrInvalidGraph, i, f, len(functions))
		}
		if f == -1 && argStart[i+1] != argStart[i] {
			return nil, fmt.Errorf("%w: data node %d has arguments", ErrInvalidGraph, i)
		}
		for _, a := range args[argStart[i]:argStart[i+1]] {
			if a < 0 || int(a) >= i {
				return nil, fmt.Errorf("%w: task %d takes task %d as an argument", ErrInvalidGraph, i, a)
			}
		}
	}
	for _, o := range outputs {
		if o < 0 || int(o) >= n {
			return nil, fmt.Errorf("%w: output %d of %d tasks", ErrInvalidGraph, o, n)
		}
	}
	g.index()
	g.prioritize()
	return g, nil
}

// index derives the users and the initially ready calls.
func (g *Graph) index() {
	n := g.funcs.len()
	g.userStart = make([]int32, n+1)
	for _, a := range g.args {
		g.userStart[a+1]++
	}
	for i := range n {
		g.userStart[i+1] += g.userStart[i]
	}
	g.users = make([]int32, len(g.args))
	fill := make([]int32, n)
	copy(fill, g.userStart[:n])
	for i := range n {
		ready := true
		for _, a := range g.args[g.argStart[i]:g.argStart[i+1]] {
			g.users[fill[a]] = int32(i)
			fill[a]++
			ready = ready && g.funcs.at(a) < 0
		}
		if g.funcs.at(int32(i)) >= 0 {
			g.calls++
			if ready {
				g.initial = append(g.initial, int32(i))
			}
		}
	}
}

// FromPlan describes a compiled plan for the coordinator. Every call's function must be portable
// (registered while packages initialised) or a builtin; the error for others, matching
// ErrNotPortable, names them all.
func FromPlan(p *graph.Plan) (*Graph, error) {
	n := p.Len()
	g := &Graph{funcs: funcIndex{narrow: make([]int16, n)}, outputs: p.Outputs(), initial: p.Initial(), calls: p.Calls()}
	// The plan's own arrays: one representation of the structure, not a copy per computation.
	g.argStart, g.args, g.userStart, g.users = p.Topology()
	table := map[*graph.Function]int32{}
	var unportable []string
	for i := range int32(n) {
		t := p.Task(i)
		if t.IsData() {
			g.funcs.set(i, -1)
			continue
		}
		fn := t.Func()
		idx, ok := table[fn]
		if !ok {
			f, err := describe(fn)
			if err != nil {
				unportable = append(unportable, err.Error())
			}
			idx = int32(len(g.functions))
			g.functions = append(g.functions, f)
			table[fn] = idx
		}
		g.funcs.set(i, idx)
	}
	g.prioritize()
	if len(unportable) > 0 {
		return nil, fmt.Errorf("%w: %s: worker processes know functions only by the names registered while packages initialise; wrap each in a package-level variable (var f = delayed.Func1(...))",
			ErrNotPortable, strings.Join(unportable, ", "))
	}
	return g, nil
}

// ErrNotPortable is matched by the error for a graph using functions worker processes cannot
// know: closures, or functions wrapped after package initialisation.
var ErrNotPortable = errors.New("functions not registered for worker processes")

func describe(fn *graph.Function) (Function, error) {
	f := Function{Name: fn.Name(), Priority: fn.Priority(), Resources: fn.Resources()}
	if r := fn.Result(); r != nil {
		f.Result, _ = wire.TypeName(r)
	}
	switch {
	case fn.Builtin() && !fn.Portable():
		f.Local = true
	case !fn.Portable():
		return f, errors.New(fn.Name())
	case fn.Builtin():
		elem, err := wire.TypeName(fn.ParamType(0))
		if err != nil {
			return f, fmt.Errorf("%s of %s: %v", fn.Name(), fn.ParamType(0), err)
		}
		f.Elem = elem
	}
	return f, nil
}

// Len returns the number of tasks.
func (g *Graph) Len() int { return g.funcs.len() }

// Calls returns the number of tasks that are calls.
func (g *Graph) Calls() int { return g.calls }

// IsData reports whether task i is a data node.
func (g *Graph) IsData(i int32) bool { return g.funcs.at(i) < 0 }

// Func returns task i's function (the zero Function for data).
func (g *Graph) Func(i int32) Function {
	if g.funcs.at(i) < 0 {
		return Function{}
	}
	return g.functions[g.funcs.at(i)]
}

// Args returns task i's arguments.
func (g *Graph) Args(i int32) []int32 { return g.args[g.argStart[i]:g.argStart[i+1]] }

// Users returns the tasks using task i's result, once per use.
func (g *Graph) Users(i int32) []int32 { return g.users[g.userStart[i]:g.userStart[i+1]] }

// Outputs returns the requested outputs.
func (g *Graph) Outputs() []int32 { return g.outputs }

// Description returns what NewGraph takes, to send the graph elsewhere.
func (g *Graph) Description() (argStart, args, funcs []int32, functions []Function, outputs []int32) {
	return g.argStart, g.args, g.funcs.all(), g.functions, g.outputs
}
