package graph

import "reflect"

// Placeholder is a data node value that stands for a value held elsewhere (a future of a
// distributed cluster): only the scheduler it belongs to can compute graphs containing it.
type Placeholder interface {
	// PlaceholderType is the type of the value it stands for.
	PlaceholderType() reflect.Type
}

// Placeholders returns the data nodes of p whose values are placeholders.
func (p *Plan) Placeholders() []int32 {
	var out []int32
	for i, t := range p.tasks {
		if t.fn == nil {
			if _, ok := t.value.(Placeholder); ok {
				out = append(out, int32(i))
			}
		}
	}
	return out
}
