package graph

import (
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Compile returns the plan for computing outputs: the tasks they need, culled, checked and
// ordered as described in the package documentation. It fails with a *[CycleError] when the
// tasks form a cycle and with a *[BuildError] (or the function's own error) when one of the
// needed tasks was built wrongly; every such error matches [ErrInvalidGraph].
//
// Compile may run concurrently over graphs that share tasks.
func Compile(outputs ...*Task) (*Plan, error) {
	c := startCompile()
	defer c.end()
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

// A compile numbers tasks by writing its epoch and the task's index into the task's mark, which
// is far cheaper than a map from task to index. Marks left by finished compiles are simply
// overwritten. A mark held by another compile still running is left alone: the task's index
// then goes into the fallback map of this compile.
var compiles struct {
	lastEpoch atomic.Uint32
	running   atomic.Int32
	mu        sync.Mutex
	active    map[uint32]struct{}
}

type compiler struct {
	epoch    uint32
	fallback map[*Task]int32 // tasks whose mark another compile holds, and merged duplicates
	order    []*Task
	stack    []frame
	pure     map[Key]int32
	literals map[literalIdentity]int32
}

type frame struct {
	task *Task
	next int
}

func startCompile() *compiler {
	epoch := compiles.lastEpoch.Add(1)
	for epoch == 0 {
		epoch = compiles.lastEpoch.Add(1)
	}
	compiles.mu.Lock()
	if compiles.active == nil {
		compiles.active = make(map[uint32]struct{})
	}
	compiles.active[epoch] = struct{}{}
	compiles.mu.Unlock()
	compiles.running.Add(1)
	return &compiler{epoch: epoch}
}

func (c *compiler) end() {
	compiles.mu.Lock()
	delete(compiles.active, c.epoch)
	compiles.mu.Unlock()
	compiles.running.Add(-1)
}

// heldElsewhere reports whether epoch belongs to another compile that is still running.
func (c *compiler) heldElsewhere(epoch uint32) bool {
	if epoch == 0 || epoch == c.epoch || compiles.running.Load() == 1 {
		return false
	}
	compiles.mu.Lock()
	_, running := compiles.active[epoch]
	compiles.mu.Unlock()
	return running
}

// lookup returns t's index in this compile (onStack while its dependencies are being visited),
// or false if this compile has not met t.
func (c *compiler) lookup(t *Task) (int32, bool) {
	if c.fallback != nil {
		if i, ok := c.fallback[t]; ok {
			return i, true
		}
	}
	m := t.mark.Load()
	if uint32(m>>32) != c.epoch {
		return 0, false
	}
	i := int32(uint32(m))
	if i == onStack {
		return onStack, true
	}
	// The index must point back at t: a mark left long ago by an earlier compile whose epoch
	// number has come round again must not be taken for this compile's.
	if int(i) < len(c.order) && c.order[i] == t {
		return i, true
	}
	return 0, false
}

// record sets t's index in this compile.
func (c *compiler) record(t *Task, i int32) {
	if c.fallback != nil {
		if _, ok := c.fallback[t]; ok {
			c.fallback[t] = i
			return
		}
	}
	if i != onStack && c.order[i] != t { // a duplicate merged into task i
		c.recordFallback(t, i)
		return
	}
	want := uint64(c.epoch)<<32 | uint64(uint32(i))
	for {
		m := t.mark.Load()
		if c.heldElsewhere(uint32(m >> 32)) {
			c.recordFallback(t, i)
			return
		}
		if t.mark.CompareAndSwap(m, want) {
			return
		}
	}
}

func (c *compiler) recordFallback(t *Task, i int32) {
	if c.fallback == nil {
		c.fallback = make(map[*Task]int32)
	}
	c.fallback[t] = i
}

// visit numbers root and everything it depends on, depth first, dependencies before users.
func (c *compiler) visit(root *Task) error {
	if _, seen := c.lookup(root); seen {
		return nil
	}
	if err := c.enter(root); err != nil {
		return err
	}
	for len(c.stack) > 0 {
		top := &c.stack[len(c.stack)-1]
		if top.next == len(top.task.args) {
			t := top.task
			c.stack = c.stack[:len(c.stack)-1]
			c.finish(t)
			continue
		}
		arg := top.task.args[top.next]
		top.next++
		if i, seen := c.lookup(arg); seen {
			if i == onStack {
				return c.cycle(arg)
			}
			continue
		}
		if err := c.enter(arg); err != nil {
			return err
		}
	}
	return nil
}

// enter starts visiting t: data nodes and repeated pure calls or literals are finished at once,
// calls are pushed.
func (c *compiler) enter(t *Task) error {
	if t.fn == nil {
		if id, ok := identityOf(t.value); ok {
			if i, ok := c.literals[id]; ok {
				c.record(t, i)
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
		if i, ok := c.pure[t.pureKey()]; ok {
			c.record(t, i)
			return nil
		}
	}
	c.record(t, onStack)
	if c.stack == nil {
		c.stack = make([]frame, 0, 64)
	}
	c.stack = append(c.stack, frame{task: t})
	return nil
}

func (c *compiler) finish(t *Task) {
	i := int32(len(c.order))
	c.order = append(c.order, t)
	c.record(t, i)
	if t.fn != nil && t.fn.pure {
		if c.pure == nil {
			c.pure = make(map[Key]int32)
		}
		c.pure[t.pureKey()] = i
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
		outputs:   make([]int32, len(outputs)),
	}
	edges := 0
	for _, t := range c.order {
		edges += len(t.args)
	}
	p.args = make([]int32, 0, edges)
	var fns functionCounter
	for i, t := range c.order {
		if t.fn == nil {
			p.argStart[i+1] = int32(len(p.args))
			continue
		}
		p.calls++
		fns.count(t.fn)
		ready := true
		for _, a := range t.args {
			j, _ := c.lookup(a)
			p.args = append(p.args, j)
			p.userStart[j+1]++
			ready = ready && c.order[j].fn == nil
		}
		p.argStart[i+1] = int32(len(p.args))
		if ready {
			p.firstReady = append(p.firstReady, int32(i))
		}
	}
	p.functions = fns.list
	for i := range n {
		p.userStart[i+1] += p.userStart[i]
	}
	p.rank, p.order = PriorityOrder(n, InheritPriorities(n, p.Priority, p.Args))
	for i := range int32(n) {
		if len(p.Resources(i)) > 0 {
			p.resourceful = true
			break
		}
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
		p.outputs[k], _ = c.lookup(out)
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
