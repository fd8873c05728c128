package graph

// FunctionCalls is one function of a [Plan] and how many of the plan's tasks call it.
type FunctionCalls struct {
	Func  *Function
	Calls int
}

// Functions returns the functions the plan's tasks call, in the order of their first task, each
// with its number of tasks: what an observer needs to show progress per function without
// visiting every task. The slice must not be modified.
func (p *Plan) Functions() []FunctionCalls { return p.functions }

// functionCounter counts calls per function while a plan is laid out. Neighbouring tasks mostly
// call the same function, which then needs no lookup.
type functionCounter struct {
	list  []FunctionCalls
	last  int // index in list of the function counted last
	index map[*Function]int
}

func (c *functionCounter) count(fn *Function) {
	if len(c.list) > 0 && c.list[c.last].Func == fn {
		c.list[c.last].Calls++
		return
	}
	k, ok := c.index[fn]
	if !ok {
		if c.index == nil {
			c.index = map[*Function]int{}
		}
		k = len(c.list)
		c.index[fn] = k
		c.list = append(c.list, FunctionCalls{Func: fn})
	}
	c.list[k].Calls++
	c.last = k
}
