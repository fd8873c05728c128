package processes_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/processes"
	"github.com/lazygraph/lazygraph/schedulers/schedulertest"
)

// envRole makes the test binary play a part in a test other than running tests.
const envRole = "PROCESSES_TEST_ROLE"

func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	if os.Getenv(envRole) == "orphan-parent" {
		orphanParent()
		return
	}
	code := m.Run()
	processes.Close()
	os.Exit(code)
}

func opts(workers int, extra ...delayed.Option) []delayed.Option {
	return append([]delayed.Option{delayed.WithScheduler(processes.Name), delayed.WithWorkers(workers)}, extra...)
}

func TestConformance(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: processes.Name, Workers: 2, WorkerProcesses: true})
}

func TestConformanceChunked(t *testing.T) {
	schedulertest.Run(t, schedulertest.Options{Scheduler: processes.Name, Workers: 3, WorkerProcesses: true,
		Extra: []delayed.Option{delayed.WithChunksize(7)}})
}

// Task functions, wrapped at package level so that the workers know them.
var (
	noisy = delayed.Func1(func(i int) int {
		// Output that looks like frames must not disturb the protocol.
		fmt.Printf("\x00\x00\x00\x00\x00\x00\x00\xff task %d says hello\n", i)
		os.Stdout.Write([]byte{0x15, 0, 0, 0, 0, 0, 0, 0, 2})
		return i
	})
	pid    = delayed.Func1(func(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return os.Getpid() })
	sumInt = delayed.Func1(func(xs []int) int {
		total := 0
		for _, x := range xs {
			total += x
		}
		return total
	})
	// dieOnce kills its worker the first time it runs for a given marker file.
	dieOnce = delayed.Func2(func(marker string, x int) int {
		if _, err := os.Stat(marker); err != nil {
			os.WriteFile(marker, nil, 0o644)
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
		return x + 1
	})
	alwaysExit = delayed.Func1(func(int) int { os.Exit(3); return 0 })
	fatal      = delayed.Func1(func(int) int {
		// The worker dies of it anyway: a small stack limit makes the overflow come in
		// milliseconds rather than after a gigabyte of stack (minutes under -race).
		debug.SetMaxStack(16 << 20)
		var recurse func(int) int
		recurse = func(n int) int { return recurse(n+1) + 1 }
		return recurse(0) // stack overflow: a fatal runtime error, not a panic
	})
	bigVector = delayed.Func1(func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i)
		}
		return v
	})
	dieOnceSum = delayed.Func3(func(marker string, v []float64, _ int) float64 {
		if _, err := os.Stat(marker); err != nil {
			os.WriteFile(marker, nil, 0o644)
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
		total := 0.0
		for _, x := range v {
			total += x
		}
		return total
	})
	stuck     = delayed.Func1(func(s int) int { time.Sleep(time.Duration(s) * time.Second); return s })
	takesChan = delayed.Func1(func(ch chan int) int { return cap(ch) })
	returnsFn = delayed.Func1(func(int) func() { return func() {} })
	incOne    = delayed.Func1(func(x int) int { return x + 1 })
	meanOf    = delayed.Func2(func(x []float64, i int) float64 { return x[0] + float64(i) })
	sumFloats = delayed.Func1(func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	})
)

func TestStrayStdoutDoesNotCorruptTheProtocol(t *testing.T) {
	parts := make([]delayed.Delayed[int], 200)
	for i := range parts {
		parts[i] = noisy(delayed.Value(i))
	}
	got, err := sumInt(delayed.All(parts)).Compute(context.Background(), opts(2)...)
	if err != nil || got != 199*200/2 {
		t.Fatalf("got %d, %v", got, err)
	}
}

func TestWorkersAreReusedAcrossComputes(t *testing.T) {
	collect := func() []int {
		parts := make([]delayed.Delayed[int], 8)
		for i := range parts {
			parts[i] = pid(delayed.Value(20))
		}
		pids, err := delayed.All(parts).Compute(context.Background(), opts(2)...)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(pids)
		return slices.Compact(pids)
	}
	first, second := collect(), collect()
	if len(first) != 2 || !slices.Equal(first, second) {
		t.Errorf("worker pids %v then %v: want the same 2 workers both times", first, second)
	}
	if slices.Contains(first, os.Getpid()) {
		t.Error("a task ran in the parent")
	}
}

func TestWorkerKilledMidTaskIsRetried(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "died")
	parts := make([]delayed.Delayed[int], 20)
	for i := range parts {
		if i == 7 {
			parts[i] = dieOnce(delayed.Value(marker), delayed.Value(i))
		} else {
			parts[i] = incOne(delayed.Value(i))
		}
	}
	got, err := sumInt(delayed.All(parts)).Compute(context.Background(), opts(2)...)
	if err != nil || got != 20*21/2 {
		t.Fatalf("got %d, %v; want %d", got, err, 20*21/2)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the task never killed its worker: the test tested nothing")
	}
}

