package graph

import (
	"reflect"
	"unsafe"
)

// Compile returns the plan for computing outputs: the tasks they need, culled, checked and
// ordered as described in the package documentation. It fails with a *[CycleError] when the
// tasks form a cycle and with a *[BuildError] (or the function's own error) when one of the
// needed tasks was built wrongly; every such error matches [ErrInvalidGraph].
func Compile(outputs ...*Task) (*Plan, error) {
	c := compiler{
		index: make(map[*Task]int32, 2*len(outputs)+16),
	}
	for _, out := range outputs {
		if out == nil {
			return nil, &BuildError{Err: errNilOutput}
		}
		if err := c.visit(out); err != nil {
			return nil, err
		}
	}
	return c.plan(outputs), nil
}

var errNilOutput = buildErr("an output is an uninitialised value (a zero Delayed?)")

type buildErr string

func (e buildErr) Error() string { return string(e) }

// onStack marks a task whose dependencies are being visited.
const onStack int32 = -1

type compiler struct {
	index    map[*Task]int32 // finished tasks' indices; onStack while being visited
	order    []*Task
	stack    []frame
	pure     map[Key]int32
	literals map[literalIdentity]int32
}

type frame struct {
	task *Task
	next int
}

// visit numbers root and everything it depends on, depth first, dependencies before users.
func (c *compiler) visit(root *Task) error {
	if _, done := c.index[root]; done {
		return nil
	}
	if err := c.enter(root); err != nil {
		return err
	}
	for len(c.stack) > 0 {
		top := &c.stack[len(c.stack)-1]
		if top.next == len(top.task.args) {
			c.stack = c.stack[:len(c.stack)-1]
			c.finish(top.task)
			continue
		}
		arg := top.task.args[top.next]
		top.next++
		if i, seen := c.index[arg]; seen {
			if i == onStack {
				return c.cycle(arg)
			}
			continue
		}
		if err := c.enter(arg); err != nil {
			return err
		}
	}
	c.stack = c.stack[:0]
	return nil
}

// enter starts visiting t: data nodes and repeated pure calls or literals are finished at once,
// calls are pushed.
func (c *compiler) enter(t *Task) error {
	if t.fn == nil {
		if id, ok := identityOf(t.value); ok {
			if i, ok := c.literals[id]; ok {
				c.index[t] = i
				return nil
			}
			if c.literals == nil {
				c.literals = make(map[literalIdentity]int32)
			}
			c.literals[id] = int32(len(c.order))
		}
		c.finish(t)
		return nil
	}
	if err := t.Err(); err != nil {
		return err
	}
	if t.fn.pure {
		if i, ok := c.pure[t.key]; ok {
			c.index[t] = i
			return nil
		}
	}
	c.index[t] = onStack
	if c.stack == nil {
		c.stack = make([]frame, 0, 64)
	}
	c.stack = append(c.stack, frame{task: t})
	return nil
}

func (c *compiler) finish(t *Task) {
	i := int32(len(c.order))
	c.order = append(c.order, t)
	c.index[t] = i
	if t.fn != nil && t.fn.pure {
		if c.pure == nil {
			c.pure = make(map[Key]int32)
		}
		c.pure[t.key] = i
	}
}

// cycle reports the cycle closed by an argument that is still on the stack.
func (c *compiler) cycle(back *Task) error {
	start := len(c.stack) - 1
	for start > 0 && c.stack[start].task != back {
		start--
	}
	keys := make([]Key, 0, len(c.stack)-start+1)
	for _, f := range c.stack[start:] {
		keys = append(keys, f.task.Key())
	}
	keys = append(keys, back.Key())
	c.stack = c.stack[:0]
	return &CycleError{Keys: keys}
}

// plan lays the numbered tasks out in compressed sparse row form.
func (c *compiler) plan(outputs []*Task) *Plan {
	n := len(c.order)
	p := &Plan{
		tasks:     c.order,
		argStart:  make([]int32, n+1),
		userStart: make([]int32, n+1),
		waiting:   make([]int32, n),
		uses:      make([]int32, n),
		outputs:   make([]int32, len(outputs)),
	}
	edges := 0
	for _, t := range c.order {
		edges += len(t.args)
	}
	p.args = make([]int32, 0, edges)
	for i, t := range c.order {
		if t.fn != nil {
			p.calls++
		}
		for _, a := range t.args {
			j := c.index[a]
			p.args = append(p.args, j)
			p.uses[j]++
			p.userStart[j+1]++
			if c.order[j].fn != nil {
				p.waiting[i]++
			}
		}
		p.argStart[i+1] = int32(len(p.args))
		if t.fn != nil && p.waiting[i] == 0 {
			p.firstReady = append(p.firstReady, int32(i))
		}
	}
	for i := range n {
		p.userStart[i+1] += p.userStart[i]
	}
	p.users = make([]int32, edges)
	fill := make([]int32, n)
	copy(fill, p.userStart[:n])
	for i := range n {
		for _, j := range p.args[p.argStart[i]:p.argStart[i+1]] {
			p.users[fill[j]] = int32(i)
			fill[j]++
		}
	}
	for k, out := range outputs {
		j := c.index[out]
		p.outputs[k] = j
		p.uses[j]++
	}
	return p
}

// literalIdentity identifies a literal by the memory it refers to, so that the same slice, map,
// pointer or large string passed to many calls becomes one data node.
type literalIdentity struct {
	typ  reflect.Type
	addr uintptr
	len  int
}

// minSharedString is the length from which equal string literals are merged by address.
const minSharedString = 1 << 10

func identityOf(v any) (literalIdentity, bool) {
	switch x := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, complex64, complex128:
		return literalIdentity{}, false
	case string:
		if len(x) < minSharedString {
			return literalIdentity{}, false
		}
		return literalIdentity{typ: stringType, addr: uintptr(unsafe.Pointer(unsafe.StringData(x))), len: len(x)}, true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		if rv.Len() == 0 {
			return literalIdentity{}, false
		}
		return literalIdentity{typ: rv.Type(), addr: rv.Pointer(), len: rv.Len()}, true
	case reflect.Map, reflect.Pointer:
		if rv.IsNil() {
			return literalIdentity{}, false
		}
		return literalIdentity{typ: rv.Type(), addr: rv.Pointer()}, true
	}
	return literalIdentity{}, false
}

var stringType = reflect.TypeFor[string]()
