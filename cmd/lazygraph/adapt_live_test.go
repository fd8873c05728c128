package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// allowOversubscribe lets jobs share the single test node's 2 CPUs for the test's duration (the
// adaptive test runs the launching job and 3 worker jobs at once).
func allowOversubscribe(t *testing.T) {
	t.Helper()
	out, err := exec.Command("scontrol", "show", "partition", "debug").CombinedOutput()
	if err != nil {
		t.Skipf("no debug partition: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "OverSubscribe=NO") {
		return
	}
	if out, err := exec.Command("scontrol", "update", "PartitionName=debug", "OverSubscribe=FORCE:4").CombinedOutput(); err != nil {
		t.Skipf("cannot let jobs share the node: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("scontrol", "update", "PartitionName=debug", "OverSubscribe=NO").Run() })
}

// adaptPoint is one line of the scheduler's -adapt-log.
type adaptPoint struct {
	Time     time.Time `json:"time"`
	Target   int       `json:"target"`
	Starting int       `json:"starting"`
	Serving  int       `json:"serving"`
	Retiring int       `json:"retiring"`
	Tasks    int       `json:"tasks"`
	Started  int       `json:"started"`
	Retired  int       `json:"retired"`
}

// TestSlurmAdaptiveScalesToThreeAndBackToZero launches "lazygraph launch slurm -adapt -min 0
// -max 3" on the Slurm that .ci/slurm-up starts: the job holds the scheduler and the client; a
// computation of 18 slow tasks makes the scheduler submit 3 worker jobs, which it retires once
// they idle; the client waits until no worker job is left. It checks the result, that every
// task ran once, the timeline (0 -> 3 -> 0 serving workers) and that the job ends COMPLETED.
func TestSlurmAdaptiveScalesToThreeAndBackToZero(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_SLURM") != "1" {
		t.Skip("set LAZYGRAPH_TEST_SLURM=1 to submit jobs to the Slurm that .ci/slurm-up starts")
	}
	allowOversubscribe(t)
	bin, dir := buildLazygraph(t)
	app := filepath.Join(dir, "lazygraph-app")
	timeline := filepath.Join(dir, "adapt.jsonl")
	program := "#!/bin/sh\n" +
		`if [ "${LAZYGRAPH_WORKER-}" = distributed ]; then exec ` + bin + " bench; fi\n" +
		bin + " bench -shape slow -n 18 || exit\n" +
		"# Wait (at most 2 minutes) until the scheduler has retired every worker job and its timeline\n" +
		"# has seen them go (its next look, a quarter second later: the job ends the scheduler).\n" +
		`i=0; while [ $i -lt 240 ] && { [ -n "$(squeue -h --name=lazygraph-worker-$SLURM_JOB_ID -o %i)" ] || ! tail -n 1 ` + timeline + ` | grep -q '"starting":0,"serving":0,"retiring":0'; }; do sleep 0.5; i=$((i + 1)); done` + "\n" +
		`echo "worker jobs left: $(squeue -h --name=lazygraph-worker-$SLURM_JOB_ID -o %i | wc -l)"` + "\n"
	if err := os.WriteFile(app, []byte(program), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "adapt.out")
	count := filepath.Join(dir, "adapt-executions")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "launch", "slurm", "-adapt", "-min", "0", "-max", "3", "-idle", "2s",
		"-worker-sbatch=--oversubscribe", "-worker-output", filepath.Join(dir, "worker-%A_%a.out"),
		"-scheduler-file", filepath.Join(dir, "scheduler-adapt.json"), "-output", out,
		"-env", "LAZYGRAPH_BENCH_SLEEP=1500", "-env", "LAZYGRAPH_BENCH_COUNT="+count,
		"-scheduler-arg=-adapt-log="+timeline, "-scheduler-arg=-adapt-interval=250ms",
		"-submit", "--", app)
	var launched bytes.Buffer
	cmd.Stdout, cmd.Stderr = &launched, &launched
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Record the worker jobs in the queue while the job runs (a record, not an assertion).
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var queue []string
	last := ""
	var err error
poll:
	for {
		select {
		case err = <-done:
			break poll
		case <-time.After(500 * time.Millisecond):
		}
		o, _ := exec.Command("squeue", "-h", "-o", "%j %T").Output()
		running, pending := 0, 0
		for _, l := range strings.Split(string(o), "\n") {
			if strings.HasPrefix(l, "lazygraph-worker-") {
				if strings.HasSuffix(l, "RUNNING") {
					running++
				} else {
					pending++
				}
			}
		}
		if s := fmt.Sprintf("worker jobs running %d pending %d", running, pending); s != last {
			queue = append(queue, fmt.Sprintf("%6.1fs %s", time.Since(start).Seconds(), s))
			last = s
		}
	}
	job, _ := os.ReadFile(out)
	if err != nil {
		t.Fatalf("launch: %v\n%s\njob output:\n%s", err, launched.String(), job)
	}
	t.Logf("squeue, seen from the test:\n%s", strings.Join(queue, "\n"))
	m := resultLine.FindStringSubmatch(string(job))
	if m == nil || m[2] != "153" {
		t.Fatalf("the client did not compute 153 on the cluster:\n%s", job)
	}
	runs, _ := os.ReadFile(count)
	if n := bytes.Count(runs, []byte("\n")); n != 18 {
		t.Errorf("%d task executions for 18 tasks", n)
	}
	if !strings.Contains(string(job), "worker jobs left: 0") {
		t.Errorf("worker jobs were left in the queue:\n%s", job)
	}
	points := readTimeline(t, timeline)
	peak, final := 0, points[len(points)-1]
	var lines []string
	for _, p := range points {
		peak = max(peak, p.Serving)
		lines = append(lines, fmt.Sprintf("%6.2fs target %d starting %d serving %d retiring %d tasks %d",
			p.Time.Sub(points[0].Time).Seconds(), p.Target, p.Starting, p.Serving, p.Retiring, p.Tasks))
	}
	t.Logf("scheduler's timeline:\n%s", strings.Join(lines, "\n"))
	if peak != 3 || final.Serving != 0 || final.Starting != 0 || final.Retiring != 0 || final.Retired < 3 {
		t.Errorf("want 0 -> 3 -> 0 serving workers, all retired; peak %d, last %+v", peak, final)
	}
	if st := regexp.MustCompile(`scheduler: retirements: .*`).FindString(string(job)); st != "" {
		t.Log(st)
	}
	for _, bad := range []string{"Killed", "srun: error", "forcing job termination"} {
		if strings.Contains(string(job), bad) {
			t.Errorf("the job output has %q:\n%s", bad, job)
		}
	}
	// The retired worker jobs exited 0: COMPLETED, not CANCELLED.
	id := submittedJob.FindStringSubmatch(launched.String())
	if id == nil {
		t.Fatalf("launch printed no job id:\n%s", launched.String())
	}
	all, _ := exec.Command("scontrol", "show", "job").Output()
	workers := 0
	for _, block := range strings.Split(string(all), "\n\n") {
		if !strings.Contains(block, "JobName=lazygraph-worker-"+id[1]+"\n") && !strings.Contains(block, "JobName=lazygraph-worker-"+id[1]+" ") {
			continue
		}
		workers++
		if !strings.Contains(block, "JobState=COMPLETED") || !strings.Contains(block, "ExitCode=0:0") {
			t.Errorf("a worker job did not end COMPLETED with status 0:\n%s", block)
		}
	}
	t.Logf("%d worker jobs, all COMPLETED", workers)
	if workers < 3 {
		t.Errorf("scontrol knows %d worker jobs of job %s, want at least 3", workers, id[1])
	}
}

func readTimeline(t *testing.T, path string) []adaptPoint {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no adaptive timeline: %v", err)
	}
	defer f.Close()
	var points []adaptPoint
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p adaptPoint
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("timeline line %q: %v", sc.Text(), err)
		}
		points = append(points, p)
	}
	if len(points) == 0 {
		t.Fatal("empty adaptive timeline")
	}
	return points
}

