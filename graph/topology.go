package graph

// Topology returns the plan's structure in compressed sparse row form, for schedulers that
// keep their own per-task state next to it (the cluster coordinator): task i's arguments are
// args[argStart[i]:argStart[i+1]] and its users users[userStart[i]:userStart[i+1]]. The slices
// are the plan's own: do not modify them.
func (p *Plan) Topology() (argStart, args, userStart, users []int32) {
	return p.argStart, p.args, p.userStart, p.users
}
