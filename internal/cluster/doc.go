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
// Short tasks are queued about two chunks deep, and a worker is refilled a whole chunk at a time
// once one fits, not task by task as its results come back.
// Every value reaches a worker at most once; values nobody needs any more are released.
//
// # Events in, instructions out
//
// The loop's inbox carries typed events, one struct per kind (inbox.go): a computation
// submitted or cancelled, a worker joined, lost, killed, retiring or reporting its memory,
// results or fetched values arrived, a local task done, a value stored or forgotten, and the
// timers' events (a cancellation's grace expired, the no-worker clock's tick); questions
// (status, load, telemetry) are events carrying a channel for the answer. The public methods
// only build an event and send it; each event has a String for logs (debug level) and test
// failures. One function, handle, switches on the event's type and calls the reaction (onJob,
// onResults, …), which changes the state and queues instructions (send, fetch, kill, output,
// task done, finished, start a worker, run a local task) without I/O; the loop then places ready
// tasks, and executes the instructions. Tests drive handle event by event with no goroutine,
// check the invariants after each, and log the events that led to a failure.
//
// # Nothing blocks the loop
//
// The goroutine only changes state and queues messages: links queue what they send, data are
// encoded by Submit on the caller's goroutine, tasks run at the owner ([Owner.RunLocal]) run on
// goroutines of their own, and starting workers ([Options.WorkersNeeded]) happens on a
// supervisor goroutine. No path sends to the event channel from the loop.
//
// # Indexed scheduling
//
// The work per event follows the tasks it moves, not the number of workers or computations: a
// worker whose results arrived is "dirty" and filled first; a worker that found nothing to do is
// "hungry" (one set per group) and gets tasks only when some are left over; every other worker
// has tasks queued, whose results will make it dirty again. Who holds which value is kept per
// value (the worker that computed it, and the few it was sent to), so placing a task and
// releasing a value look at its holders only.
//
// Ready tasks wait in a computation's shared queue or in the queue of the worker they prefer;
// every take goes through next (dispatch.go). A computation's end is told only to the workers
// that were sent something of it.
//
// # Memory per task
//
// A computation's bookkeeping is dense arrays indexed by task (state, counts, first holder),
// over the graph's own CSR arrays. Values the coordinator keeps (data, and small results that
// came back for tasks on other workers) are bytes appended to shared chunks with one packed
// reference per task (small.go), not an object each; a value's holders beyond the first are
// linked lists in one pooled array (extra.go), not a map.
//
// Messages are reused rather than garbage: a batch's task and argument arrays go back to a pool
// when its link calls [Outgoing.Done] (batchpool.go), and a worker's report, decoded into one
// from [NewResults], once [Coordinator.Results] has handled it (resultpool.go). So a link reads
// nothing of a frame after Done, and a reader keeps nothing of a report it handed over.
//
// # Priorities and resources
//
// Ready tasks are served by their function's priority (Function.Priority), then in graph order:
// ready queues hold ranks instead of indices when some function has a priority. Workers are
// filled from the computations of highest Job.Priority first, not from lower ones while a higher
// one has ready tasks waiting for room, and from computations of equal priority in turn. Tasks of
// functions needing resources (Function.Resources) wait in queues of their own and go only to
// workers declaring them (Worker.Resources), holding the amounts until reported; they are
// placed when something changed, looking only at the workers declaring the resource. See
// priority.go and resources.go.
//
// # Task states
//
// Each task of a computation is in one state; every change goes through one function that checks
// it against this table, and counts per state are kept as tasks move (status pages read those):
//
//	            +-----------------(fetch / input lost)-------------+
//	            v                                                   |
//	[waiting] --(inputs computed)--> [ready] --(sent)--> [queued] --+--(result)--> [done]
//	    |  ^                                                |  |                   |
//	    |  +--------(worker died: run again)----------------+  +--(error)--> [failed]
//	    |  +--------(value lost, still needed)----------------------------------+
//	    +--(chain: inputs queued on the same worker)--> [queued]
//	    +--(run at the owner)--> [local] --(ran)--> [done]   [local] --(error)--> [failed]
//
// Allowed transitions: waiting→ready, waiting→queued, waiting→local, ready→queued,
// ready→waiting, queued→done, queued→waiting, queued→failed, local→done, local→failed,
// done→waiting, and in a computation that keeps going ([Job.KeepGoing]) waiting→skipped and
// queued→skipped. Data nodes are done from the start. A broken transition or invariant is a bug:
// it fails every computation with [ErrInternal] instead of crashing the process.
//
// # Keeping going
//
// A computation with [Job.KeepGoing] set does not stop at a failed task: the failure is
// recorded, every task needing its result (directly or not) is skipped, and everything else
// runs. It finishes when no task is left to run; the outputs computed were delivered, and
// [Owner.Finished] gets a *[Failures] listing the failed and skipped tasks (nil when none).
//
// # Retiring workers
//
// A worker can also leave without losing anything ([Coordinator.Retire]: its lifetime or
// walltime is near, or an adaptive scheduler has too many). It goes serving → finishing (out of
// the live list, hungry sets and every placement; it hands back the tasks it was sent and has
// not started, which run elsewhere uncharged, and finishes the one it runs) →
// handing over (every value only it holds that a computation still needs is fetched back and
// put on the serving worker holding the fewest bytes, or kept here while none serves; with peer
// transfers it also waits for tasks already sent elsewhere that may fetch from it) → retired
// (its link, a [RetireLink], is told it may exit). No task it started changes state for it, so no
// task is computed again; [Coordinator.RetireStats] counts the values moved. validate checks that a
// retiring worker takes no task and holds what it is counted to. Retirement is separate from
// a worker pausing: a retiring worker never takes tasks again. [Coordinator.Load] gives an
// adaptive scheduler the tasks ready and running and each worker's queue.
//
// # Failing loudly
//
// A computation that no worker can run (none connected, or none of its group: another build of
// the program) fails after [Options.NoWorkerTimeout] with [ErrNoWorker], saying how many workers
// are connected and why they cannot run it. A computation whose tasks need a resource no
// connected worker declares, and that can make no other progress, fails the same way, naming the
// resource; Status lists such tasks meanwhile. A worker that answers a fetch without the value
// (it no longer holds it) makes the coordinator ask another holder or compute the value again.
package cluster
