package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lazygraph/lazygraph/internal/launch"
)

// runLaunch starts a lazygraph cluster through an existing cluster's tools:
//
//	lazygraph launch slurm [flags] -- BINARY [ARGS...]
//	lazygraph launch ssh [flags] HOST [HOST...] -- BINARY [ARGS...]
//
// BINARY is the user's program: it runs as every worker and then as the client.
func runLaunch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		launchUsage(stderr)
		return errUsage
	}
	switch args[0] {
	case "slurm":
		return runLaunchSlurm(ctx, args[1:], stdout, stderr)
	case "ssh":
		return runLaunchSSH(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		launchUsage(stderr)
		return flag.ErrHelp
	default:
		fmt.Fprintf(stderr, "launch: unknown target %q\n\n", args[0])
		launchUsage(stderr)
		return errUsage
	}
}

func launchUsage(w io.Writer) {
	fmt.Fprint(w, `usage: lazygraph launch slurm [flags] -- BINARY [ARGS...]
       lazygraph launch ssh [flags] HOST [HOST...] -- BINARY [ARGS...]

Starts a scheduler, workers running BINARY (the program that registers the functions, whose
main begins with "if delayed.Init() { return }") and BINARY ARGS as the client, through Slurm
or SSH. Run "lazygraph launch slurm -h" or "lazygraph launch ssh -h" for the flags.
`)
}

// stringList is a flag that may be repeated.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// launchFlagNames maps the launch options to the flags that set them, for error messages.
var launchFlagNames = map[string]string{
	"Binary": "BINARY", "Args": "ARGS", "Env": "-env", "Nodes": "-nodes",
	"WorkersPerNode": "-workers-per-node", "CPUsPerWorker": "-cpus-per-worker",
	"Partition": "-partition", "Time": "-time", "Account": "-account", "JobName": "-job-name",
	"Output": "-output", "WorkDir": "-chdir", "SbatchArgs": "-sbatch",
	"SchedulerFile": "-scheduler-file", "SchedulerBinary": "-scheduler",
	"SchedulerArgs": "-scheduler-arg", "Port": "-port", "StatusPort": "-status-port",
	"StartTimeout": "-start-timeout", "Hosts": "HOST", "WorkersPerHost": "-workers-per-host",
	"SchedulerHost": "-scheduler-host", "SSH": "-ssh", "SSHArgs": "-ssh-opt",
	"Adapt": "-min/-max", "Adapt.Time": "-worker-time", "Adapt.Mem": "-worker-mem",
	"Adapt.Output": "-worker-output", "Adapt.SbatchArgs": "-worker-sbatch",
}

// reportOptionErrors prints the option problems in err under the names of their flags and
// returns errUsage, or returns err unchanged when it holds none.
func reportOptionErrors(stderr io.Writer, target string, err error) error {
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	reported := false
	for _, e := range errs {
		var oe *launch.OptionError
		if !errors.As(e, &oe) {
			continue
		}
		name := launchFlagNames[oe.Option]
		if name == "" {
			name = oe.Option
		}
		fmt.Fprintf(stderr, "launch %s: %s: %s\n", target, name, oe.Problem)
		reported = true
	}
	if !reported {
		return err
	}
	return errUsage
}

// resolveProgram turns the program named on the command line into the absolute path the
// cluster's machines are given: a name without a slash is looked up in PATH, a relative path is
// taken from the current directory.
func resolveProgram(name string) (string, error) {
	if !strings.Contains(name, "/") {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("%q is not in PATH; give the program's path", name)
		}
		name = p
	}
	return filepath.Abs(name)
}

// defaultSchedulerBinary is this lazygraph executable's path, which the cluster's machines
// are assumed to share; when it is a "go run" build, the lazygraph in their PATH.
func defaultSchedulerBinary() string {
	exe, err := os.Executable()
	if err != nil || strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return launch.DefaultSchedulerBinary
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return exe
}

// programArgs splits the words left after parsing args with fs into the hosts before "--" (when
// withHosts) and the program with its arguments. Without hosts, "--" is optional and a later
// "--" belongs to the program.
func programArgs(stderr io.Writer, target string, fs *flag.FlagSet, args []string, withHosts bool) (hosts []string, program string, progArgs []string, err error) {
	words := fs.Args()
	// The flag package takes a "--" that ends the flags: then no hosts come before it.
	tookSeparator := len(args) > len(words) && args[len(args)-len(words)-1] == "--"
	if withHosts && !tookSeparator {
		sep := -1
		for i, w := range words {
			if w == "--" {
				sep = i
				break
			}
		}
		if sep < 0 {
			fmt.Fprintf(stderr, "launch %s: put -- between the hosts and the program: HOST [HOST...] -- BINARY [ARGS...]\n", target)
			return nil, "", nil, errUsage
		}
		hosts, words = words[:sep], words[sep+1:]
	}
	if len(words) == 0 {
		fmt.Fprintf(stderr, "launch %s: no program given after --\n", target)
		return nil, "", nil, errUsage
	}
	return hosts, words[0], words[1:], nil
}

