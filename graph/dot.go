package graph

import (
	"fmt"
	"io"
	"strings"

	dgraph "github.com/dominikbraun/graph"
	"github.com/dominikbraun/graph/draw"
)

// Render writes the plan in Graphviz DOT form: one node per task (ellipses for calls, boxes for
// data, outputs doubled) and an edge from each argument to the task that uses it. It is meant for
// graphs small enough to look at; node order in the output is not fixed.
func Render(w io.Writer, p *Plan) error {
	g := dgraph.New(dgraph.StringHash, dgraph.Directed())
	isOutput := make(map[int32]bool, len(p.outputs))
	for _, o := range p.outputs {
		isOutput[o] = true
	}
	for i, t := range p.tasks {
		attrs := []func(*dgraph.VertexProperties){
			dgraph.VertexAttribute("label", dotLabel(t)),
		}
		if t.fn == nil {
			attrs = append(attrs, dgraph.VertexAttribute("shape", "box"))
		}
		if isOutput[int32(i)] {
			attrs = append(attrs, dgraph.VertexAttribute("peripheries", "2"))
		}
		if err := g.AddVertex(string(t.Key()), attrs...); err != nil {
			return fmt.Errorf("render %s: %w", t.Key(), err)
		}
	}
	for i, t := range p.tasks {
		for _, a := range p.Args(int32(i)) {
			err := g.AddEdge(string(p.tasks[a].Key()), string(t.Key()))
			if err != nil && err != dgraph.ErrEdgeAlreadyExists {
				return fmt.Errorf("render %s: %w", t.Key(), err)
			}
		}
	}
	return draw.DOT(g, w, draw.GraphAttribute("rankdir", "BT"))
}

// dotLabel is a short, quote-free label: the function's last path element, or the data type.
func dotLabel(t *Task) string {
	var label string
	if t.fn == nil {
		label = fmt.Sprintf("%T", t.value)
	} else {
		label = t.fn.name
		if i := strings.LastIndexByte(label, '/'); i >= 0 {
			label = label[i+1:]
		}
	}
	if len(label) > 40 {
		label = label[:37] + "..."
	}
	return strings.NewReplacer(`"`, `'`, `\`, `/`).Replace(label)
}
