package launch

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultSlurmStartTimeout is how long a Slurm job waits for the scheduler file when
// SlurmOptions.StartTimeout is zero.
const DefaultSlurmStartTimeout = 5 * time.Minute

// SlurmOptions describes a lazygraph cluster run as one Slurm job. Binary, Nodes and
// WorkersPerNode are required; the zero value of every other field selects a default.
type SlurmOptions struct {
	// Binary is the absolute path of the user's program as the compute nodes see it. It runs as
	// the workers and then as the client.
	Binary string
	// Args are the program's arguments. The client gets them; so do the workers, which return
	// from delayed.Init before looking at them.
	Args []string
	// Env holds extra NAME=VALUE variables for the scheduler, the workers and the client. The
	// job otherwise inherits the environment sbatch was run in, LAZYGRAPH_TOKEN included.
	Env []string

	// Nodes is the number of nodes to allocate, at least 1. The scheduler and the client run on
	// the first; workers run on all of them.
	Nodes int
	// WorkersPerNode is the number of worker processes on each node, at least 1.
	WorkersPerNode int
	// CPUsPerWorker, when positive, asks for that many CPUs per worker (--cpus-per-task).
	CPUsPerWorker int
	// Partition, Time, Account and JobName become the sbatch options of the same names. Time
	// takes Slurm's forms: "30", "1:30:00", "2-12", "UNLIMITED". JobName defaults to
	// "lazygraph".
	Partition, Time, Account, JobName string
	// Output is the job's output file (sbatch --output, Slurm's patterns such as %j allowed);
	// empty leaves Slurm's default, slurm-%j.out in the submission directory.
	Output string
	// WorkDir, when set, is the absolute directory the job runs in (sbatch --chdir).
	WorkDir string
	// SbatchArgs are further sbatch options, each written verbatim on its own "#SBATCH" line,
	// such as "--mem=8G" or "--constraint=haswell".
	SbatchArgs []string

	// SchedulerFile is the absolute path of the scheduler file, on a filesystem shared by every
	// node. Empty means $HOME/.lazygraph/scheduler-$SLURM_JOB_ID.json, expanded in the job. The
	// job removes the file when it ends: it holds the token.
	SchedulerFile string
	// SchedulerBinary runs the scheduler: an absolute path, or a command looked up in PATH on
	// the first node. Empty means "lazygraph".
	SchedulerBinary string
	// SchedulerArgs are extra arguments after "scheduler -listen ... -scheduler-file ...", such
	// as "-tls-cert", "/path/cert.pem".
	SchedulerArgs []string
	// Port is the scheduler's port on the first node; 0 means 8786.
	Port int
	// StatusPort, when positive, starts the scheduler's HTTP status endpoint on that port.
	StatusPort int
	// StartTimeout bounds the wait for the scheduler file, by the job and by each worker; 0
	// means DefaultSlurmStartTimeout.
	StartTimeout time.Duration

	// Adapt, when set, makes the job small (one task: the scheduler and the client) and the
	// workers separate Slurm jobs, which the scheduler submits when tasks queue and retires when
	// they idle (see AdaptOptions and slurm_adapt.go). Nodes and WorkersPerNode are then 1.
	Adapt *AdaptOptions
}

// slurmTime matches the time limits sbatch --time accepts.
var slurmTime = regexp.MustCompile(`^(?:\d+(?::\d+){0,2}|\d+-\d+(?::\d+){0,2}|(?i:unlimited|infinite))$`)

