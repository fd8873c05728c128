package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// envResumeChild makes TestResumeChild run the simulation with these arguments (separated by
// spaces), writing its standard output to the file named by envResumeOut: how the resume test
// starts a simulation it can kill.
const (
	envResumeChild = "SIMULATION_RESUME_CHILD"
	envResumeOut   = "SIMULATION_RESUME_OUT"
)

// TestResumeChild is the simulation run in a child process by TestResumeAfterKill.
func TestResumeChild(t *testing.T) {
	args := os.Getenv(envResumeChild)
	if args == "" {
		t.Skip("run by TestResumeAfterKill")
	}
	out, err := os.Create(os.Getenv(envResumeOut))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := run(context.Background(), strings.Fields(args), out, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// startChild starts the simulation in a child process with a result store in cache.
func startChild(t *testing.T, args, cache, out string, stderr *bytes.Buffer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envResumeChild+"="+args, envResumeOut+"="+out, delayed.EnvCache+"="+cache)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

func countEntries(t *testing.T, dir string) int {
	t.Helper()
	entries, err := filepath.Glob(filepath.Join(dir, "*.lgr"))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

var tasksRun = regexp.MustCompile(`simulation: (\d+) tasks`)

// TestResumeAfterKill kills a simulation with SIGKILL half-way through and starts it again with
// the same result store: the second run runs only the replicates the first did not finish, and
// its output is byte-identical to an uninterrupted run's.
func TestResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills child processes")
	}
	const replicates = 600
	for _, sched := range []string{"threads", "processes", "distributed"} {
		t.Run(sched, func(t *testing.T) {
			args := fmt.Sprintf("-replicates %d -n 40 -p 15 -seed 5 -scheduler %s -workers 1", replicates, sched)
			want := runSimulation(t, strings.Fields(args)...)

			dir := t.TempDir()
			cache, out := filepath.Join(dir, "cache"), filepath.Join(dir, "out.csv")
			var stderr bytes.Buffer
			first := startChild(t, args, cache, out, &stderr)
			deadline := time.Now().Add(5 * time.Minute)
			for countEntries(t, cache) < replicates/2 && time.Now().Before(deadline) {
				time.Sleep(2 * time.Millisecond)
			}
			if err := first.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = first.Wait() // killed: its error is expected
			kept := countEntries(t, cache)
			if kept < replicates/2 || kept >= replicates {
				t.Fatalf("the first run was killed with %d of %d replicates kept; want it cut short half-way\nstderr:\n%s", kept, replicates, stderr.String())
			}

			stderr.Reset()
			second := startChild(t, args, cache, out, &stderr)
			if err := second.Wait(); err != nil {
				t.Fatalf("the resumed run failed: %v\nstderr:\n%s", err, stderr.String())
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Fatalf("the resumed run's output differs from an uninterrupted run's:\n%s\nwant:\n%s", got, want)
			}
			m := tasksRun.FindStringSubmatch(stderr.String())
			if m == nil {
				t.Fatalf("no task count in the resumed run's report:\n%s", stderr.String())
			}
			ran, _ := strconv.Atoi(m[1])
			if want := replicates - kept; ran != want { // the missing replicates (ComputeEach gathers nothing)
				t.Fatalf("the resumed run ran %d tasks with %d of %d replicates kept; want %d", ran, kept, replicates, want)
			}
		})
	}
}
