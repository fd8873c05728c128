package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lazygraph/lazygraph/internal/launch"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// adaptFlags are the scheduler's flags for adaptive workers.
type adaptFlags struct {
	on         bool
	min, max   int
	idle       time.Duration
	interval   time.Duration
	launcher   string
	env        stringList
	clusterID  string
	partition  string
	time       string
	mem        string
	account    string
	output     string
	cpus       int
	sbatch     stringList
	timelineTo string
}

func (a *adaptFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&a.on, "adapt", false, "start and retire workers with the load, between -min and -max, with the -launcher; the worker program follows the flags (after --)")
	fs.IntVar(&a.min, "min", 0, "with -adapt: fewest workers kept")
	fs.IntVar(&a.max, "max", 1, "with -adapt: most workers started")
	fs.DurationVar(&a.idle, "idle", 10*time.Second, "with -adapt: retire a worker idle this long (above -min)")
	fs.DurationVar(&a.interval, "adapt-interval", time.Second, "with -adapt: how often to look at the load")
	fs.StringVar(&a.launcher, "launcher", "command", "with -adapt: how workers start: command (processes on this machine) or slurm (one job each, job arrays for several)")
	fs.Var(&a.env, "worker-env", "with -adapt: NAME=VALUE for the workers (repeatable)")
	fs.StringVar(&a.clusterID, "cluster-id", "", "with -launcher slurm: names the worker jobs lazygraph-worker-<id> (default: $SLURM_JOB_ID, else this process id)")
	fs.StringVar(&a.partition, "partition", "", "with -launcher slurm: the workers' partition")
	fs.StringVar(&a.time, "time", "", "with -launcher slurm: each worker job's time limit")
	fs.StringVar(&a.mem, "mem", "", "with -launcher slurm: each worker job's memory (sbatch --mem)")
	fs.StringVar(&a.account, "account", "", "with -launcher slurm: the account to charge")
	fs.StringVar(&a.output, "worker-output", "", "with -launcher slurm: the worker jobs' output file (sbatch --output)")
	fs.IntVar(&a.cpus, "cpus-per-worker", 0, "with -launcher slurm: CPUs per worker job")
	fs.Var(&a.sbatch, "sbatch", "with -launcher slurm: a further sbatch option for worker jobs (repeatable)")
	fs.StringVar(&a.timelineTo, "adapt-log", "", "with -adapt: append the worker counts to this `file` whenever they change (JSON lines)")
}

// adaptive builds the adaptive policy from the flags; program is the worker program and its
// arguments. The returned closer stops what the launcher still runs.
func (a *adaptFlags) adaptive(program []string, schedulerFile string, stderr io.Writer) (*distributed.Adaptive, func(), error) {
	if !a.on {
		if len(program) > 0 {
			return nil, nil, fmt.Errorf("unexpected arguments %q (a worker program is for -adapt)", program)
		}
		return nil, func() {}, nil
	}
	if len(program) == 0 {
		return nil, nil, fmt.Errorf("-adapt needs the worker program after the flags: lazygraph scheduler -adapt ... -- PROGRAM [ARGS]")
	}
	if schedulerFile == "" {
		return nil, nil, fmt.Errorf("-adapt needs -scheduler-file: the workers it starts find the scheduler there")
	}
	for _, e := range a.env {
		if !strings.Contains(e, "=") {
			return nil, nil, fmt.Errorf("-worker-env %q: want NAME=VALUE", e)
		}
	}
	ad := &distributed.Adaptive{Min: a.min, Max: a.max, IdleAfter: a.idle, Interval: a.interval}
	closer := func() {}
	switch a.launcher {
	case "command":
		env := append([]string{launch.EnvWorker + "=" + launch.Distributed, distributed.EnvSchedulerFile + "=" + schedulerFile}, a.env...)
		l := &distributed.CommandLauncher{Command: program, Env: env, Stdout: stderr, Stderr: stderr}
		ad.Launcher = l
		closer = func() { l.Close() }
	case "slurm":
		id := a.clusterID
		if id == "" {
			id = os.Getenv("SLURM_JOB_ID")
		}
		if id == "" {
			id = strconv.Itoa(os.Getpid())
		}
		ad.Launcher = &launch.SlurmWorkers{Binary: program[0], Args: program[1:], Env: a.env, SchedulerFile: schedulerFile,
			ClusterID: id, Partition: a.partition, Time: a.time, Mem: a.mem, Account: a.account, Output: a.output,
			CPUs: a.cpus, SbatchArgs: a.sbatch}
		if _, err := ad.Launcher.(*launch.SlurmWorkers).Script(1, 1); err != nil {
			return nil, nil, fmt.Errorf("-launcher slurm: %w", err)
		}
	default:
		return nil, nil, fmt.Errorf("-launcher %q: want command or slurm", a.launcher)
	}
	if a.timelineTo != "" {
		f, err := os.OpenFile(a.timelineTo, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, nil, err
		}
		prev := closer
		closer = func() { prev(); f.Close() }
		ad.OnChange = func(st distributed.AdaptiveStatus) {
			fmt.Fprintf(f, `{"time":%q,"target":%d,"starting":%d,"serving":%d,"retiring":%d,"tasks":%d,"started":%d,"retired":%d}`+"\n",
				st.Time.UTC().Format(time.RFC3339Nano), st.Target, st.Starting, st.Serving, st.Retiring, st.Tasks, st.Started, st.Retired)
		}
	}
	return ad, closer, nil
}
