package cluster

import "math"

// funcIndex holds each node's function: an index into Graph.functions, -1 for a data node. A
// graph built from a plan keeps it in 2 bytes a node while its functions are that few (a
// million-task graph has two million nodes and a handful of functions); one with more
// functions, or described from elsewhere (NewGraph), keeps 4.
type funcIndex struct {
	narrow []int16 // when not nil, the indices
	wide   []int32 // otherwise
}

func (f *funcIndex) at(i int32) int32 {
	if f.narrow != nil {
		return int32(f.narrow[i])
	}
	return f.wide[i]
}

func (f *funcIndex) len() int {
	if f.narrow != nil {
		return len(f.narrow)
	}
	return len(f.wide)
}

// set sets node i's index, widening every index when it does not fit in 2 bytes.
func (f *funcIndex) set(i, idx int32) {
	if f.narrow != nil {
		if idx <= math.MaxInt16 {
			f.narrow[i] = int16(idx)
			return
		}
		f.wide = f.all()
		f.narrow = nil
	}
	f.wide[i] = idx
}

// all returns the indices as 4-byte integers: the array itself when wide, else a copy.
func (f *funcIndex) all() []int32 {
	if f.narrow == nil {
		return f.wide
	}
	out := make([]int32, len(f.narrow))
	for i, x := range f.narrow {
		out[i] = int32(x)
	}
	return out
}
