package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

var resourceRun = regexp.MustCompile(`^task (\d+) (gpu|cpu) pid (\d+) procid (\d*) resources (\S*)$`)

// TestSlurmOnlyTheGPUWorkerRunsGPUTasks launches a job of 2 workers on the Slurm that
// .ci/slurm-up starts, where only the first (SLURM_PROCID 0) declares gpu=1
// (LAZYGRAPH_WORKER_RESOURCES), and a computation of 12 tasks of which 6 need gpu=1. Every
// task records the worker that ran it (pid, SLURM_PROCID, declared resources): each gpu task
// ran exactly once, on the gpu worker; every task ran exactly once; the result is right.
func TestSlurmOnlyTheGPUWorkerRunsGPUTasks(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_SLURM") != "1" {
		t.Skip("set LAZYGRAPH_TEST_SLURM=1 to submit jobs to the Slurm that .ci/slurm-up starts")
	}
	bin, dir := buildLazygraph(t)
	app := filepath.Join(dir, "lazygraph-app")
	program := "#!/bin/sh\n" +
		`if [ "${LAZYGRAPH_WORKER-}" = distributed ]; then` + "\n" +
		`	if [ "${SLURM_PROCID:-0}" = 0 ]; then export LAZYGRAPH_WORKER_RESOURCES=gpu=1; fi` + "\n" +
		"	exec " + bin + " bench\nfi\n" +
		bin + " bench -shape gpu -n 12\n"
	if err := os.WriteFile(app, []byte(program), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "gpu.out")
	count := filepath.Join(dir, "gpu-executions")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, "launch", "slurm", "-nodes", "1", "-workers-per-node", "2",
		"-scheduler-file", filepath.Join(dir, "scheduler-gpu.json"), "-output", out,
		"-env", "LAZYGRAPH_BENCH_SLEEP=300", "-env", "LAZYGRAPH_BENCH_COUNT="+count, "-submit", "--", app)
	launched, err := cmd.CombinedOutput()
	job, _ := os.ReadFile(out)
	if err != nil {
		t.Fatalf("launch: %v\n%s\njob output:\n%s", err, launched, job)
	}
	if m := resultLine.FindStringSubmatch(string(job)); m == nil || m[2] != "66" {
		t.Fatalf("the client did not compute 66 on the cluster:\n%s", job)
	}
	runs, err := os.ReadFile(count)
	if err != nil {
		t.Fatalf("no task executions recorded: %v", err)
	}
	seen := map[string]int{}
	byWorker := map[string][]string{}
	gpuPids := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(runs)), "\n") {
		m := resourceRun.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("unexpected execution line %q", l)
		}
		task, kind, pid, procid, res := m[1], m[2], m[3], m[4], m[5]
		seen[task]++
		worker := fmt.Sprintf("pid %s procid %s resources %q", pid, procid, res)
		byWorker[worker] = append(byWorker[worker], kind+" "+task)
		if kind == "gpu" {
			if res != "gpu=1" || procid != "0" {
				t.Errorf("gpu task %s ran on a worker without gpu=1: %s", task, worker)
			}
			gpuPids[pid] = true
		}
	}
	if len(seen) != 12 {
		t.Errorf("%d distinct tasks ran, want 12:\n%s", len(seen), runs)
	}
	for task, n := range seen {
		if n != 1 {
			t.Errorf("task %s ran %d times", task, n)
		}
	}
	if len(gpuPids) != 1 {
		t.Errorf("gpu tasks ran in %d processes, want the one gpu worker", len(gpuPids))
	}
	var lines []string
	for w, tasks := range byWorker {
		lines = append(lines, fmt.Sprintf("%s ran %s", w, strings.Join(tasks, ", ")))
	}
	sort.Strings(lines)
	t.Logf("launch to result in %.1fs; executions by worker:\n%s", time.Since(start).Seconds(), strings.Join(lines, "\n"))
	for _, bad := range []string{"Killed", "srun: error", "forcing job termination"} {
		if strings.Contains(string(job), bad) {
			t.Errorf("the job output has %q:\n%s", bad, job)
		}
	}
}
