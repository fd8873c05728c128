package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// These tests run a real cluster: jobs submitted to the Slurm that .ci/slurm-up starts, and a
// scheduler and workers in network namespaces this test creates (hosts joined by veth). They
// need root and the tools; CI runs them with LAZYGRAPH_TEST_SLURM=1 and LAZYGRAPH_TEST_NETNS=1.

// buildLazygraph builds this command into a directory every "host" can see.
func buildLazygraph(t *testing.T) (bin, dir string) {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", "lazygraph-live-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin = filepath.Join(dir, "lazygraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, dir
}

var resultLine = regexp.MustCompile(`scheduler=distributed .* bytes_sent=(\d+) result=(\S+)`)

func TestSlurmCluster(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_SLURM") != "1" {
		t.Skip("set LAZYGRAPH_TEST_SLURM=1 to submit a job to the Slurm that .ci/slurm-up starts")
	}
	bin, dir := buildLazygraph(t)
	out := filepath.Join(dir, "job.out")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "launch", "slurm", "-nodes", "1", "-workers-per-node", "2",
		"-scheduler-file", filepath.Join(dir, "scheduler.json"), "-output", out, "-submit",
		"--", bin, "bench", "-shape", "wide", "-n", "20000")
	launched, err := cmd.CombinedOutput()
	job, _ := os.ReadFile(out)
	if err != nil {
		t.Fatalf("launch: %v\n%s\njob output:\n%s", err, launched, job)
	}
	m := resultLine.FindStringSubmatch(string(job))
	if m == nil || m[2] != "200010000" || m[1] == "0" {
		t.Fatalf("the job's client did not compute on the cluster:\n%s", job)
	}
}

func TestNamespaceCluster(t *testing.T) {
	if os.Getenv("LAZYGRAPH_TEST_NETNS") != "1" {
		t.Skip("set LAZYGRAPH_TEST_NETNS=1 (as root) to run a scheduler and workers in network namespaces")
	}
	repo, _ := filepath.Abs("../..")
	if out, err := exec.Command(filepath.Join(repo, ".ci/netns-up"), "2").CombinedOutput(); err != nil {
		t.Fatalf("netns-up: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command(filepath.Join(repo, ".ci/netns-down"), "--kill").Run() })
	bin, dir := buildLazygraph(t)
	file := filepath.Join(dir, "scheduler.json")

	start := func(ns string, args ...string) *exec.Cmd {
		cmd := exec.Command("ip", append([]string{"netns", "exec", ns, bin}, args...)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	start("lg-sched", "scheduler", "-listen", "10.77.0.1:8786", "-scheduler-file", file, "-status", "10.77.0.1:8787")
	waitForFile(t, file)
	start("lg-w1", "worker", "-scheduler-file", file, "-name", "w1")
	w2 := start("lg-w2", "worker", "-scheduler-file", file, "-name", "w2")

	bench := func(args ...string) (bytes, result string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"bench", "-scheduler", "distributed", "-scheduler-file", file}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bench %v: %v\n%s", args, err, out)
		}
		m := resultLine.FindStringSubmatch(string(out))
		if m == nil {
			t.Fatalf("bench %v printed:\n%s", args, out)
		}
		return m[1], m[2]
	}
	waitForWorkers(t, file)
	if _, r := bench("-shape", "wide", "-n", "20000"); r != "200010000" {
		t.Errorf("wide across namespaces: result %s", r)
	}
	b, r := bench("-shape", "shared", "-size", "1000000", "-tasks", "8")
	if sent, _ := strconv.ParseInt(b, 10, 64); !strings.HasPrefix(r, "31.99") || sent < 8_000_000 || sent > 17_000_000 {
		t.Errorf("shared across namespaces: result %s, %s bytes sent (want one 8 MB copy per worker)", r, b)
	}
	// A worker killed mid-run: the other finishes the work.
	go func() {
		time.Sleep(700 * time.Millisecond)
		w2.Process.Kill()
	}()
	if _, r := bench("-shape", "balance"); r != "120" {
		t.Errorf("balance with a worker killed: result %s", r)
	}
}

func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if info, err := os.Stat(path); err == nil && info.Size() > 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s was not written", path)
}

// waitForWorkers waits until the scheduler's status lists both workers. The status endpoint
// listens beyond loopback, so it wants the token of the scheduler file.
func waitForWorkers(t *testing.T, file string) {
	t.Helper()
	sf, err := distributed.ReadSchedulerFile(file)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("GET", "http://10.77.0.1:8787/status", nil)
		req.Header.Set("Authorization", "Bearer "+sf.Token)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			out, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Count(string(out), `"name"`) >= 2 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the workers did not join the scheduler")
}
