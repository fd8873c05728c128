package processes_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// Chaos (issue 10): workers SIGKILLed every few hundred milliseconds and one SIGSTOPped for a
// while during a computation of 1e5 tasks; the result is right and no process is left behind.
// -short runs 2e4 tasks; LAZYGRAPH_CHAOS=long runs 1e6.

// chaosTasks is the size of a chaos computation.
func chaosTasks() int {
	switch {
	case os.Getenv("LAZYGRAPH_CHAOS") == "long":
		return 1_000_000
	case testing.Short():
		return 20_000
	}
	return 100_000
}

// chaosWork spins for about 20 µs, so that a computation lasts long enough to be disturbed.
var chaosWork = delayed.Func1(func(i int) int64 {
	deadline := time.Now().Add(20 * time.Microsecond)
	for time.Now().Before(deadline) {
	}
	return 3*int64(i) + 1
})

var chaosSum = delayed.Func1(func(xs []int64) int64 {
	var t int64
	for _, x := range xs {
		t += x
	}
	return t
})

// children returns the processes whose parent is pid, with their state letter.
func children(pid int) map[int]string {
	out := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) >= 2 && f[1] == strconv.Itoa(pid) {
			out[child] = f[0]
		}
	}
	return out
}

// pick returns one of the pids, or 0.
func pick(rng *rand.Rand, pids map[int]string) int {
	var live []int
	for p, state := range pids {
		if state != "Z" {
			live = append(live, p)
		}
	}
	if len(live) == 0 {
		return 0
	}
	return live[rng.IntN(len(live))]
}

func TestChaosWorkersKilledDuringALargeComputation(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	defer processes.Close()
	n := chaosTasks()
	parts := make([]delayed.Delayed[int64], n)
	for i := range parts {
		parts[i] = chaosWork(delayed.Value(i))
	}
	total := chaosSum(delayed.All(parts))
	want := 3*int64(n)*int64(n-1)/2 + int64(n)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	type outcome struct {
		v   int64
		err error
	}
	result := make(chan outcome, 1)
	go func() {
		v, err := total.Compute(ctx, opts(2, delayed.WithChunksize(64))...)
		result <- outcome{v, err}
	}()

	rng := rand.New(rand.NewPCG(10, uint64(n)))
	me := os.Getpid()
	var killed []int
	stopped, idle, short := 0, 0, 0
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	var got outcome
loop:
	for k := 0; ; k++ {
		select {
		case got = <-result:
			break loop
		case <-tick.C:
		}
		kids := children(me)
		p := pick(rng, kids)
		if p == 0 {
			idle++
			continue
		}
		if k >= 3 && stopped == 0 {
			// A stall: stopped for two seconds, then continued.
			stopped = p
			syscall.Kill(p, syscall.SIGSTOP)
			time.AfterFunc(2*time.Second, func() { syscall.Kill(p, syscall.SIGCONT) })
			continue
		}
		if p != stopped {
			syscall.Kill(p, syscall.SIGKILL)
			killed = append(killed, p)
		}
		if len(kids) < 2 {
			short++
		}
	}
	t.Logf("%d tasks, %d workers killed, one stopped for 2 s; of the ticks, %d found no worker and %d fewer than 2", n, len(killed), idle, short)
	if got.err != nil || got.v != want {
		t.Fatalf("with workers killed: %d, %v; want %d", got.v, got.err, want)
	}
	if len(killed) == 0 {
		t.Log("the computation ended before any worker was killed")
	}
	// No process left behind: every killed worker is reaped, and none is left once closed.
	if err := processes.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(children(me)) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if left := children(me); len(left) > 0 {
		t.Errorf("processes left behind (pid: state): %v", left)
	}
}