func (o *SlurmOptions) validate() error {
	var p problems
	checkProgram(&p, o.Binary, o.Args)
	checkEnv(&p, o.Env)
	if o.Nodes < 1 {
		p.add("Nodes", "%d: a job needs at least 1 node", o.Nodes)
	}
	if o.WorkersPerNode < 1 {
		p.add("WorkersPerNode", "%d: at least 1 worker per node is needed", o.WorkersPerNode)
	}
	if o.CPUsPerWorker < 0 {
		p.add("CPUsPerWorker", "%d is negative", o.CPUsPerWorker)
	}
	for _, f := range []struct{ name, value string }{
		{"Partition", o.Partition}, {"Account", o.Account}, {"JobName", o.JobName},
		{"Output", o.Output}, {"WorkDir", o.WorkDir},
	} {
		if strings.HasPrefix(f.value, "-") {
			p.add(f.name, "%q starts with '-'", f.value)
		} else if strings.IndexFunc(f.value, isSpaceOrControl) >= 0 {
			p.add(f.name, "%q contains white space or a control character, which #SBATCH lines cannot carry", f.value)
		}
	}
	if o.Time != "" && !slurmTime.MatchString(o.Time) {
		p.add("Time", "%q is not a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM:SS or UNLIMITED)", o.Time)
	}
	if o.WorkDir != "" && !path.IsAbs(o.WorkDir) {
		p.add("WorkDir", "%q is not an absolute path", o.WorkDir)
	}
	for _, a := range o.SbatchArgs {
		if !strings.HasPrefix(a, "-") || strings.ContainsAny(a, "\x00\n\r") {
			p.add("SbatchArgs", "%q is not an sbatch option on one line (such as --mem=8G)", a)
		}
	}
	if o.SchedulerFile != "" {
		if !path.IsAbs(o.SchedulerFile) {
			p.add("SchedulerFile", "%q is not an absolute path; it must name the same file on every node", o.SchedulerFile)
		} else if strings.HasSuffix(o.SchedulerFile, "/") {
			p.add("SchedulerFile", "%q names a directory", o.SchedulerFile)
		}
		if strings.ContainsAny(o.SchedulerFile, "\x00") {
			p.add("SchedulerFile", "contains a NUL byte")
		}
	}
	checkSchedulerBinary(&p, o.SchedulerBinary)
	for i, a := range o.SchedulerArgs {
		if strings.ContainsRune(a, 0) {
			p.add("SchedulerArgs", "argument %d contains a NUL byte", i)
		}
	}
	checkPort(&p, "Port", o.Port)
	checkPort(&p, "StatusPort", o.StatusPort)
	if o.StatusPort > 0 && o.StatusPort == orDefault(o.Port, DefaultPort) {
		p.add("StatusPort", "%d is also the scheduler's port", o.StatusPort)
	}
	checkTimeout(&p, o.StartTimeout)
	if o.Adapt != nil {
		o.Adapt.check(&p)
	}
	return p.err()
}

func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f || r == 0x85 || r == 0xa0 || r == 0x2028 || r == 0x2029
}