// TestLostResultsAreRecomputed: a large intermediate stays on the worker that computed it; when
// that worker dies before its user finishes, the intermediate is computed again.
func TestLostResultsAreRecomputed(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "died")
	var vectors atomic.Int32
	count := delayed.Callbacks{TaskEnd: func(info delayed.TaskInfo) {
		if info.Err == nil && info.Func == bigVectorName {
			vectors.Add(1)
		}
	}}
	v := bigVector(delayed.Value(1 << 18)) // 2 MB: stays on its worker, not sent back
	// The summing task also waits for a slow task elsewhere, so the vector is reported done (and
	// held only by its worker) before the sum runs there and kills it.
	slow := pid(delayed.Value(300))
	got, err := dieOnceSum(delayed.Value(marker), v, slow).Compute(context.Background(), opts(2, delayed.WithCallbacks(count))...)
	want := float64(1<<18) * float64(1<<18-1) / 2
	if err != nil || got != want {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	if n := vectors.Load(); n != 2 {
		t.Errorf("the lost vector was computed %d times, want 2", n)
	}
}

var bigVectorName = func() string {
	v := bigVector(delayed.Value(1))
	return v.Task().Func().Name()
}()

func TestTaskThatKillsEveryWorkerFails(t *testing.T) {
	for name, d := range map[string]delayed.Delayed[int]{
		"os.Exit":        alwaysExit(delayed.Value(1)),
		"stack overflow": fatal(delayed.Value(1)),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := sumInt(delayed.All([]delayed.Delayed[int]{incOne(delayed.Value(1)), d})).Compute(context.Background(), opts(2)...)
			var te *delayed.TaskError
			if !errors.Is(err, processes.ErrWorkerKilled) || !errors.As(err, &te) || te.Key != d.Key() {
				t.Fatalf("err = %v; want ErrWorkerKilled naming %s", err, d.Key())
			}
			if time.Since(start) > time.Minute {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
	// The pool still works afterwards.
	if v, err := incOne(delayed.Value(1)).Compute(context.Background(), opts(2)...); err != nil || v != 2 {
		t.Fatalf("after the crashes: %d, %v", v, err)
	}
}

func TestCancellationStopsStuckTasks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := sumInt(delayed.All([]delayed.Delayed[int]{stuck(delayed.Value(60)), stuck(delayed.Value(61))})).Compute(ctx, opts(2)...)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Compute returned after %v", elapsed)
	}
	if v, err := incOne(delayed.Value(1)).Compute(context.Background(), opts(2)...); err != nil || v != 2 {
		t.Fatalf("after cancellation: %d, %v", v, err)
	}
}

func TestUnencodableValuesAreNamed(t *testing.T) {
	d := takesChan(delayed.Value(make(chan int, 3)))
	_, err := d.Compute(context.Background(), opts(2)...)
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Key != d.Key() || !strings.Contains(err.Error(), "chan int") {
		t.Errorf("chan argument: %v; want an error naming the task and the type", err)
	}
	r := returnsFn(delayed.Value(1))
	_, err = r.Compute(context.Background(), opts(2)...)
	if !errors.As(err, &te) || te.Key != r.Key() || !strings.Contains(err.Error(), "func()") {
		t.Errorf("func result: %v; want an error naming the task and the type", err)
	}
}

func TestClosuresAreRefusedBeforeAnyWork(t *testing.T) {
	local := delayed.Func1(func(x int) int { return x })
	var ran atomic.Int32
	cb := delayed.Callbacks{TaskStart: func(delayed.TaskInfo) { ran.Add(1) }}
	_, err := sumInt(delayed.All([]delayed.Delayed[int]{incOne(delayed.Value(1)), local(delayed.Value(2))})).Compute(
		context.Background(), opts(2, delayed.WithCallbacks(cb))...)
	if !errors.Is(err, processes.ErrNotPortable) || !strings.Contains(err.Error(), "TestClosuresAreRefusedBeforeAnyWork") {
		t.Fatalf("err = %v; want ErrNotPortable naming the closure", err)
	}
	if ran.Load() != 0 {
		t.Error("tasks ran before the closure was refused")
	}
}

func TestAnyChunksize(t *testing.T) {
	for _, k := range []int{1, 2, 7, 100, 1 << 20, 1 << 40} {
		parts := make([]delayed.Delayed[int], 500)
		for i := range parts {
			parts[i] = incOne(delayed.Value(i))
		}
		got, err := sumInt(delayed.All(parts)).Compute(context.Background(), opts(2, delayed.WithChunksize(k))...)
		if err != nil || got != 500*501/2 {
			t.Errorf("chunksize %d: %d, %v", k, got, err)
		}
	}
	if _, err := incOne(delayed.Value(1)).Compute(context.Background(), opts(2, delayed.WithChunksize(-1))...); err == nil {
		t.Error("chunksize -1 gave no error")
	}
}

