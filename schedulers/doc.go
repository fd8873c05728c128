// Package schedulers defines what a lazygraph scheduler is and keeps the registry of them by
// name, in the way database/sql/driver defines drivers.
//
// A [Scheduler] executes a [Job]: a compiled [graph.Plan] plus the settings of one computation
// (worker count, chunk size, an [Observer] for diagnostics, a logger). The frontend, package
// delayed, owns everything schedulers share: building and compiling graphs, configuration,
// callbacks and progress, and turning results back into typed values. A scheduler only decides
// where and when each task runs, and must:
//
//   - run every call of the plan at most once per attempt, after all its arguments, and store its
//     result with [Job.Run] or [Job.SetResult] (a scheduler running tasks elsewhere stores only
//     the outputs' and those of the tasks it runs here, and calls [Job.FewResults] first so that
//     the job keeps no slot per task);
//   - respect Job.Workers as the maximum number of tasks running at once on its behalf;
//   - stop starting tasks once one fails, and return that failure (a *graph.TaskError as made by
//     [Job.Run]);
//   - stop starting tasks when ctx is cancelled, and return an error wrapping ctx.Err();
//   - return only when none of its goroutines or processes is still working for the job;
//   - report every task it starts and finishes to the Observer, when there is one.
//
// Package schedulertest checks all of this; every scheduler runs it in its tests.
package schedulers
