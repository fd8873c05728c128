// Package delayed is lazygraph's user API: wrap ordinary Go functions, call them to build a task
// graph instead of running them, then compute the graph with a scheduler chosen by
// configuration — serially, on all cores, in worker processes or on a cluster — without changing
// the code.
//
//	var inc = delayed.Func1(func(x int) int { return x + 1 })
//	var sum = delayed.Func1(func(xs []int) int { ... })
//
//	parts := make([]delayed.Delayed[int], 1000)
//	for i := range parts {
//		parts[i] = inc(delayed.Value(i))
//	}
//	total, err := sum(delayed.All(parts)).Compute(ctx)
//
// # Wrapping functions
//
// [Func1] (and Func0 to Func6) wrap a function of that many parameters returning one value;
// [Func1E] and its siblings wrap functions returning a value and an error; [Func1Ctx] and its
// siblings wrap functions that also take the computation's context first, to notice
// cancellation. Argument types are checked by the compiler. [Call1] and its siblings build a
// single call without keeping a wrapper. [Wrap] and [Call] accept any function through
// reflection, with arguments that may be plain values, Delayed values, or slices, maps and
// structs containing Delayed values; their types are checked when the call is built, and a
// mismatch makes the Delayed carry an error naming the function and the argument, which
// [Delayed.Err] and every Compute using it return before anything runs.
//
// Functions are registered by a stable name, derived from the symbol ("github.com/you/pkg.fit")
// or given with [Name]. Worker processes (the processes and distributed schedulers) run the
// same binary and find functions by that name, so functions used with them must be wrapped in
// package-level variables, which are registered while packages are initialised. Closures and
// functions wrapped later run on the local schedulers only; giving them to a remote scheduler is
// an error naming them, reported before any work starts.
//
// # Keys
//
// Every call gets a unique key by default. A function declared [Pure] gets deterministic keys, a
// hash of its name and arguments, so identical pure calls are merged and computed once. Values
// passed to many calls should be wrapped once with [Value]; passing the same slice, map or
// pointer through many Value calls is detected and merged into one data node all the same.
//
// # Computing
//
// [Delayed.Compute] computes one value; [Compute], [Compute2] and [Compute3] compute several in
// one pass, so intermediates they share run once. Configuration comes, in order of precedence,
// from options given to the call, from [Configure], from the environment (LAZYGRAPH_SCHEDULER,
// LAZYGRAPH_WORKERS, LAZYGRAPH_CHUNKSIZE, LAZYGRAPH_SCHEDULER_ADDRESS, LAZYGRAPH_PROGRESS,
// LAZYGRAPH_CACHE) and from defaults: the threads scheduler with one worker per core.
//
// [WithCache] (or LAZYGRAPH_CACHE) keeps pure tasks' results in a directory, so that a computation
// that was killed resumes where it stopped; [Version] invalidates a function's kept results.
//
// A task's error comes back wrapped in a *[TaskError] naming the task and its function;
// errors.Is and errors.As reach the original. A panic in a task becomes a *[PanicError] with the
// stack. The first failure stops the computation; so does cancelling the context. [Retries] and
// [WithRetries] run failed tasks again, [Timeout] limits an attempt, and [WithKeepGoing] runs
// every task it can and returns a *[Failures], on every scheduler.
//
// # Random numbers
//
// A task that takes a context gets its own random stream from [Rand]: a ChaCha8 generator keyed
// by the computation's root seed ([WithSeed], LAZYGRAPH_SEED) and the task's stable identity,
// its deterministic key (functions declared [Pure]). The stream never depends on the scheduler,
// the worker count, the chunk size, the order tasks run in or retries. Every scheduler gives
// tasks their streams: on processes and distributed each task's stream key
// (schedulers.Job.StreamKey) travels with the task to its worker. Package rng derives streams
// from explicit paths (seed, replicate, fold) anywhere.
//
// # Diagnostics
//
// [Callbacks] are told when a computation starts and finishes and when each task starts and
// ends. [WithProgress] draws a progress bar. [Visualize] writes the graph in DOT form, and
// [VisualizeFile] renders it to SVG or PNG with Graphviz.
package delayed

//go:generate go run ./internal/genfuncs
