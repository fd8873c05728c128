package processes

// NewSchedulerForTest returns a scheduler whose workers run exe instead of this program.
func NewSchedulerForTest(exe string) *Scheduler { return &Scheduler{exe: exe} }
