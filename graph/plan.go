package graph

// Plan is a compiled graph: the tasks some outputs need, numbered 0..Len()-1 in a static
// priority order that is also topological (every argument has a smaller index than its user).
// Lower indices should run first. Arguments and dependents are stored in compressed sparse row
// form; a task that uses the same argument twice lists it twice, and is counted twice in the
// in-degree and reference counts, so bookkeeping stays consistent without deduplication.
//
// A Plan is immutable and safe for concurrent use. Per-execution state lives in a [Tracker].
type Plan struct {
	tasks       []*Task
	argStart    []int32 // arguments of i: args[argStart[i]:argStart[i+1]]
	args        []int32
	userStart   []int32 // tasks using i: users[userStart[i]:userStart[i+1]]
	users       []int32
	outputs     []int32
	calls       int // tasks that are calls, not data
	firstReady  []int32
	rank        []int32 // priority ranking, nil when no task has a priority (see Rank)
	order       []int32
	resourceful bool // some task needs resources
	functions   []FunctionCalls
}

// Len returns the number of tasks and data nodes in the plan.
func (p *Plan) Len() int { return len(p.tasks) }

// Calls returns the number of tasks that call a function (the plan's length minus data nodes).
func (p *Plan) Calls() int { return p.calls }

// Task returns the task at index i.
func (p *Plan) Task(i int32) *Task { return p.tasks[i] }

// IsData reports whether index i is a data node, whose result is its value from the start.
func (p *Plan) IsData(i int32) bool { return p.tasks[i].fn == nil }

// Args returns the indices of task i's arguments, in parameter order. Do not modify it.
func (p *Plan) Args(i int32) []int32 { return p.args[p.argStart[i]:p.argStart[i+1]] }

// Users returns the indices of the tasks that take i's result as an argument (once per use).
func (p *Plan) Users(i int32) []int32 { return p.users[p.userStart[i]:p.userStart[i+1]] }

// Outputs returns the indices of the requested outputs, in the order they were requested.
func (p *Plan) Outputs() []int32 { return p.outputs }

// Initial returns the calls that are ready at the start (all their arguments are data), in
// priority order. Do not modify it.
func (p *Plan) Initial() []int32 { return p.firstReady }
