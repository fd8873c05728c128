package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Chaos on a CLI-started cluster (issue 10): `lazygraph scheduler` and `lazygraph worker`
// processes; during a wide computation of 1e5 tasks (`lazygraph bench`), a worker is SIGKILLed
// every few hundred milliseconds and replaced, and one is SIGSTOPped past the scheduler's
// silence limit (5 s), up to a budget of kills. The result is right and no process is left behind. -short runs 2e4 tasks,
// LAZYGRAPH_CHAOS=long 1e6.
func TestChaosCLICluster(t *testing.T) {
	// The kills are bounded: with no end to them, the last task (gathering all 1e5 values) is
	// eventually charged with three worker deaths and the computation fails with ErrWorkerDied,
	// as the coordinator's retry policy says it must.
	n, budget := 100_000, 20
	switch {
	case os.Getenv("LAZYGRAPH_CHAOS") == "long":
		n, budget = 1_000_000, 100
	case testing.Short():
		n, budget = 20_000, 8
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "lazygraph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "scheduler.json")
	var procs []*exec.Cmd
	start := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, cmd)
		return cmd
	}
	waited := map[*exec.Cmd]bool{}
	wait := func(cmd *exec.Cmd) {
		if !waited[cmd] {
			waited[cmd] = true
			cmd.Wait()
		}
	}
	t.Cleanup(func() {
		for _, cmd := range procs {
			cmd.Process.Kill()
			wait(cmd)
		}
	})
	sched := start("scheduler", "-listen", "127.0.0.1:0", "-scheduler-file", file)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if info, err := os.Stat(file); err == nil && info.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler wrote no scheduler file")
		}
		time.Sleep(50 * time.Millisecond)
	}
	const size = 3
	// Workers with their nanny (restarting them however often the test kills them).
	workerArgs := []string{"worker", "-scheduler-file", file, "-max-restarts", "1000"}
	workers := make([]*exec.Cmd, 0, size)
	for range size {
		workers = append(workers, start(workerArgs...))
	}

	bench := exec.Command(bin, "bench", "-scheduler", "distributed", "-scheduler-file", file, "-shape", "wide", "-n", strconv.Itoa(n))
	var out bytes.Buffer
	bench.Stdout, bench.Stderr = &out, &out
	bench.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := bench.Start(); err != nil {
		t.Fatal(err)
	}
	benchDone := make(chan error, 1)
	go func() { benchDone <- bench.Wait() }()

	rng := rand.New(rand.NewPCG(7, uint64(n)))
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	var (
		benchErr error
		killed   int
		stopped  bool
		timeout  = time.After(10 * time.Minute)
		children = map[int]bool{} // every worker process seen under a nanny
	)
loop:
	for k := 0; ; k++ {
		select {
		case benchErr = <-benchDone:
			break loop
		case <-timeout:
			bench.Process.Kill()
			t.Fatalf("the computation did not end in 10 minutes:\n%s", out.String())
		case <-tick.C:
		}
		if killed >= budget {
			continue
		}
		i := rng.IntN(len(workers))
		w := workers[i]
		child := childOf(w.Process.Pid)
		if child != 0 {
			children[child] = true
		}
		switch {
		case k == 2 && !stopped && child != 0:
			// The worker process stopped past the silence limit: the scheduler must give its
			// tasks to the others; then it is killed and its nanny starts it again.
			stopped = true
			syscall.Kill(child, syscall.SIGSTOP)
			time.AfterFunc(7*time.Second, func() { syscall.Kill(child, syscall.SIGKILL); syscall.Kill(child, syscall.SIGCONT) })
		case k%2 == 1 && child != 0:
			// The worker process: its nanny starts it again.
			syscall.Kill(child, syscall.SIGKILL)
			killed++
		default:
			// The nanny: its worker dies with it, and the test starts another.
			w.Process.Signal(syscall.SIGKILL)
			wait(w)
			killed++
			workers[i] = start(workerArgs...)
		}
	}
	t.Logf("%d tasks, %d workers or nannies killed, one worker stopped for 7 s then killed", n, killed)
	want := strconv.FormatInt(int64(n)*int64(n+1)/2, 10)
	m := regexp.MustCompile(`result=(\S+)`).FindStringSubmatch(out.String())
	if benchErr != nil || m == nil || m[1] != want {
		t.Fatalf("bench with workers killed: %v, want result=%s:\n%s", benchErr, want, out.String())
	}

	// No process left behind: the scheduler stops on SIGTERM, the workers with it or on SIGTERM.
	sched.Process.Signal(syscall.SIGTERM)
	for _, w := range workers {
		w.Process.Signal(syscall.SIGTERM)
	}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		for _, cmd := range append([]*exec.Cmd{sched}, workers...) {
			cmd.Wait()
		}
	}()
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the scheduler and workers did not exit within 30 s of SIGTERM")
	}
	for _, cmd := range append([]*exec.Cmd{sched}, workers...) {
		waited[cmd] = true
	}
	// The nannies' workers (grandchildren of the test, so not in the count below) are gone too.
	for child := range children {
		waitFor(t, "worker process "+strconv.Itoa(child)+" to end", func() bool { return !alive(child) })
	}
	me := strconv.Itoa(os.Getpid())
	var left []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		if f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]); len(f) >= 2 && f[1] == me {
			left = append(left, e.Name()+":"+f[0])
		}
	}
	if len(left) > 0 {
		t.Errorf("processes left behind (pid:state): %v", left)
	}
}