// SlurmScript returns a batch script for sbatch that runs the cluster o describes as one job.
// In order, the job:
//
//  1. removes a stale scheduler file and starts the scheduler as a job step on the first node
//     (srun --overlap, so that the steps share the allocation), listening on that node's host
//     name;
//  2. waits until the scheduler file exists, failing if the scheduler exits or
//     o.StartTimeout passes;
//  3. starts a step of WorkersPerNode workers on every node, each of which waits for the file
//     to be visible on its own node before it starts;
//  4. runs the client on the first node and exits with its status;
//  5. on exit, cancellation or time-out, stops the steps cleanly: it sends SIGTERM to the
//     scheduler's task (scancel --signal, not to srun), on which the scheduler tells the
//     workers to stop and exits; it waits for both steps to end by themselves, sending SIGTERM
//     to the workers' tasks if they outlive the scheduler by ten seconds. Steps whose tasks
//     exit 0 end COMPLETED, with no "srun: error: ... Killed" lines. Only what still runs
//     after that is stopped by signalling srun (which cancels its step) and killed ten
//     seconds later. Last, it removes the scheduler file.
//
// The job's exit status is the client's: a job whose client succeeded ends COMPLETED, and one
// whose client failed ends FAILED with the client's exit code. SlurmScript returns the problems of invalid options as
// [*OptionError] values joined with [errors.Join].
func SlurmScript(o SlurmOptions) (string, error) {
	if err := o.validate(); err != nil {
		return "", err
	}
	jobName := o.JobName
	if jobName == "" {
		jobName = "lazygraph"
	}
	schedBin := o.SchedulerBinary
	if schedBin == "" {
		schedBin = DefaultSchedulerBinary
	}
	port := orDefault(o.Port, DefaultPort)
	if o.Adapt != nil {
		o.Nodes, o.WorkersPerNode = 1, 1
	}
	nTasks := o.Nodes * o.WorkersPerNode
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("#!/bin/bash")
	line("#SBATCH --job-name=%s", jobName)
	line("#SBATCH --nodes=%d", o.Nodes)
	line("#SBATCH --ntasks-per-node=%d", o.WorkersPerNode)
	if o.CPUsPerWorker > 0 && o.Adapt == nil {
		line("#SBATCH --cpus-per-task=%d", o.CPUsPerWorker)
	}
	for _, f := range []struct{ option, value string }{
		{"partition", o.Partition}, {"time", o.Time}, {"account", o.Account},
		{"output", o.Output}, {"chdir", o.WorkDir},
	} {
		if f.value != "" {
			line("#SBATCH --%s=%s", f.option, f.value)
		}
	}
	for _, a := range o.SbatchArgs {
		line("#SBATCH %s", a)
	}
	program := commentSafe(QuoteCommand(append([]string{o.Binary}, o.Args...)...))
	line("#")
	line("# A lazygraph cluster in one Slurm job (generated by lazygraph launch slurm):")
	line("#   scheduler  %s, on the first node, port %d", commentSafe(Quote(schedBin)), port)
	if o.Adapt != nil {
		line("#   workers    %d to %d Slurm jobs named lazygraph-worker-$SLURM_JOB_ID, submitted and retired by the scheduler: %s", o.Adapt.Min, o.Adapt.Max, program)
	} else {
		line("#   workers    %d per node on %d node(s): %s", o.WorkersPerNode, o.Nodes, program)
	}
	line("#   client     the same program, on the first node; the job exits with its status")
	line("# They meet through the scheduler file, on a filesystem that every node shares.")
	line("set -euo pipefail")
	line("")
	if o.SchedulerFile == "" {
		line(`scheduler_file="$HOME/.lazygraph/scheduler-$SLURM_JOB_ID.json"`)
	} else {
		line("scheduler_file=%s", Quote(o.SchedulerFile))
	}
	line("start_timeout=%d # seconds", timeoutSeconds(o.StartTimeout, DefaultSlurmStartTimeout))
	line("scheduler_host=$(hostname)")
	line(`(umask 077 && mkdir -p -- "$(dirname -- "$scheduler_file")")`)
	line(`rm -f -- "$scheduler_file"`)
	line("")
	line("steps=()")
	line("scheduler_pid=")
	line("workers_pid=")
	line("client_pid=")
	b.WriteString(stopSteps)
	cleanupTraps{
		pids:       "steps",
		why:        "On SIGTERM, srun ends its job step.",
		notice:     "lazygraph: killing the steps still running (srun reports them killed)",
		removeFile: `"$scheduler_file"`,
		graceful:   "stop_steps",
	}.write(&b)

	line(`echo "lazygraph: starting the scheduler on $scheduler_host:%d" >&2`, port)
	sched := []string{"srun", "--overlap", "--job-name=" + schedulerStep, "--nodes=1", "--ntasks=1", `--nodelist="${SLURMD_NODENAME:-$(hostname -s)}"`}
	sched = append(sched, quoteAll(envArgs([]string{EnvWorker}, o.Env...))...)
	sched = append(sched, Quote(schedBin), "scheduler",
		"-listen", fmt.Sprintf(`"$scheduler_host:%d"`, port),
		"-scheduler-file", `"$scheduler_file"`)
	if o.StatusPort > 0 {
		sched = append(sched, "-status", fmt.Sprintf(`"$scheduler_host:%d"`, o.StatusPort))
	}
	sched = append(sched, quoteAll(o.SchedulerArgs)...)
	if o.Adapt != nil {
		sched = append(sched, o.Adapt.schedulerArgs(o)...)
	}
	line("%s &", wrapWords(sched))
	line("scheduler_pid=$!")
	line(`steps+=("$scheduler_pid")`)
	line("")
	line("waited=0")
	line(`until [[ -s $scheduler_file ]]; do`)
	line(`	if ! kill -0 "$scheduler_pid" 2>/dev/null; then`)
	line(`		echo "lazygraph: the scheduler exited before writing $scheduler_file" >&2`)
	line("		exit 1")
	line("	fi")
	line("	if ((waited >= start_timeout)); then")
	line(`		echo "lazygraph: the scheduler wrote no $scheduler_file within ${start_timeout}s" >&2`)
	line("		exit 1")
	line("	fi")
	line("	sleep 1")
	line("	waited=$((waited + 1))")
	line("done")
	line("")

	if o.Adapt != nil {
		writeClient(&b, o)
		return b.String(), nil
	}
	line(`echo "lazygraph: starting %d worker(s) on %d node(s)" >&2`, nTasks, o.Nodes)
	workers := []string{"srun", "--overlap", "--job-name=" + workersStep, "--nodes=" + strconv.Itoa(o.Nodes), "--ntasks=" + strconv.Itoa(nTasks),
		"--ntasks-per-node=" + strconv.Itoa(o.WorkersPerNode)}
	if o.CPUsPerWorker > 0 {
		workers = append(workers, "--cpus-per-task="+strconv.Itoa(o.CPUsPerWorker))
	}
	workers = append(workers, "--kill-on-bad-exit=0", "--label",
		// Each worker waits until its node sees the file: shared filesystems cache directories.
		"sh", "-c", Quote(waitForFile), "lazygraph-worker", `"$scheduler_file"`, `"$start_timeout"`)
	workers = append(workers, quoteAll(envArgs([]string{EnvScheduler, EnvSchedulerAddress},
		append(append([]string{}, o.Env...), EnvWorker+"="+Distributed)...))...)
	workers = append(workers, EnvSchedulerFile+`="$scheduler_file"`)
	workers = append(workers, quoteAll(append([]string{o.Binary}, o.Args...))...)
	line("%s &", wrapWords(workers))
	line("workers_pid=$!")
	line(`steps+=("$workers_pid")`)
	line("")

	writeClient(&b, o)
	return b.String(), nil
}

