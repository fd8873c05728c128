package distributed_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// ignoreCtx sleeps without looking at its context: cancelling its computation leaves the worker
// no choice but to be dropped.
var ignoreCtx = delayed.Func1(func(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return ms })

// localWorkers returns the pids of the live (not zombie) worker processes of lc.
func localWorkers(t *testing.T, lc *distributed.LocalCluster) []int {
	t.Helper()
	want := []byte(distributed.EnvAddress + "=" + lc.Address() + "\x00")
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("needs /proc")
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(env, want) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && (f[0] == "Z" || f[0] == "X") {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

func startLocal(t *testing.T, workers int) *distributed.LocalCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	lc, err := distributed.StartLocalCluster(ctx, distributed.LocalClusterOptions{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lc.Close() })
	return lc
}

// computeOn computes a small graph on lc and checks the answer; a hang is a failure.
func computeOn(t *testing.T, lc *distributed.LocalCluster, round int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	parts := make([]delayed.Delayed[int], 8)
	for i := range parts {
		parts[i] = inc(delayed.Value(i + round))
	}
	got, err := sumInts(delayed.All(parts)).Compute(ctx, delayed.Using(lc))
	if want := 36 + 8*round; err != nil || got != want {
		t.Fatalf("round %d: got %d, %v; want %d (live workers %v, connected %d)", round, got, err, want,
			localWorkers(t, lc), lc.Server().Workers())
	}
}

// waitForSize waits until lc has n live worker processes, none of them in old, all joined.
func waitForSize(t *testing.T, lc *distributed.LocalCluster, n int, old []int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		pids := localWorkers(t, lc)
		fresh := 0
		for _, p := range pids {
			isOld := false
			for _, o := range old {
				isOld = isOld || o == p
			}
			if !isOld {
				fresh++
			}
		}
		if fresh == n && len(pids) == n && lc.Server().Workers() == n {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the cluster did not get back to %d workers: live %v (killed %v), %d connected",
		n, localWorkers(t, lc), old, lc.Server().Workers())
}

func TestLocalClusterReplacesWorkersKilledTogether(t *testing.T) {
	lc := startLocal(t, 2)
	computeOn(t, lc, 0)
	for round := 1; round <= 4; round++ {
		pids := localWorkers(t, lc)
		if len(pids) != 2 {
			t.Fatalf("round %d: %d worker processes, want 2: %v", round, len(pids), pids)
		}
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
		computeOn(t, lc, round) // right after the kill: must not wait forever with no workers
		waitForSize(t, lc, 2, pids)
	}
}

func TestLocalClusterReplacesASingleKilledWorker(t *testing.T) {
	lc := startLocal(t, 2)
	for round := range 6 {
		pids := localWorkers(t, lc)
		if len(pids) != 2 {
			t.Fatalf("round %d: %d worker processes, want 2: %v", round, len(pids), pids)
		}
		syscall.Kill(pids[round%2], syscall.SIGKILL)
		computeOn(t, lc, round)
		waitForSize(t, lc, 2, pids[round%2:round%2+1])
	}
}

func TestLocalClusterRunsRightAfterACancel(t *testing.T) {
	lc := startLocal(t, 2)
	for round := range 4 {
		ctx, cancel := context.WithCancel(context.Background())
		parts := make([]delayed.Delayed[int], 4)
		for i := range parts {
			parts[i] = ignoreCtx(delayed.Value(3000 + i))
		}
		done := make(chan error, 1)
		go func() {
			_, err := delayed.All(parts).Compute(ctx, delayed.Using(lc))
			done <- err
		}()
		waitRunning(t, lc, done)
		cancel()
		if err := <-done; err == nil {
			t.Fatalf("round %d: a cancelled computation succeeded", round)
		}
		computeOn(t, lc, round)
	}
	waitForSize(t, lc, 2, nil)
}

// waitRunning waits until a worker of lc has a task running, so that a cancel lands mid-run; a
// computation that ends first (on done) is a failure.
func waitRunning(t *testing.T, lc *distributed.LocalCluster, done <-chan error) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		for _, w := range lc.Server().Status().Workers {
			if w.Running != "" {
				return
			}
		}
		select {
		case err := <-done:
			t.Fatalf("the computation ended before a task ran: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("no task was running after 60 s")
}

// buildProgram builds the program in testdata/dir.
func buildProgram(t *testing.T, dir string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), dir)
	if out, err := exec.Command("go", "build", "-o", exe, "./testdata/"+dir).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return exe
}

func TestLocalClusterReportsForgottenInitAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	exe := buildProgram(t, "noinit")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, exe).CombinedOutput()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("the program hung:\n%s", out)
	}
	if err == nil || !strings.Contains(string(out), "delayed.Init") {
		t.Fatalf("exit %v, output:\n%s\nwant an error telling to call delayed.Init", err, out)
	}
	// The workers exit within milliseconds; the error must not wait for a startup timeout (30 s).
	if elapsed > 15*time.Second {
		t.Errorf("the error came after %v:\n%s", elapsed, out)
	}
	complaints := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "error: this process was started as a lazygraph worker") {
			complaints++
		}
	}
	if complaints > 2 {
		t.Errorf("workers were restarted for a cluster of 2:\n%s", out)
	}
	t.Logf("forgotten Init reported after %v", elapsed)
}