func TestSharedValueGoesOncePerWorker(t *testing.T) {
	x := make([]float64, 1<<20) // 8 MiB
	var sent int64
	cb := delayed.Callbacks{Finish: func(info delayed.ComputeInfo) { sent = info.BytesSent }}
	xv := delayed.Value(x)
	parts := make([]delayed.Delayed[float64], 16)
	for i := range parts {
		parts[i] = meanOf(xv, delayed.Value(i))
	}
	got, err := sumFloats(delayed.All(parts)).Compute(context.Background(), opts(2, delayed.WithCallbacks(cb))...)
	if err != nil || got != 120 {
		t.Fatalf("got %v, %v", got, err)
	}
	size := int64(8 << 20)
	if sent < size || sent > 2*size+1<<20 {
		t.Errorf("%d bytes sent for an %d-byte value shared by 16 tasks on 2 workers; want one copy per worker", sent, size)
	}
}

func TestChainStaysOnOneWorker(t *testing.T) {
	var sent int64
	cb := delayed.Callbacks{Finish: func(info delayed.ComputeInfo) { sent = info.BytesSent }}
	x := delayed.Value(0)
	for range 10000 {
		x = incOne(x)
	}
	got, err := x.Compute(context.Background(), opts(2, delayed.WithCallbacks(cb))...)
	if err != nil || got != 10000 {
		t.Fatalf("got %d, %v", got, err)
	}
	if sent > 40*10000 {
		t.Errorf("%d bytes sent for a chain of 10000: intermediates travelled?", sent)
	}
}

func TestNestedDelayedValuesInMaps(t *testing.T) {
	d := labelledWrapped(map[string]any{"a": incOne(delayed.Value(1)), "b": 3})
	got, err := d.Compute(context.Background(), opts(2)...)
	if err != nil || got != 23 {
		t.Fatalf("got %d, %v", got, err)
	}
}

// labelledWrapped takes a map whose values may be delayed: Wrap checks and packs it.
var labelledWrapped = delayed.Wrap[int](func(m map[string]int) int { return m["a"]*10 + m["b"] })

// orphanParent computes on processes, prints its workers' pids and waits to be killed.
func orphanParent() {
	parts := make([]delayed.Delayed[int], 8)
	for i := range parts {
		parts[i] = pid(delayed.Value(30))
	}
	pids, err := delayed.All(parts).Compute(context.Background(), opts(2)...)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	slices.Sort(pids)
	fmt.Println("pids", strings.Trim(fmt.Sprint(slices.Compact(pids)), "[]"))
	time.Sleep(time.Minute)
}

func TestWorkersDieWithTheirParent(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envRole+"=orphan-parent")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var pids []int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 1 && f[0] == "pids" {
			for _, s := range f[1:] {
				n, _ := strconv.Atoi(s)
				pids = append(pids, n)
			}
			break
		}
	}
	if len(pids) != 2 {
		t.Fatalf("parent reported workers %v", pids)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for _, p := range pids {
		for alive(p) {
			if time.Now().After(deadline) {
				t.Fatalf("worker %d outlived its parent", p)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// alive reports whether a process exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// build compiles a program from testdata.
func build(t *testing.T, dir string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), filepath.Base(dir))
	out, err := exec.Command("go", "build", "-o", exe, "./testdata/"+dir).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return exe
}

func TestForgettingInitIsAClearError(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	exe := build(t, "noinit")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, exe).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the program hung:\n%s", out)
	}
	if err == nil || !strings.Contains(string(out), "delayed.Init") {
		t.Fatalf("exit %v, output:\n%s\nwant an error telling to call delayed.Init", err, out)
	}
	workerComplaints := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "error: this process was started as a lazygraph worker") {
			workerComplaints++
		}
	}
	if workerComplaints > 2 {
		t.Errorf("%d worker processes ran for a pool of 2: workers were restarted or started workers:\n%s", workerComplaints, out)
	}
}

func TestWorkerOfAnotherBuildIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	s := processes.NewSchedulerForTest(build(t, "otherbuild"))
	defer s.Close()
	job := schedulers.NewJob(mustPlan(t, incOne(delayed.Value(1))))
	job.Workers = 1
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.Execute(ctx, job)
	if !errors.Is(err, processes.ErrWorkerRefused) || !strings.Contains(err.Error(), "different build") {
		t.Fatalf("err = %v; want the worker refused as a different build", err)
	}
}
