package launch

import (
	"strconv"
	"strings"
	"time"
)

// AdaptOptions make a Slurm launch adaptive (SlurmOptions.Adapt): the job holds the scheduler
// and the client only; the scheduler submits worker jobs (lazygraph scheduler -adapt -launcher
// slurm), at most Max at a time, when tasks queue, as job arrays when several start at once,
// and retires workers idle for Idle (keeping Min). Each worker job gets the launch's Partition,
// Account and CPUsPerWorker, and the Time, Mem and SbatchArgs below; it is named
// lazygraph-worker-<the job's id>.
type AdaptOptions struct {
	Min, Max int
	// Idle is how long a worker may idle before it is retired (0: the scheduler's default).
	Idle time.Duration
	// Time and Mem are each worker job's time limit and memory; empty leaves Slurm's defaults.
	Time, Mem string
	// Output is the worker jobs' output file (Slurm patterns such as %A_%a allowed).
	Output string
	// SbatchArgs are further sbatch options of the worker jobs, such as "--oversubscribe".
	SbatchArgs []string
}

func (a *AdaptOptions) check(p *problems) {
	if a.Min < 0 || a.Max < 1 || a.Min > a.Max {
		p.add("Adapt", "want 0 <= min <= max and max >= 1, got min %d, max %d", a.Min, a.Max)
	}
	if a.Time != "" && !slurmTime.MatchString(a.Time) {
		p.add("Adapt.Time", "%q is not a Slurm time limit", a.Time)
	}
	for _, f := range []struct{ name, value string }{{"Adapt.Mem", a.Mem}, {"Adapt.Output", a.Output}} {
		if strings.HasPrefix(f.value, "-") || strings.IndexFunc(f.value, isSpaceOrControl) >= 0 {
			p.add(f.name, "%q is not a word for an #SBATCH line", f.value)
		}
	}
	for _, s := range a.SbatchArgs {
		if !strings.HasPrefix(s, "-") || strings.ContainsAny(s, "\x00\n\r") {
			p.add("Adapt.SbatchArgs", "%q is not an sbatch option on one line", s)
		}
	}
}

// schedulerArgs are the scheduler's adaptive flags, followed by the worker program.
func (a *AdaptOptions) schedulerArgs(o SlurmOptions) []string {
	args := []string{"-adapt", "-min", strconv.Itoa(a.Min), "-max", strconv.Itoa(a.Max), "-launcher", "slurm",
		`-cluster-id="$SLURM_JOB_ID"`}
	if a.Idle > 0 {
		args = append(args, "-idle", a.Idle.String())
	}
	opt := func(flag, v string) {
		if v != "" {
			args = append(args, flag, Quote(v))
		}
	}
	opt("-partition", o.Partition)
	opt("-account", o.Account)
	opt("-time", a.Time)
	opt("-mem", a.Mem)
	opt("-worker-output", a.Output)
	if o.CPUsPerWorker > 0 {
		args = append(args, "-cpus-per-worker", strconv.Itoa(o.CPUsPerWorker))
	}
	for _, s := range a.SbatchArgs {
		args = append(args, Quote("-sbatch="+s))
	}
	for _, e := range o.Env {
		args = append(args, Quote("-worker-env="+e))
	}
	args = append(args, "--")
	return append(args, quoteAll(append([]string{o.Binary}, o.Args...))...)
}
