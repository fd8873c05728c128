package launch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSlurm answers sbatch, scontrol and sacct from canned replies.
type fakeSlurm struct {
	mu       sync.Mutex
	calls    []string
	stdin    string
	sbatch   string   // sbatch's output
	states   []string // successive JobState values scontrol reports; then "Invalid job id"
	exitCode string
	sacct    string // sacct's output; empty means sacct fails
	failures int    // scontrol fails this many times first with a transient error
}

func (f *fakeSlurm) run(_ context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name+" "+strings.Join(args, " "))
	switch name {
	case "sbatch":
		f.stdin = string(stdin)
		return []byte(f.sbatch), nil
	case "scontrol":
		if f.failures > 0 {
			f.failures--
			return nil, errors.New("scontrol: exit status 1: slurm_load_jobs error: Socket timed out on send/recv operation")
		}
		if len(f.states) == 0 {
			return nil, errors.New("scontrol: exit status 1: slurm_load_jobs error: Invalid job id specified")
		}
		state := f.states[0]
		if len(f.states) > 1 || state == "" {
			f.states = f.states[1:]
		}
		if state == "" {
			return nil, errors.New("scontrol: exit status 1: slurm_load_jobs error: Invalid job id specified")
		}
		id := args[len(args)-1]
		return []byte(fmt.Sprintf(`JobId=%s JobName=lazygraph
   UserId=ana(1000) GroupId=ana(1000) MCS_label=N/A
   Priority=1 Nice=0 Account=(null) QOS=(null)
   JobState=%s Reason=None Dependency=(null)
   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=%s
   RunTime=00:00:01 TimeLimit=UNLIMITED TimeMin=N/A
   WorkDir=/home/ana/my runs
   StdErr=/home/ana/my runs/slurm-%s.out
   StdIn=/dev/null
   StdOut=/home/ana/my runs/slurm-%s.out
   Power=
`, id, state, f.exitCode, id, id)), nil
	case "sacct":
		if f.sacct == "" {
			return nil, errors.New("sacct: exit status 1: Slurm accounting storage is disabled")
		}
		return []byte(f.sacct), nil
	}
	return nil, fmt.Errorf("unexpected command %s", name)
}

