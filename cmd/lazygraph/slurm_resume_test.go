package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer written by a command and read by the test meanwhile.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var simTasksRun = regexp.MustCompile(`simulation: (\d+) tasks`)

// TestSlurmResumeAfterTheJobIsCut (issue 13): examples/simulation with a result store
// (LAZYGRAPH_CACHE) under "lazygraph launch slurm -submit"; the first job is cut short
// half-way, the second runs only the replicates missing from the store and prints output
// byte-identical to an uninterrupted run's.
//
// The cut is "scancel" of the running job, as a stand-in for its walltime: Slurm ends a job at
// its time limit the same way (SIGTERM to every step, SIGKILL KillWait later), but its limit is
// counted in whole minutes and checked periodically, so a real walltime would cost this test
// minutes and make where the study is cut depend on the machine's speed. The workers share the
// client's directory, so they write the entries themselves.
func TestSlurmResumeAfterTheJobIsCut(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_SLURM") != "1" {
		t.Skip("set LAZYGRAPH_TEST_SLURM=1 to submit jobs to the Slurm that .ci/slurm-up starts")
	}
	bin, dir := buildLazygraph(t)
	sim := filepath.Join(dir, "lazygraph-sim")
	if out, err := exec.Command("go", "build", "-o", sim, "../../examples/simulation").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const replicates = 2000
	args := "-replicates " + strconv.Itoa(replicates) + " -n 200 -p 60 -seed 5"
	want, err := exec.Command(sim, append(strings.Fields(args), "-scheduler", "threads")...).Output()
	if err != nil {
		t.Fatalf("the uninterrupted run: %v", err)
	}
	// The program: workers serve; the client writes the study's CSV to $SIM_OUT. A name
	// without white space, for proctrack (see .ci/slurm-up).
	app := filepath.Join(dir, "lazygraph-resume")
	program := "#!/bin/sh\n" +
		`if [ "${LAZYGRAPH_WORKER-}" = distributed ]; then exec ` + sim + "; fi\n" +
		"exec " + sim + " " + args + ` > "$SIM_OUT"` + "\n"
	if err := os.WriteFile(app, []byte(program), 0o755); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	entries := func() int {
		m, _ := filepath.Glob(filepath.Join(cache, "*.lgr"))
		return len(m)
	}
	launch := func(ctx context.Context, name string) (*exec.Cmd, *syncBuffer, string) {
		out := filepath.Join(dir, name+".out")
		cmd := exec.CommandContext(ctx, bin, "launch", "slurm", "-nodes", "1", "-workers-per-node", "2",
			"-scheduler-file", filepath.Join(dir, "scheduler-"+name+".json"), "-output", out,
			"-env", "LAZYGRAPH_CACHE="+cache, "-env", "SIM_OUT="+filepath.Join(dir, name+".csv"), "-submit", "--", app)
		var launched syncBuffer
		cmd.Stdout, cmd.Stderr = &launched, &launched
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &launched, out
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// The first job, cut once a tenth of the replicates are kept.
	first, launched, _ := launch(ctx, "first")
	var job string
	waitFor(t, "the first job to keep a tenth of the study", func() bool {
		if m := submittedJob.FindStringSubmatch(launched.String()); m != nil {
			job = m[1]
		}
		return job != "" && entries() >= replicates/10
	})
	if out, err := exec.Command("scancel", job).CombinedOutput(); err != nil {
		t.Fatalf("scancel %s: %v\n%s", job, err, out)
	}
	_ = first.Wait() // cut: its failure is expected
	kept := entries()
	if kept >= replicates {
		t.Fatalf("the first job finished before it was cut (%d entries)", kept)
	}
	t.Logf("the first job (%s) was cut with %d of %d replicates kept", job, kept, replicates)

	// The second job resumes.
	second, launched, out := launch(ctx, "second")
	err = second.Wait()
	report, _ := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the second job: %v\n%s\njob output:\n%s", err, launched.String(), report)
	}
	got, err := os.ReadFile(filepath.Join(dir, "second.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the resumed job's output (%d bytes) differs from an uninterrupted run's (%d bytes)", len(got), len(want))
	}
	m := simTasksRun.FindStringSubmatch(string(report))
	if m == nil {
		t.Fatalf("no task count in the second job's report:\n%s", report)
	}
	if ran, _ := strconv.Atoi(m[1]); ran != replicates-kept {
		t.Fatalf("the second job ran %d tasks with %d of %d replicates kept; want %d", ran, kept, replicates, replicates-kept)
	}
}
