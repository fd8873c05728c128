package processes_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/cgroup"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// Issue 13: a worker the kernel's OOM killer kills is reported as killed for memory, naming the
// task it ran and its memory, not as a bare "signal: killed". A real kernel OOM kill: the test
// makes a memory cgroup with a 192 MiB limit, runs a client process in it (its workers start
// there too) and has a worker allocate past the limit.
//
// It needs root and a writable memory cgroup hierarchy (v1's memory controller, or v2 with the
// memory controller delegated): enabled by LAZYGRAPH_TEST_CGROUP=1, which .ci/run sets under
// CI=true as root.

const (
	envTestCgroup = "LAZYGRAPH_TEST_CGROUP"
	envOOMCgroup  = "LAZYGRAPH_TEST_OOM_CGROUP" // the client helper's cgroup directory
	oomLimit      = 192 << 20
)

// growMemory allocates mb MiB in 8 MiB steps, touching every page, so that its worker's memory
// reports see it grow; past its worker's memory it is killed.
var growMemory = delayed.Func1(func(mb int) int {
	var held [][]byte
	for range mb / 8 {
		b := make([]byte, 8<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		held = append(held, b)
		time.Sleep(10 * time.Millisecond)
	}
	return len(held)
})

func TestKernelOOMKillIsNamed(t *testing.T) {
	if os.Getenv(envTestCgroup) != "1" {
		t.Skipf("set %s=1 (root, writable memory cgroups) to run a worker into a real kernel OOM kill", envTestCgroup)
	}
	self, ok := cgroup.Of(0)
	if !ok {
		t.Fatalf("%s=1 but this process has no memory cgroup to read (/proc/self/cgroup, /proc/self/mountinfo)", envTestCgroup)
	}
	cg, err := self.NewChild(fmt.Sprintf("lazygraph-oom-test-%d", os.Getpid()), oomLimit)
	if err != nil {
		t.Fatalf("%s=1 but: %v", envTestCgroup, err)
	}
	defer func() {
		if err := cg.Remove(); err != nil {
			t.Errorf("removing the test's cgroup: %v", err)
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKernelOOMClient$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), envOOMCgroup+"="+cg.Dir(), worker.EnvMemory+"=4GB", worker.EnvPause+"=off", worker.EnvSpill+"=off")
	out, err := cmd.CombinedOutput()
	t.Logf("client in %s:\n%s", cg.Dir(), out)
	if err != nil {
		t.Fatalf("the client failed: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestKernelOOMClient") {
		t.Fatalf("the client did not pass")
	}
	if n := cg.OOMKills(); n < 1 {
		t.Fatalf("the cgroup counts %d OOM kills; want at least 1", n)
	}
}

// TestKernelOOMClient is TestKernelOOMKillIsNamed's client, run in its cgroup.
func TestKernelOOMClient(t *testing.T) {
	dir := os.Getenv(envOOMCgroup)
	if dir == "" {
		t.Skip("run by TestKernelOOMKillIsNamed")
	}
	if err := os.WriteFile(dir+"/cgroup.procs", []byte(strconv.Itoa(os.Getpid())), 0); err != nil {
		t.Fatal(err)
	}
	freshPools(t)
	hog := growMemory(delayed.Value(1024))
	_, err := hog.Compute(context.Background(), opts(1)...)
	t.Logf("error: %v", err)
	var te *delayed.TaskError
	if !errors.Is(err, worker.ErrOutOfMemory) || !errors.Is(err, processes.ErrWorkerKilled) || !errors.As(err, &te) || te.Key != hog.Key() {
		t.Fatalf("err = %v; want ErrOutOfMemory naming %s", err, hog.Key())
	}
	var oom *worker.OutOfMemoryError
	if !errors.As(err, &oom) || oom.Task == "" || oom.CgroupLimit != oomLimit || oom.Limit != 4e9 {
		t.Fatalf("out-of-memory report %+v: want the task, the budget and the cgroup's limit", oom)
	}
	for _, want := range []string{"killed for memory", "OOM killer", "while running task", hog.Task().Func().Name(), "cgroup's memory limit is 192.0MiB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The pool still works afterwards.
	if v, err := incOne(delayed.Value(1)).Compute(context.Background(), opts(1)...); err != nil || v != 2 {
		t.Fatalf("after the deaths: %d, %v", v, err)
	}
}
