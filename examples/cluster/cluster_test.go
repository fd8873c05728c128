// Package cluster holds the test that runs the cv example on a cluster started by hand; the
// README explains how to do the same on real machines.
package cluster

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func build(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

func TestCrossValidationByHand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs and starts a cluster")
	}
	dir := t.TempDir()
	cv := build(t, dir, "../cv")
	lazygraph := build(t, dir, "../../cmd/lazygraph")
	file := filepath.Join(dir, "sched.json")
	args := []string{"-n", "200", "-p", "8", "-folds", "5", "-trees", "10"}

	start := func(env []string, name string, args ...string) *exec.Cmd {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stderr = os.Stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	start(nil, lazygraph, "scheduler", "-listen", "127.0.0.1:0", "-scheduler-file", file)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if st, err := os.Stat(file); err == nil && st.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler wrote no scheduler file")
		}
		time.Sleep(20 * time.Millisecond)
	}
	worker := []string{"LAZYGRAPH_WORKER=distributed", "LAZYGRAPH_SCHEDULER_FILE=" + file}
	start(worker, cv)
	start(worker, cv)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	client := exec.CommandContext(ctx, cv, args...)
	client.Env = append(os.Environ(), "LAZYGRAPH_SCHEDULER=distributed", "LAZYGRAPH_SCHEDULER_ADDRESS="+file)
	onCluster, err := client.Output()
	if err != nil {
		t.Fatalf("cv on the cluster: %v", err)
	}
	local := exec.CommandContext(ctx, cv, args...)
	local.Env = append(os.Environ(), "LAZYGRAPH_SCHEDULER=threads")
	onThreads, err := local.Output()
	if err != nil {
		t.Fatalf("cv on threads: %v", err)
	}
	if string(onCluster) != string(onThreads) || len(onCluster) == 0 {
		t.Errorf("the cluster printed\n%s\nthreads printed\n%s", onCluster, onThreads)
	}
}
