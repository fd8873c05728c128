// Package graph holds lazygraph's task graph and the compiled plan schedulers execute.
//
// A graph is made of [Task] values. A task is either a data node, which holds a value, or a call
// of a registered [Function] whose arguments are other tasks. Tasks point at their arguments
// directly, so a graph built through package delayed needs no lookups by key; [Builder] offers
// the Dask-style alternative of naming tasks by [Key] and referring to them with [Ref], and
// reports missing dependencies and cycles when it resolves those names.
//
// [Compile] turns the tasks needed by a set of outputs into a [Plan]: dense int32 indices,
// dependency and dependent arrays in compressed sparse row form, initial in-degrees and reference
// counts. Compile culls everything the outputs do not need, checks for cycles in one O(V+E) pass
// (the error names the keys on the cycle), merges identical calls of pure functions and repeated
// uses of the same large literal, and numbers the tasks in a static priority order: a
// depth-first post-order from the outputs, which finishes one branch before starting the next so
// that intermediates can be released early. That order is also a topological order, so index i's
// dependencies always have smaller indices.
//
// A [Tracker] follows one execution of a plan: which tasks become ready when a task finishes, and
// when a result is no longer needed. Schedulers in lazygraph/schedulers use it; graph itself
// imports no scheduler.
//
// [Render] writes a graph in Graphviz DOT form, for presentation only: the same plan always gives
// the same bytes.
package graph
