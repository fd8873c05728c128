package launch

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSlurmScriptLive submits generated batch scripts to a real Slurm (the one .ci/slurm-up
// starts) with the stand-in scheduler and program of fakes_test.go, and follows them with
// SlurmClient. It checks the plumbing (steps, environment, quoting, exit status, cleanup), not
// the distributed scheduler. It runs only when LAZYGRAPH_TEST_SLURM=1.
func TestSlurmScriptLive(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_SLURM") != "1" {
		t.Skip("set LAZYGRAPH_TEST_SLURM=1 to submit jobs to the Slurm that .ci/slurm-up starts")
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Fatal("LAZYGRAPH_TEST_SLURM=1 but sbatch is not in PATH; run .ci/slurm-up")
	}
	for _, c := range []struct {
		name  string
		exit  int
		state string
	}{{"succeeds", 0, "COMPLETED"}, {"fails", 3, "FAILED"}} {
		t.Run(c.name, func(t *testing.T) {
			fc := newFakeCluster(t)
			// A program name without white space: proctrack/linuxproc cannot see processes
			// whose names hold some (see .ci/slurm-up), and would drain the node.
			fc.app = writeExecutable(t, filepath.Join(fc.dir, "my programs"), "lazygraph-app", fakeProgram)
			// The job runs as this user, but slurmstepd must be able to enter the directory.
			if err := os.Chmod(fc.dir, 0o755); err != nil {
				t.Fatal(err)
			}
			schedFile := filepath.Join(fc.dir, "shared", "scheduler.json")
			output := filepath.Join(fc.dir, "job-%j.out")
			script, err := SlurmScript(SlurmOptions{
				Binary: fc.app, Args: awkwardArgs, Nodes: 1, WorkersPerNode: 2,
				SchedulerBinary: fc.scheduler, SchedulerFile: schedFile, Output: output,
				Time: "2", JobName: "lazygraph-live-test", StartTimeout: 30 * time.Second,
				Env: []string{"FAKE_LOG=" + fc.log, "FAKE_WORKERS=2", "FAKE_CLIENT_EXIT=" + string(rune('0'+c.exit))},
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			client := &SlurmClient{PollInterval: 500 * time.Millisecond}
			job, err := client.Submit(ctx, script)
			if err != nil {
				t.Fatal(err)
			}
			wantOutput := strings.ReplaceAll(output, "%j", job.ID)
			if job.Output != wantOutput {
				t.Errorf("job output %q, want %q", job.Output, wantOutput)
			}
			res, err := client.Wait(ctx, job)
			if err != nil {
				exec.Command("scancel", job.ID).Run()
				t.Fatal(err)
			}
			out, _ := os.ReadFile(wantOutput)
			if res.State != c.state || res.ExitCode != c.exit {
				t.Fatalf("job ended %s with exit code %d, want %s and %d; output:\n%s", res.State, res.ExitCode, c.state, c.exit, out)
			}
			if got := readArgs(t, filepath.Join(fc.log, "client.args")); !equalStrings(got, awkwardArgs) {
				t.Errorf("client arguments\n%q\nwant\n%q", got, awkwardArgs)
			}
			if n := len(fc.workerDirs(t)); n != 2 {
				t.Errorf("%d workers started, want 2", n)
			}
			for _, w := range fc.workerDirs(t) {
				if got := readArgs(t, filepath.Join(w, "args")); !equalStrings(got, awkwardArgs) {
					t.Errorf("worker arguments\n%q\nwant\n%q", got, awkwardArgs)
				}
			}
			if _, err := os.Stat(schedFile); !os.IsNotExist(err) {
				t.Errorf("the scheduler file outlived the job: %v", err)
			}
			// Clean endings: the scheduler is asked to shut down and stops the workers, so no
			// step is cancelled or killed and both end with status 0 (COMPLETED).
			for _, bad := range []string{"Killed", "CANCELLED", "srun: error", "forcing job termination"} {
				if strings.Contains(string(out), bad) {
					t.Errorf("the job output has %q: a step was cancelled rather than stopped cleanly:\n%s", bad, out)
				}
			}
			for _, want := range []string{"fake scheduler listening on", "0: fake worker serving", "1: fake worker serving", "client result=42",
				"fake scheduler shut down", "the scheduler step ended with status 0", "the workers step ended with status 0"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("the job output lacks %q:\n%s", want, out)
				}
			}
			fc.checkAllGone(t)
		})
	}
}