var retirementLine = regexp.MustCompile(`scheduler: retirements: workers=(\d+) values_moved=(\d+) bytes_moved=(\d+) values_to_workers=(\d+) values_lost=(\d+)`)

// TestSlurmWorkerLifetimeRetiresMidComputation launches a job of 2 workers, the first with a
// 20 s lifetime, and a computation that outlasts it: the worker retires in the middle, hands its
// values over, and every task runs exactly once.
func TestSlurmWorkerLifetimeRetiresMidComputation(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_SLURM") != "1" {
		t.Skip("set LAZYGRAPH_TEST_SLURM=1 to submit jobs to the Slurm that .ci/slurm-up starts")
	}
	bin, dir := buildLazygraph(t)
	app := filepath.Join(dir, "lazygraph-app")
	program := "#!/bin/sh\n" +
		`if [ "${LAZYGRAPH_WORKER-}" = distributed ]; then` + "\n" +
		`	if [ "${SLURM_PROCID:-0}" = 0 ]; then export LAZYGRAPH_WORKER_LIFETIME=20s; fi` + "\n" +
		"	exec " + bin + " bench\nfi\n" +
		bin + " bench -shape slow -n 16\n"
	if err := os.WriteFile(app, []byte(program), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "lifetime.out")
	count := filepath.Join(dir, "lifetime-executions")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "launch", "slurm", "-nodes", "1", "-workers-per-node", "2",
		"-scheduler-file", filepath.Join(dir, "scheduler-lifetime.json"), "-output", out,
		"-env", "LAZYGRAPH_BENCH_SLEEP=3000", "-env", "LAZYGRAPH_BENCH_COUNT="+count, "-submit", "--", app)
	launched, err := cmd.CombinedOutput()
	job, _ := os.ReadFile(out)
	if err != nil {
		t.Fatalf("launch: %v\n%s\njob output:\n%s", err, launched, job)
	}
	if m := resultLine.FindStringSubmatch(string(job)); m == nil || m[2] != "120" {
		t.Fatalf("the client did not compute 120 on the cluster:\n%s", job)
	}
	runs, _ := os.ReadFile(count)
	if n := bytes.Count(runs, []byte("\n")); n != 16 {
		t.Errorf("%d task executions for 16 tasks: something was computed again\n%s", n, runs)
	}
	m := retirementLine.FindStringSubmatch(string(job))
	if m == nil || m[1] != "1" || m[5] != "0" {
		t.Fatalf("want one retirement with nothing lost, the scheduler said %q:\n%s", m, job)
	}
	t.Logf("%s; task executions %d for 16 tasks", m[0], bytes.Count(runs, []byte("\n")))
	for _, bad := range []string{"Killed", "srun: error", "forcing job termination"} {
		if strings.Contains(string(job), bad) {
			t.Errorf("the job output has %q:\n%s", bad, job)
		}
	}
}
