package schedulers

// WorkerUsage is a worker process's resident memory and CPU, as it last reported them.
type WorkerUsage struct {
	Worker int     // the worker's number, as given to the Observer
	RSS    int64   // bytes; -1 when unknown
	CPU    float64 // cores busy between its last two reports; -1 when unknown
}

// UsageReporter is a Scheduler whose workers are processes reporting their memory and CPU (the
// processes scheduler): a dashboard shows them beside each worker's tasks.
type UsageReporter interface {
	Scheduler
	// WorkerUsage returns the usage of the workers that run job's tasks (nil when none).
	WorkerUsage(job *Job) []WorkerUsage
}
