package launch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Runner runs the command name with args, feeding it stdin when stdin is not nil, and returns
// what it wrote on standard output. Its error should include what it wrote on standard error.
type Runner func(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error)

// ExecRunner is the [Runner] that runs commands with os/exec.
func ExecRunner(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return out, fmt.Errorf("%s: %w: %s", name, err, msg)
		}
		return out, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// DefaultPollInterval is how often [SlurmClient.Wait] asks about a job when PollInterval is 0.
const DefaultPollInterval = 5 * time.Second

// SlurmClient submits batch scripts to Slurm and follows the jobs, through the sbatch,
// scontrol and sacct commands. The zero value runs them with [ExecRunner].
type SlurmClient struct {
	// Run runs the Slurm commands; nil means ExecRunner.
	Run Runner
	// PollInterval is how often Wait asks about the job; 0 means DefaultPollInterval.
	PollInterval time.Duration
}

// Job is a submitted Slurm job.
type Job struct {
	ID      string // the job id sbatch printed
	Cluster string // the cluster, when sbatch named one (federations, -M)
	Output  string // the job's output file as Slurm resolved it; empty when unknown
}

// JobResult is how a job ended.
type JobResult struct {
	Job
	State    string // the final state: COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, ...
	ExitCode int    // the batch script's exit status
	Signal   int    // the signal that ended the batch script, 0 if none
}

// Err returns nil when the job completed with exit status 0, and otherwise an error saying how
// it ended and where its output is.
func (r JobResult) Err() error {
	if r.State == "COMPLETED" && r.ExitCode == 0 && r.Signal == 0 {
		return nil
	}
	msg := fmt.Sprintf("slurm job %s ended %s with exit code %d", r.ID, r.State, r.ExitCode)
	if r.Signal != 0 {
		msg += fmt.Sprintf(" (signal %d)", r.Signal)
	}
	if r.Output != "" {
		msg += "; output in " + r.Output
	}
	return errors.New(msg)
}

func (c *SlurmClient) run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	if c.Run == nil {
		return ExecRunner(ctx, stdin, name, args...)
	}
	return c.Run(ctx, stdin, name, args...)
}

var jobIDPattern = regexp.MustCompile(`^[0-9]+$`)

// Submit submits script with "sbatch --parsable", giving the script on standard input, and
// returns the job. It then asks scontrol for the job's output file; when that fails the job is
// still returned, with an empty Output.
func (c *SlurmClient) Submit(ctx context.Context, script string) (Job, error) {
	out, err := c.run(ctx, []byte(script), "sbatch", "--parsable")
	if err != nil {
		return Job{}, fmt.Errorf("submitting the job: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	id, cluster, _ := strings.Cut(last, ";")
	if !jobIDPattern.MatchString(id) {
		return Job{}, fmt.Errorf("sbatch --parsable printed %q, not a job id", strings.TrimSpace(string(out)))
	}
	job := Job{ID: id, Cluster: cluster}
	if info, err := c.show(ctx, job); err == nil {
		job.Output = info.output
	}
	return job, nil
}

// jobInfo is what scontrol or sacct say about a job.
type jobInfo struct {
	state    string
	exitCode int
	signal   int
	output   string
}

// terminalStates are the job states that do not change any more.
var terminalStates = map[string]bool{
	"BOOT_FAIL": true, "CANCELLED": true, "COMPLETED": true, "DEADLINE": true, "FAILED": true,
	"NODE_FAIL": true, "OUT_OF_MEMORY": true, "PREEMPTED": true, "REVOKED": true, "TIMEOUT": true,
}

// maxQueryFailures is how many failed queries in a row Wait tolerates (slurmctld may be busy).
const maxQueryFailures = 5

// Wait polls until the job has ended and returns how. It returns early with an error when ctx
// is done or Slurm cannot say anything about the job any more; it does not cancel the job.
func (c *SlurmClient) Wait(ctx context.Context, job Job) (JobResult, error) {
	interval := c.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	failures := 0
	for {
		info, err := c.query(ctx, job)
		switch {
		case err == nil:
			failures = 0
			if info.output != "" {
				job.Output = info.output
			}
			if terminalStates[info.state] {
				return JobResult{Job: job, State: info.state, ExitCode: info.exitCode, Signal: info.signal}, nil
			}
		case ctx.Err() != nil:
			return JobResult{Job: job}, fmt.Errorf("waiting for slurm job %s: %w", job.ID, ctx.Err())
		default:
			failures++
			if failures >= maxQueryFailures {
				return JobResult{Job: job}, fmt.Errorf("waiting for slurm job %s: %w", job.ID, err)
			}
		}
		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return JobResult{Job: job}, fmt.Errorf("waiting for slurm job %s: %w", job.ID, ctx.Err())
		case <-timer.C:
		}
	}
}

// query asks scontrol about the job and, once scontrol has forgotten it (MinJobAge after it
// ended), the accounting database through sacct.
func (c *SlurmClient) query(ctx context.Context, job Job) (jobInfo, error) {
	info, err := c.show(ctx, job)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "invalid job id") {
		return info, err
	}
	args := []string{"-n", "-P", "-X", "-j", job.ID, "-o", "State,ExitCode"}
	if job.Cluster != "" {
		args = append([]string{"-M", job.Cluster}, args...)
	}
	out, sacctErr := c.run(ctx, nil, "sacct", args...)
	if sacctErr == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			state, exit, ok := strings.Cut(strings.TrimSpace(l), "|")
			if !ok {
				continue
			}
			info := jobInfo{state: firstWord(state)} // "CANCELLED by 1000"
			info.exitCode, info.signal = parseExitCode(exit)
			return info, nil
		}
		sacctErr = errors.New("sacct has no record of it")
	}
	return jobInfo{}, fmt.Errorf("scontrol no longer knows job %s (%v), and sacct cannot say how it ended: %w", job.ID, err, sacctErr)
}

// show runs "scontrol show job" and parses its multi-line output, in which StdOut has a line
// of its own (so a path with spaces survives).
func (c *SlurmClient) show(ctx context.Context, job Job) (jobInfo, error) {
	args := []string{"show", "job", job.ID}
	if job.Cluster != "" {
		args = append([]string{"-M", job.Cluster}, args...)
	}
	out, err := c.run(ctx, nil, "scontrol", args...)
	if err != nil {
		return jobInfo{}, err
	}
	var info jobInfo
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if rest, ok := strings.CutPrefix(l, "StdOut="); ok {
			info.output = rest
			continue
		}
		for _, field := range strings.Fields(l) {
			key, value, _ := strings.Cut(field, "=")
			switch key {
			case "JobState":
				info.state = value
			case "ExitCode":
				info.exitCode, info.signal = parseExitCode(value)
			}
		}
	}
	if info.state == "" {
		return jobInfo{}, fmt.Errorf("scontrol show job %s printed no JobState: %q", job.ID, strings.TrimSpace(string(out)))
	}
	return info, nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// parseExitCode parses Slurm's "status:signal".
func parseExitCode(s string) (code, signal int) {
	c, sig, _ := strings.Cut(strings.TrimSpace(s), ":")
	code, _ = strconv.Atoi(c)
	signal, _ = strconv.Atoi(sig)
	return code, signal
}
