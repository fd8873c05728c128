// Package cluster is the coordinator shared by lazygraph's processes and distributed
// schedulers: the part that knows which worker holds which value, decides where each ready task
// runs, batches tasks into messages, and recovers when a worker dies.
//
// A [Coordinator] owns its state on one goroutine and learns everything through method calls
// that become events: workers joining ([Coordinator.AddWorker]) and leaving, their results,
// computations submitted ([Coordinator.Submit]) and cancelled. It talks to workers through
// [Link]s, which a scheduler implements for its transport (a socket pair to a subprocess, a TCP
// connection), and to the owner of each computation through an [Owner] (the frontend in this
// process, or a remote client's session).
//
// The coordinator never decodes a value: data arrive encoded from the owner, results stay encoded
// on their way to the owner, and functions are known by name only. So a scheduler process that
// does not contain the user's functions can coordinate workers that do.
//
// Scheduling, in short: a task becomes ready when its arguments are computed; it goes to the
// worker holding most of its input bytes, or to any worker when none does; a worker with room
// takes its own ready tasks first, then shared ones, then steals from a worker without room.
// With a task it also gets the tasks that can follow it there because all their inputs will be
// there (a chain stays on one worker). Tasks are batched: a fixed chunk size, or adaptively about
// two milliseconds of work per message while tasks are short, one at a time when they are long.
// Every value reaches a worker at most once; values nobody needs any more are released.
package cluster