func runLaunchSlurm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("launch slurm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: lazygraph launch slurm [flags] -- BINARY [ARGS...]

Writes (-print, the default) or submits (-submit) a Slurm batch script for one job that starts
the scheduler on the first node, -workers-per-node workers of BINARY on each node and then
BINARY ARGS as the client; the job's exit status is the client's. The scheduler file must be on
a filesystem that every node shares, and BINARY at the same path on every node.

`)
		fs.PrintDefaults()
	}
	var o launch.SlurmOptions
	var env, sbatchArgs, schedArgs stringList
	fs.IntVar(&o.Nodes, "nodes", 1, "number of `nodes`")
	fs.IntVar(&o.WorkersPerNode, "workers-per-node", 1, "worker processes per node")
	fs.IntVar(&o.CPUsPerWorker, "cpus-per-worker", 0, "CPUs per worker (sbatch --cpus-per-task); 0: Slurm's default")
	fs.StringVar(&o.Partition, "partition", "", "Slurm partition")
	fs.StringVar(&o.Time, "time", "", "time limit, such as 30, 1:00:00 or 1-12")
	fs.StringVar(&o.Account, "account", "", "Slurm account to charge")
	fs.StringVar(&o.JobName, "job-name", "", `job name (default "lazygraph")`)
	fs.StringVar(&o.Output, "output", "", "job output `file` (sbatch --output; default slurm-%j.out)")
	fs.StringVar(&o.WorkDir, "chdir", "", "absolute `directory` the job runs in")
	fs.Var(&sbatchArgs, "sbatch", "extra sbatch `option`, such as --mem=8G (repeatable)")
	fs.StringVar(&o.SchedulerFile, "scheduler-file", "", "absolute `path` of the scheduler file on a shared filesystem (default $HOME/.lazygraph/scheduler-$SLURM_JOB_ID.json)")
	fs.StringVar(&o.SchedulerBinary, "scheduler", defaultSchedulerBinary(), "lazygraph `command` that runs the scheduler on the first node")
	fs.Var(&schedArgs, "scheduler-arg", "extra scheduler `argument` (repeatable)")
	fs.IntVar(&o.Port, "port", launch.DefaultPort, "scheduler `port`")
	fs.IntVar(&o.StatusPort, "status-port", 0, "port of the scheduler's HTTP status endpoint (0: none)")
	fs.Var(&env, "env", "`NAME=VALUE` for the scheduler, workers and client (repeatable)")
	fs.DurationVar(&o.StartTimeout, "start-timeout", launch.DefaultSlurmStartTimeout, "how long to wait for the scheduler file")
	printScript := fs.Bool("print", false, "print the batch script (the default unless -submit)")
	submit := fs.Bool("submit", false, "submit the script with sbatch; the job id goes to standard output")
	wait := fs.Bool("wait", true, "with -submit: wait for the job and exit with failure unless it succeeds")
	poll := fs.Duration("poll", launch.DefaultPollInterval, "with -wait: how often to ask Slurm about the job")
	var ad launch.AdaptOptions
	var workerSbatch stringList
	adapt := fs.Bool("adapt", false, "adaptive workers: the job holds the scheduler and the client; the scheduler submits worker jobs (lazygraph-worker-<job id>) when tasks queue and retires them when idle, between -min and -max")
	fs.IntVar(&ad.Min, "min", 0, "with -adapt: fewest worker jobs kept")
	fs.IntVar(&ad.Max, "max", 4, "with -adapt: most worker jobs at a time")
	fs.DurationVar(&ad.Idle, "idle", 0, "with -adapt: retire a worker idle this long (default 10s)")
	fs.StringVar(&ad.Time, "worker-time", "", "with -adapt: each worker job's time limit (workers retire gracefully a minute before it)")
	fs.StringVar(&ad.Mem, "worker-mem", "", "with -adapt: each worker job's memory (sbatch --mem)")
	fs.StringVar(&ad.Output, "worker-output", "", "with -adapt: the worker jobs' output file (sbatch --output)")
	fs.Var(&workerSbatch, "worker-sbatch", "with -adapt: extra sbatch `option` for worker jobs, such as --oversubscribe (repeatable)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	_, program, progArgs, err := programArgs(stderr, "slurm", fs, args, false)
	if err != nil {
		return err
	}
	if o.Binary, err = resolveProgram(program); err != nil {
		fmt.Fprintf(stderr, "launch slurm: %v\n", err)
		return errUsage
	}
	o.Args, o.Env, o.SbatchArgs, o.SchedulerArgs = progArgs, env, sbatchArgs, schedArgs
	if *adapt {
		ad.SbatchArgs = workerSbatch
		o.Adapt = &ad
	}
	script, err := launch.SlurmScript(o)
	if err != nil {
		return reportOptionErrors(stderr, "slurm", err)
	}
	if *printScript || !*submit {
		if _, err := io.WriteString(stdout, script); err != nil {
			return err
		}
	}
	if !*submit {
		return nil
	}

	client := &launch.SlurmClient{PollInterval: *poll}
	job, err := client.Submit(ctx, script)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, job.ID)
	output := job.Output
	if output == "" {
		output = "unknown"
	}
	fmt.Fprintf(stderr, "lazygraph: submitted Slurm job %s; output in %s\n", job.ID, output)
	if !*wait {
		return nil
	}
	res, err := client.Wait(ctx, job)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w; the job keeps running (scancel %s stops it)", err, job.ID)
		}
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "lazygraph: Slurm job %s completed; output in %s\n", res.ID, res.Output)
	return nil
}

func runLaunchSSH(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("launch ssh", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: lazygraph launch ssh [flags] HOST [HOST...] -- BINARY [ARGS...]

Starts the scheduler on the first HOST, -workers-per-host workers of BINARY on each of the
other HOSTs (name the first again to run workers on it too), copies the scheduler file to them,
then runs BINARY ARGS as the client on the first HOST and exits with its status, stopping the
cluster. BINARY must be at the same path on every host. Flags come before the hosts.

`)
		fs.PrintDefaults()
	}
	var o launch.SSHOptions
	var env, sshArgs, schedArgs stringList
	fs.IntVar(&o.WorkersPerHost, "workers-per-host", 1, "worker processes per worker host")
	fs.StringVar(&o.SchedulerFile, "scheduler-file", "", "scheduler file `path` on the hosts, absolute or under ~/ (default ~/.lazygraph/scheduler-PORT.json)")
	fs.BoolVar(&o.SharedFilesystem, "shared-fs", false, "the scheduler file is on a filesystem all hosts share: do not copy it")
	fs.StringVar(&o.SchedulerBinary, "scheduler", defaultSchedulerBinary(), "lazygraph `command` that runs the scheduler on the first host")
	fs.Var(&schedArgs, "scheduler-arg", "extra scheduler `argument` (repeatable)")
	fs.StringVar(&o.SchedulerHost, "scheduler-host", "", "`name` or address the workers dial (default: the first HOST without user@)")
	fs.IntVar(&o.Port, "port", launch.DefaultPort, "scheduler `port`")
	fs.IntVar(&o.StatusPort, "status-port", 0, "port of the scheduler's HTTP status endpoint (0: none)")
	fs.StringVar(&o.SSH, "ssh", "ssh", "ssh `command`")
	fs.Var(&sshArgs, "ssh-opt", "extra ssh `argument`, one word each: -ssh-opt=-p -ssh-opt=2222 (repeatable)")
	fs.Var(&env, "env", "`NAME=VALUE` for the scheduler, workers and client (repeatable)")
	fs.BoolVar(&o.NoClient, "no-client", false, "start the cluster only, and keep it up until interrupted")
	fs.DurationVar(&o.StartTimeout, "start-timeout", launch.DefaultSSHStartTimeout, "how long to wait for the scheduler file")
	printScript := fs.Bool("print", false, "print the bash script that launches the cluster instead of running it")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	hosts, program, progArgs, err := programArgs(stderr, "ssh", fs, args, true)
	if err != nil {
		return err
	}
	for _, h := range hosts {
		if strings.HasPrefix(h, "-") {
			fmt.Fprintf(stderr, "launch ssh: flag %s after the hosts; flags come first\n", h)
			return errUsage
		}
	}
	if o.Binary, err = resolveProgram(program); err != nil {
		fmt.Fprintf(stderr, "launch ssh: %v\n", err)
		return errUsage
	}
	o.Hosts, o.Args, o.Env, o.SSHArgs, o.SchedulerArgs = hosts, progArgs, env, sshArgs, schedArgs
	plan, err := launch.NewSSHPlan(o)
	if err != nil {
		return reportOptionErrors(stderr, "ssh", err)
	}
	script := plan.Script()
	if *printScript {
		_, err := io.WriteString(stdout, script)
		return err
	}

	cmd := exec.CommandContext(ctx, "bash", "-c", script, "lazygraph-launch-ssh")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// The script stops the cluster on SIGTERM; it gets time to do so before being killed.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("stopped the cluster: %w", ctx.Err())
	case errors.As(err, &exitErr):
		return fmt.Errorf("the launch script exited with status %d (the client's, once the cluster is up)", exitErr.ExitCode())
	default:
		return err
	}
}
