package launch

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// SlurmWorkers starts and stops the workers of an adaptive scheduler as Slurm jobs (it
// implements distributed.BatchLauncher): several workers started at once are one job array.
// Each worker job runs the program with LAZYGRAPH_WORKER=distributed and the scheduler file, is
// named lazygraph-worker-<ClusterID> (so that `squeue --name` shows them), and gets SIGTERM a
// minute before its walltime (--signal=B:TERM@60), on which the worker retires gracefully.
type SlurmWorkers struct {
	// Binary and Args are the worker program, as the compute nodes see it.
	Binary string
	Args   []string
	// Env holds extra NAME=VALUE variables for the workers.
	Env []string
	// SchedulerFile is the scheduler file's absolute path on a filesystem every node shares.
	SchedulerFile string
	// ClusterID names the jobs: lazygraph-worker-<ClusterID> (the launching job's id, say).
	ClusterID string
	// Partition, Time, Account, Mem and Output become sbatch options; CPUs is --cpus-per-task.
	Partition, Time, Account, Mem, Output string
	CPUs                                  int
	// SbatchArgs are further sbatch options, one per #SBATCH line ("--oversubscribe").
	SbatchArgs []string
	// Client runs sbatch and scancel; the zero value runs the real commands.
	Client SlurmClient

	mu   sync.Mutex
	n    int
	jobs map[string]string // worker name -> Slurm job id (array jobs: id_index)
}

// JobName is the Slurm job name of the workers.
func (l *SlurmWorkers) JobName() string { return "lazygraph-worker-" + l.ClusterID }

// StartWorker submits one worker job.
func (l *SlurmWorkers) StartWorker(ctx context.Context) (string, error) {
	names, err := l.StartWorkers(ctx, 1)
	if err != nil {
		return "", err
	}
	return names[0], nil
}

// StartWorkers submits n workers as one job (an array when n > 1) and returns their names.
func (l *SlurmWorkers) StartWorkers(ctx context.Context, n int) ([]string, error) {
	if n < 1 {
		return nil, nil
	}
	l.mu.Lock()
	base := l.n + 1
	l.n += n
	l.mu.Unlock()
	script, err := l.Script(base, n)
	if err != nil {
		return nil, err
	}
	job, err := l.Client.Submit(ctx, script)
	if err != nil {
		return nil, fmt.Errorf("submitting %d worker job(s): %w", n, err)
	}
	names := make([]string, n)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.jobs == nil {
		l.jobs = map[string]string{}
	}
	for k := range n {
		names[k] = l.workerName(base + k)
		id := job.ID
		if n > 1 {
			id = job.ID + "_" + strconv.Itoa(k)
		}
		l.jobs[names[k]] = id
	}
	return names, nil
}

func (l *SlurmWorkers) workerName(k int) string { return fmt.Sprintf("%s-%d", l.JobName(), k) }

// StopWorker cancels the named worker's job (pending or still running).
func (l *SlurmWorkers) StopWorker(ctx context.Context, name string) error {
	l.mu.Lock()
	id := l.jobs[name]
	delete(l.jobs, name)
	l.mu.Unlock()
	if id == "" {
		return nil
	}
	if _, err := l.Client.run(ctx, nil, "scancel", id); err != nil {
		return fmt.Errorf("cancelling worker %s (job %s): %w", name, id, err)
	}
	return nil
}

// Script returns the batch script of n workers numbered from base.
func (l *SlurmWorkers) Script(base, n int) (string, error) {
	var p problems
	checkProgram(&p, l.Binary, l.Args)
	checkEnv(&p, l.Env)
	if l.SchedulerFile == "" || !strings.HasPrefix(l.SchedulerFile, "/") {
		p.add("SchedulerFile", "%q is not an absolute path", l.SchedulerFile)
	}
	if l.ClusterID == "" || strings.IndexFunc(l.ClusterID, isSpaceOrControl) >= 0 {
		p.add("ClusterID", "%q: want a word (the launching job's id, say)", l.ClusterID)
	}
	for _, f := range []struct{ name, value string }{
		{"Partition", l.Partition}, {"Account", l.Account}, {"Mem", l.Mem}, {"Output", l.Output},
	} {
		if strings.HasPrefix(f.value, "-") || strings.IndexFunc(f.value, isSpaceOrControl) >= 0 {
			p.add(f.name, "%q is not a word for an #SBATCH line", f.value)
		}
	}
	if l.Time != "" && !slurmTime.MatchString(l.Time) {
		p.add("Time", "%q is not a Slurm time limit", l.Time)
	}
	if l.CPUs < 0 {
		p.add("CPUs", "%d is negative", l.CPUs)
	}
	for _, a := range l.SbatchArgs {
		if !strings.HasPrefix(a, "-") || strings.ContainsAny(a, "\x00\n\r") {
			p.add("SbatchArgs", "%q is not an sbatch option on one line", a)
		}
	}
	if err := p.err(); err != nil {
		return "", err
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("#!/bin/bash")
	line("#SBATCH --job-name=%s", l.JobName())
	line("#SBATCH --ntasks=1")
	if n > 1 {
		line("#SBATCH --array=0-%d", n-1)
	}
	line("#SBATCH --signal=B:TERM@60")
	if l.CPUs > 0 {
		line("#SBATCH --cpus-per-task=%d", l.CPUs)
	}
	for _, f := range []struct{ option, value string }{
		{"partition", l.Partition}, {"time", l.Time}, {"account", l.Account}, {"mem", l.Mem}, {"output", l.Output},
	} {
		if f.value != "" {
			line("#SBATCH --%s=%s", f.option, f.value)
		}
	}
	for _, a := range l.SbatchArgs {
		line("#SBATCH %s", a)
	}
	line("# lazygraph adaptive worker(s) of cluster %s (submitted by its scheduler)", commentSafe(l.ClusterID))
	line(`name=%s-$((%d + ${SLURM_ARRAY_TASK_ID:-0}))`, Quote(l.JobName()), base)
	env := envArgs([]string{EnvScheduler, EnvSchedulerAddress, "SLURM_JOB_END_TIME"}, append(append([]string{}, l.Env...), EnvWorker+"="+Distributed)...)
	cmd := append([]string{"exec"}, quoteAll(env)...)
	cmd = append(cmd, EnvSchedulerFile+"="+Quote(l.SchedulerFile), `LAZYGRAPH_WORKER_NAME="$name"`)
	cmd = append(cmd, quoteAll(append([]string{l.Binary}, l.Args...))...)
	line("%s", wrapWords(cmd))
	return b.String(), nil
}