func TestSlurmClientSubmitAndWait(t *testing.T) {
	f := &fakeSlurm{sbatch: "1234\n", states: []string{"PENDING", "PENDING", "RUNNING", "COMPLETING", "COMPLETED"}, exitCode: "0:0"}
	c := &SlurmClient{Run: f.run, PollInterval: time.Millisecond}
	job, err := c.Submit(context.Background(), "#!/bin/bash\necho hi\n")
	if err != nil {
		t.Fatal(err)
	}
	if f.stdin != "#!/bin/bash\necho hi\n" || f.calls[0] != "sbatch --parsable" {
		t.Errorf("sbatch got %q with %q", f.calls[0], f.stdin)
	}
	if job.ID != "1234" || job.Cluster != "" || job.Output != "/home/ana/my runs/slurm-1234.out" {
		t.Errorf("job %+v", job)
	}
	res, err := c.Wait(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if res.State != "COMPLETED" || res.ExitCode != 0 || res.Err() != nil {
		t.Errorf("result %+v, err %v", res, res.Err())
	}
	if n := len(f.calls); n != 6 {
		t.Errorf("%d calls, want sbatch then scontrol until COMPLETED: %q", n, f.calls)
	}
}

func TestSlurmClientFailedJob(t *testing.T) {
	f := &fakeSlurm{sbatch: "77;cluster2\n", states: []string{"RUNNING", "FAILED"}, exitCode: "3:0"}
	c := &SlurmClient{Run: f.run, PollInterval: time.Millisecond}
	job, err := c.Submit(context.Background(), "script")
	if err != nil {
		t.Fatal(err)
	}
	if job.ID != "77" || job.Cluster != "cluster2" {
		t.Errorf("job %+v", job)
	}
	if f.calls[1] != "scontrol -M cluster2 show job 77" {
		t.Errorf("scontrol called as %q", f.calls[1])
	}
	res, err := c.Wait(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	want := "slurm job 77 ended FAILED with exit code 3; output in /home/ana/my runs/slurm-77.out"
	if res.State != "FAILED" || res.ExitCode != 3 || res.Err() == nil || res.Err().Error() != want {
		t.Errorf("result %+v, err %v; want %s", res, res.Err(), want)
	}
}

func TestSlurmClientFallsBackToSacct(t *testing.T) {
	f := &fakeSlurm{sbatch: "9\n", states: []string{"RUNNING", ""}, sacct: "CANCELLED by 1000|0:15\n"}
	c := &SlurmClient{Run: f.run, PollInterval: time.Millisecond}
	res, err := c.Wait(context.Background(), Job{ID: "9"})
	if err != nil {
		t.Fatal(err)
	}
	if res.State != "CANCELLED" || res.Signal != 15 || !strings.Contains(res.Err().Error(), "CANCELLED") {
		t.Errorf("result %+v", res)
	}
	if last := f.calls[len(f.calls)-1]; last != "sacct -n -P -X -j 9 -o State,ExitCode" {
		t.Errorf("sacct called as %q", last)
	}
}

func TestSlurmClientErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("sbatch fails", func(t *testing.T) {
		c := &SlurmClient{Run: func(context.Context, []byte, string, ...string) ([]byte, error) {
			return nil, errors.New("sbatch: error: invalid partition specified: nope")
		}}
		if _, err := c.Submit(ctx, "x"); err == nil || !strings.Contains(err.Error(), "invalid partition") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("sbatch prints no id", func(t *testing.T) {
		f := &fakeSlurm{sbatch: "Submitted batch job 12\n"}
		if _, err := (&SlurmClient{Run: f.run}).Submit(ctx, "x"); err == nil || !strings.Contains(err.Error(), "not a job id") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("output unknown", func(t *testing.T) {
		f := &fakeSlurm{sbatch: "12\n"}
		job, err := (&SlurmClient{Run: f.run}).Submit(ctx, "x")
		if err != nil || job.ID != "12" || job.Output != "" {
			t.Errorf("job %+v, error %v", job, err)
		}
	})
	t.Run("job forgotten everywhere", func(t *testing.T) {
		f := &fakeSlurm{}
		_, err := (&SlurmClient{Run: f.run, PollInterval: time.Millisecond}).Wait(ctx, Job{ID: "5"})
		if err == nil || !strings.Contains(err.Error(), "scontrol no longer knows job 5") || !strings.Contains(err.Error(), "accounting storage is disabled") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("transient failures are retried", func(t *testing.T) {
		f := &fakeSlurm{failures: maxQueryFailures - 1, states: []string{"COMPLETED"}, exitCode: "0:0"}
		res, err := (&SlurmClient{Run: f.run, PollInterval: time.Millisecond}).Wait(ctx, Job{ID: "5"})
		if err != nil || res.State != "COMPLETED" {
			t.Errorf("result %+v, error %v", res, err)
		}
	})
	t.Run("persistent failures end the wait", func(t *testing.T) {
		f := &fakeSlurm{failures: maxQueryFailures, states: []string{"COMPLETED"}}
		_, err := (&SlurmClient{Run: f.run, PollInterval: time.Millisecond}).Wait(ctx, Job{ID: "5"})
		if err == nil || !strings.Contains(err.Error(), "timed out") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		f := &fakeSlurm{states: []string{"RUNNING"}}
		ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := (&SlurmClient{Run: f.run, PollInterval: 10 * time.Millisecond}).Wait(ctx, Job{ID: "5"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v", err)
		}
	})
}

func TestExecRunner(t *testing.T) {
	out, err := ExecRunner(context.Background(), []byte("hello"), "cat")
	if err != nil || string(out) != "hello" {
		t.Errorf("cat: %q, %v", out, err)
	}
	_, err = ExecRunner(context.Background(), nil, "sh", "-c", "echo oops >&2; exit 4")
	if err == nil || !strings.Contains(err.Error(), "exit status 4: oops") {
		t.Errorf("error %v", err)
	}
}