// writeClient writes the end of the script: the client runs, and the job exits with its status.
func writeClient(b *strings.Builder, o SlurmOptions) {
	line := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	line(`echo "lazygraph: running the client" >&2`)
	client := quoteAll(envArgs([]string{EnvWorker, EnvSchedulerFile},
		append(append([]string{}, o.Env...), EnvScheduler+"="+Distributed)...))
	client = append(client, EnvSchedulerAddress+`="$scheduler_file"`)
	client = append(client, quoteAll(append([]string{o.Binary}, o.Args...))...)
	line("%s &", wrapWords(client))
	line("client_pid=$!")
	line("status=0")
	line(`wait "$client_pid" || status=$?`)
	line("client_pid=")
	line(`echo "lazygraph: the client exited with status $status" >&2`)
	line(`exit "$status"`)
}

// The step names (srun --job-name) by which the cleanup finds the steps to signal.
const (
	schedulerStep = "lazygraph-scheduler"
	workersStep   = "lazygraph-workers"
)

// stopSteps is the graceful part of a Slurm job's cleanup. scancel --signal signals a step's
// tasks without cancelling the step, so a step whose tasks exit 0 ends COMPLETED; signalling
// srun instead makes srun cancel the step ("srun: error: ... Killed", state CANCELLED).
const stopSteps = `# signal_step SIGNAL NAME: sends SIGNAL to the tasks of this job's step NAME (not to its srun).
signal_step() {
	local ids
	[[ -n ${SLURM_JOB_ID:-} ]] || return 1
	ids=$(squeue --noheader --steps --jobs="$SLURM_JOB_ID" --format='%i %j' 2>/dev/null |
		awk -v name="$2" '$2 == name { print $1 }') || return 1
	[[ -n $ids ]] || return 1
	# shellcheck disable=SC2086 # one word per step id
	scancel --signal="$1" $ids
}
# wait_for SECONDS PID...: waits until none of the processes runs any more, at most SECONDS.
wait_for() {
	local i n=$(($1 * 2))
	shift
	for ((i = 0; i < n; i++)); do
		kill -0 "$@" 2>/dev/null || return 0
		sleep 0.5
	done
	return 1
}
# stop_steps asks the scheduler to shut down (it tells the workers to stop, they exit 0, it
# removes its scheduler file) and waits for both steps to end by themselves.
stop_steps() {
	local s
	if kill -0 "$scheduler_pid" 2>/dev/null; then
		echo "lazygraph: stopping the scheduler, which stops the workers" >&2
		signal_step INT ` + schedulerStep + ` || return 0
		wait_for 60 "$scheduler_pid" || return 0
	fi
	if [[ -n $workers_pid ]] && ! wait_for 10 "$workers_pid"; then
		echo "lazygraph: stopping the workers" >&2
		signal_step TERM ` + workersStep + ` || return 0
		wait_for 60 "$workers_pid" || return 0
	fi
	s=0
	wait "$scheduler_pid" || s=$?
	echo "lazygraph: the scheduler step ended with status $s" >&2
	if [[ -n $workers_pid ]]; then
		s=0
		wait "$workers_pid" || s=$?
		echo "lazygraph: the workers step ended with status $s" >&2
	fi
}
`

// waitForFile is the sh script each worker task runs first: $1 is the scheduler file, $2 the
// timeout in seconds and the rest the command to exec once the file is there.
const waitForFile = `f=$1 t=$2; shift 2; i=0; while [ ! -s "$f" ]; do if [ "$i" -ge "$t" ]; then echo "lazygraph: no scheduler file $f on $(hostname) after ${t}s" >&2; exit 1; fi; i=$((i + 1)); sleep 1; done; exec "$@"`

func quoteAll(words []string) []string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = Quote(w)
	}
	return quoted
}

// wrapWords joins already-quoted shell words, continuing the line with a backslash once it
// passes about 100 columns (but not between an option and its operand), for a readable script.
func wrapWords(words []string) string {
	var b strings.Builder
	col := 0
	for i, w := range words {
		if i > 0 {
			if col+1+len(w) > 100 && !takesOperand[words[i-1]] {
				b.WriteString(" \\\n\t")
				col = 8
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		if j := strings.LastIndexByte(w, '\n'); j >= 0 {
			col = len(w) - j - 1
		} else {
			col += len(w)
		}
	}
	return b.String()
}

// takesOperand lists the options of the generated commands that take the next word.
var takesOperand = map[string]bool{"-u": true, "-c": true, "-o": true, "-listen": true, "-scheduler-file": true, "-status": true}
