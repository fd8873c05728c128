package distributed_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// bigPart appends a line to the file at path (counting its executions across worker
// processes), sleeps ms, and returns a result too large to be sent back unasked: it stays on
// its worker until a task needs it.
var bigPart = delayed.Func3(func(path string, ms, i int) []float64 {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err == nil {
		fmt.Fprintf(f, "part %d\n", i)
		f.Close()
	}
	time.Sleep(time.Duration(ms) * time.Millisecond)
	out := make([]float64, 64<<10)
	for k := range out {
		out[k] = float64(i)
	}
	return out
})

var sumFirst = delayed.Func1(func(parts [][]float64) float64 {
	t := 0.0
	for _, p := range parts {
		t += p[0]
	}
	return t
})

// A worker with a short lifetime retires in the middle of a computation: it finishes what it
// was sent and hands its values over, so every task runs exactly once and the result is right.
func TestWorkerLifetimeRetiresWithoutRecomputing(t *testing.T) {
	tc := newTestCluster(t, 1)
	tc.addWorker(t, os.Args[0], distributed.EnvWorkerLifetime+"=1500ms", distributed.EnvWorkerName+"=short-lived")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := tc.server.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	count := filepath.Join(t.TempDir(), "executions")
	const n = 40
	parts := make([]delayed.Delayed[[]float64], n)
	want := 0.0
	for i := range parts {
		parts[i] = bigPart(delayed.Value(count), delayed.Value(100), delayed.Value(i))
		want += float64(i)
	}
	got, err := sumFirst(delayed.All(parts)).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file))
	if err != nil || got != want {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	data, err := os.ReadFile(count)
	if err != nil {
		t.Fatal(err)
	}
	runs := bytes.Count(data, []byte("\n"))
	st := tc.server.RetireStats()
	t.Logf("task executions %d for %d tasks; retirements %+v", runs, n, st)
	if runs != n {
		t.Errorf("%d executions of %d tasks: something was computed again", runs, n)
	}
	if st.Workers != 1 || st.Lost != 0 {
		t.Errorf("retirements %+v: want the short-lived worker retired, nothing lost", st)
	}
}

// RetireWorker retires a worker by the name it gave; an unknown name is an error naming it.
func TestRetireWorkerByName(t *testing.T) {
	tc := newTestCluster(t, 1)
	tc.addWorker(t, os.Args[0], distributed.EnvWorkerName+"=to-retire")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := tc.server.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := tc.server.RetireWorker("nobody", "test"); err == nil || !bytes.Contains([]byte(err.Error()), []byte(`"nobody"`)) {
		t.Fatalf("retiring an unknown worker: %v", err)
	}
	count := filepath.Join(t.TempDir(), "executions")
	const n = 12
	parts := make([]delayed.Delayed[[]float64], n)
	retired := make(chan error, 1)
	cb := delayed.Callbacks{TaskEnd: func(delayed.TaskInfo) {
		select {
		case retired <- tc.server.RetireWorker("to-retire", "test"):
		default:
		}
	}}
	for i := range parts {
		parts[i] = bigPart(delayed.Value(count), delayed.Value(50), delayed.Value(i))
	}
	got, err := sumFirst(delayed.All(parts)).Compute(ctx, delayed.WithScheduler(distributed.Name),
		delayed.WithAddress(tc.file), delayed.WithCallbacks(cb))
	if err != nil || got != 66 {
		t.Fatalf("got %v, %v; want 66", got, err)
	}
	if err := <-retired; err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(count)
	if runs := bytes.Count(data, []byte("\n")); runs != n {
		t.Errorf("%d executions of %d tasks", runs, n)
	}
	// The retired worker exits: only one stays.
	for tc.server.Workers() != 1 {
		select {
		case <-ctx.Done():
			t.Fatalf("%d workers connected after a retirement, want 1", tc.server.Workers())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Logf("retirements %+v", tc.server.RetireStats())
}

// SIGTERM (what Slurm sends before the walltime) retires a program's worker the same way.
func TestWorkerRetiresOnSIGTERM(t *testing.T) {
	tc := newTestCluster(t, 1)
	w := tc.addWorker(t, os.Args[0], distributed.EnvWorkerName+"=terminated")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := tc.server.WaitForWorkers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	count := filepath.Join(t.TempDir(), "executions")
	const n = 12
	parts := make([]delayed.Delayed[[]float64], n)
	var once sync.Once
	cb := delayed.Callbacks{TaskEnd: func(delayed.TaskInfo) { once.Do(func() { w.Process.Signal(syscall.SIGTERM) }) }}
	for i := range parts {
		parts[i] = bigPart(delayed.Value(count), delayed.Value(50), delayed.Value(i))
	}
	got, err := sumFirst(delayed.All(parts)).Compute(ctx, delayed.WithScheduler(distributed.Name),
		delayed.WithAddress(tc.file), delayed.WithCallbacks(cb))
	if err != nil || got != 66 {
		t.Fatalf("got %v, %v; want 66", got, err)
	}
	data, _ := os.ReadFile(count)
	if runs := bytes.Count(data, []byte("\n")); runs != n {
		t.Errorf("%d executions of %d tasks", runs, n)
	}
	for tc.server.RetireStats().Workers != 1 {
		select {
		case <-ctx.Done():
			t.Fatalf("no retirement after SIGTERM: %+v", tc.server.RetireStats())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Logf("retirements %+v", tc.server.RetireStats())
}
