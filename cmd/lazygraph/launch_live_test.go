package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var submittedJob = regexp.MustCompile(`submitted Slurm job (\d+)`)

// TestSlurmLaunchEndsCleanly launches real computations with "lazygraph launch slurm -submit"
// on the Slurm that .ci/slurm-up starts, and checks how the jobs end: a job whose client
// succeeded is COMPLETED and one whose client failed is FAILED with the client's exit code,
// both with their scheduler and workers stopped cleanly (each step ends with status 0; srun
// reports nothing killed or cancelled). The cluster has no accounting database (sacct), so the
// job state comes from scontrol and the step states from the job's own report of each srun's
// exit status.
func TestSlurmLaunchEndsCleanly(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_SLURM") != "1" {
		t.Skip("set LAZYGRAPH_TEST_SLURM=1 to submit jobs to the Slurm that .ci/slurm-up starts")
	}
	bin, dir := buildLazygraph(t)
	// The program: workers serve; the client computes on the cluster, then exits with
	// $CLIENT_EXIT. A name without white space, for proctrack (see .ci/slurm-up).
	app := filepath.Join(dir, "lazygraph-app")
	program := "#!/bin/sh\n" +
		`if [ "${LAZYGRAPH_WORKER-}" = distributed ]; then exec ` + bin + " bench; fi\n" +
		bin + " bench -shape wide -n 20000 || exit\n" +
		`exit "$CLIENT_EXIT"` + "\n"
	if err := os.WriteFile(app, []byte(program), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		exit  string
		state string
	}{{"succeeds", "0", "COMPLETED"}, {"fails", "7", "FAILED"}} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "job-"+c.name+".out")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "launch", "slurm", "-nodes", "1", "-workers-per-node", "2",
				"-scheduler-file", filepath.Join(dir, "scheduler-"+c.name+".json"), "-output", out,
				"-env", "CLIENT_EXIT="+c.exit, "-submit", "--", app)
			launched, err := cmd.CombinedOutput()
			job, _ := os.ReadFile(out)
			if (err == nil) != (c.exit == "0") {
				t.Errorf("launch: %v, want an error only when the client fails\n%s", err, launched)
			}
			m := submittedJob.FindStringSubmatch(string(launched))
			if m == nil {
				t.Fatalf("launch printed no job id:\n%s\njob output:\n%s", launched, job)
			}
			if !resultLine.MatchString(string(job)) {
				t.Errorf("the job's client did not compute on the cluster:\n%s", job)
			}
			show, err := exec.Command("scontrol", "show", "job", m[1]).CombinedOutput()
			if err != nil {
				t.Fatalf("scontrol show job %s: %v\n%s", m[1], err, show)
			}
			for _, want := range []string{"JobState=" + c.state + " ", "ExitCode=" + c.exit + ":0"} {
				if !strings.Contains(string(show), want) {
					t.Errorf("scontrol show job lacks %q:\n%s\njob output:\n%s", want, show, job)
				}
			}
			for _, bad := range []string{"Killed", "CANCELLED", "srun: error", "Terminated", "forcing job termination"} {
				if strings.Contains(string(job), bad) {
					t.Errorf("the job output has %q: a step did not end cleanly:\n%s", bad, job)
				}
			}
			for _, want := range []string{"the client exited with status " + c.exit,
				"the scheduler step ended with status 0", "the workers step ended with status 0"} {
				if !strings.Contains(string(job), want) {
					t.Errorf("the job output lacks %q:\n%s", want, job)
				}
			}
		})
	}
}
