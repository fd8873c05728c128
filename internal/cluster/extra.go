package cluster

import (
	"fmt"
	"iter"
)

// extraHolders records, per value of a computation, the workers holding it besides Job.where:
// one singly linked list per value, its nodes in one pooled array with a free list. A value
// costs nothing until it has a second holder; then one int32 per task (allocated once) and 8
// bytes per extra holder, with no map and no allocation per value (a gathering task over 1e6
// values used to cost a map entry and a slice each).
type extraHolders struct {
	head  []int32      // per task: index+1 of its first node, 0 for none; nil until first use
	nodes []holderNode // the pool
	free  int32        // index+1 of the first free node, 0 for none
	count int          // values with at least one extra holder
}

type holderNode struct {
	id   int32 // the worker
	next int32 // index+1 of the next node, 0 at the end
}

// empty reports whether no value has an extra holder.
func (x *extraHolders) empty() bool { return x.count == 0 }

// has reports whether worker id is an extra holder of a.
func (x *extraHolders) has(a, id int32) bool {
	if x.count == 0 {
		return false
	}
	for n := x.head[a]; n != 0; n = x.nodes[n-1].next {
		if x.nodes[n-1].id == id {
			return true
		}
	}
	return false
}

// first returns an extra holder of a.
func (x *extraHolders) first(a int32) (int32, bool) {
	if x.count == 0 || x.head[a] == 0 {
		return 0, false
	}
	return x.nodes[x.head[a]-1].id, true
}

// of iterates over a's extra holders. f may not change a's list.
func (x *extraHolders) of(a int32) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		if x.count == 0 {
			return
		}
		for n := x.head[a]; n != 0; n = x.nodes[n-1].next {
			if !yield(x.nodes[n-1].id) {
				return
			}
		}
	}
}

// add records worker id as an extra holder of a (the caller checked it is not one already).
// tasks is the computation's size, to allocate the heads at first use.
func (x *extraHolders) add(a, id int32, tasks int) {
	if x.head == nil {
		x.head = make([]int32, tasks)
	}
	var n int32
	if x.free != 0 {
		n = x.free
		x.free = x.nodes[n-1].next
	} else {
		x.nodes = append(x.nodes, holderNode{})
		n = int32(len(x.nodes))
	}
	if x.head[a] == 0 {
		x.count++
	}
	x.nodes[n-1] = holderNode{id: id, next: x.head[a]}
	x.head[a] = n
}

// remove forgets worker id as an extra holder of a; false if it was not one.
func (x *extraHolders) remove(a, id int32) bool {
	if x.count == 0 {
		return false
	}
	prev := int32(0)
	for n := x.head[a]; n != 0; prev, n = n, x.nodes[n-1].next {
		if x.nodes[n-1].id != id {
			continue
		}
		if prev == 0 {
			x.head[a] = x.nodes[n-1].next
			if x.head[a] == 0 {
				x.count--
			}
		} else {
			x.nodes[prev-1].next = x.nodes[n-1].next
		}
		x.nodes[n-1] = holderNode{next: x.free}
		x.free = n
		return true
	}
	return false
}

// clear forgets every extra holder of a.
func (x *extraHolders) clear(a int32) {
	if x.count == 0 || x.head[a] == 0 {
		return
	}
	n := x.head[a]
	for {
		next := x.nodes[n-1].next
		x.nodes[n-1] = holderNode{next: x.free}
		x.free = n
		if next == 0 {
			break
		}
		n = next
	}
	x.head[a] = 0
	x.count--
}

// reset forgets everything, keeping nothing allocated.
func (x *extraHolders) reset() { *x = extraHolders{} }

// check verifies the pool: every node is on exactly one list (a value's or the free one), the
// count matches, and no list names a worker twice.
func (x *extraHolders) check(tasks int) error {
	if x.head != nil && len(x.head) != tasks {
		return fmt.Errorf("%d heads for %d tasks", len(x.head), tasks)
	}
	seen := make([]bool, len(x.nodes))
	visit := func(n int32) error {
		if n < 1 || int(n) > len(x.nodes) || seen[n-1] {
			return fmt.Errorf("node %d out of range or on two lists", n)
		}
		seen[n-1] = true
		return nil
	}
	lists := 0
	for a, n := range x.head {
		if n != 0 {
			lists++
		}
		var ids []int32
		for ; n != 0; n = x.nodes[n-1].next {
			if err := visit(n); err != nil {
				return err
			}
			for _, id := range ids {
				if id == x.nodes[n-1].id {
					return fmt.Errorf("value %d lists worker %d twice", a, id)
				}
			}
			ids = append(ids, x.nodes[n-1].id)
		}
	}
	for n := x.free; n != 0; n = x.nodes[n-1].next {
		if err := visit(n); err != nil {
			return err
		}
	}
	if lists != x.count {
		return fmt.Errorf("%d values with extra holders, counted %d", lists, x.count)
	}
	for k, ok := range seen {
		if !ok {
			return fmt.Errorf("node %d leaked", k+1)
		}
	}
	return nil
}
