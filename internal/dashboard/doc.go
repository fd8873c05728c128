// Package dashboard serves lazygraph's live dashboard and its Prometheus metrics.
//
// One [Source] describes what runs: the local [Collector], fed by the task observer of package
// delayed (every scheduler reports task starts and ends to it), or a distributed scheduler's
// coordinator. [Register] adds the dashboard's routes to an http.ServeMux: the page and its
// embedded script and style ("/", "/assets/"), a server-sent event stream of snapshots
// ("/events", two a second while something happens, one every two seconds otherwise), one
// snapshot as JSON ("/api/snapshot") and "/metrics" in the Prometheus text format. Nothing is
// fetched from the network: the page is self-contained.
//
// Cost: the Collector keeps per-function counters and a bounded ring of finished tasks per
// worker, each updated under that worker's own (uncontended) lock, with no allocation per task
// and no clock read of its own (the scheduler's times are used); a computation's functions
// come from graph.Plan.Functions, with no pass over its tasks. Where tasks run in this process,
// short tasks (under 64µs, after 16 in a row) are timed by sample (schedulers.SampledObserver):
// the untimed ones cost their worker a slot in a batch of its own, counted under one lock per
// batch (at most 63 tasks, before the worker's next timed task, when it runs out of work and
// when the computation ends). Counts are exact; durations, histograms and the task stream come
// from the timed tasks ([FunctionStats.Timed]). Snapshots are taken only when a browser or a
// metrics scraper asks; each carries at most about 100 new bars, and the page changes only what
// a snapshot changed (the task stream's bars are made once and slid). A 1e5-task wide graph on
// threads with the page open in chromium: see TestBrowserOverhead.
//
// Protection: [Guard] requires the token (an Authorization: Bearer header, a cookie set by
// visiting the page once with ?token=, or that query parameter) when the listener is reachable
// from other machines, as the scheduler's /status endpoint does.
package dashboard
