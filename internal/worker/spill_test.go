package worker

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

const blockLen = 64 << 10 // float64s: 512 KiB, an attachment of its own

var (
	blockFn = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.block", Impl: func(int) []float64 { return nil },
		Invoke: func(_ context.Context, args []any) (any, error) { return block(args[0].(int)), nil },
		Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[[]float64](),
	})
	sumFn = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.sum", Impl: func([]float64) float64 { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) {
			total := 0.0
			for _, v := range args[0].([]float64) {
				total += v
			}
			return total, nil
		},
		Params: []reflect.Type{reflect.TypeFor[[]float64]()}, Result: reflect.TypeFor[float64](),
	})
	// gate blocks until the test lets it go (gateOpen), so that a task is running.
	gateFn = graph.NewFunction(graph.FunctionSpec{
		Name: "worker_test.gate", Impl: func(int) int { return 0 },
		Invoke: func(ctx context.Context, args []any) (any, error) {
			gateEntered <- struct{}{}
			select {
			case <-gateOpen:
			case <-ctx.Done():
			}
			return args[0].(int), nil
		},
		Params: []reflect.Type{reflect.TypeFor[int]()}, Result: reflect.TypeFor[int](),
	})
	gateEntered = make(chan struct{}, 1)
	gateOpen    = make(chan struct{})
)

func block(i int) []float64 {
	b := make([]float64, blockLen)
	for j := range b {
		b[j] = float64(i*7+j%13) + 0.25
	}
	return b
}

func blockSum(i int) float64 {
	total := 0.0
	for _, v := range block(i) {
		total += v
	}
	return total
}

// memSink collects results and memory reports.
type memSink struct {
	*sink
	mu      sync.Mutex
	reports []MemoryReport
	news    chan struct{}
}

func newMemSink() *memSink { return &memSink{sink: newSink(), news: make(chan struct{}, 1)} }

func (s *memSink) SendMemory(r *MemoryReport) error {
	s.mu.Lock()
	s.reports = append(s.reports, *r)
	s.mu.Unlock()
	select {
	case s.news <- struct{}{}:
	default:
	}
	return nil
}

func (s *memSink) last() MemoryReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reports) == 0 {
		return MemoryReport{}
	}
	return s.reports[len(s.reports)-1]
}

func startManaged(t *testing.T, m Memory) (*Executor, *memSink, func()) {
	t.Helper()
	s := newMemSink()
	x := NewExecutor(s, nil)
	x.ManageMemory(m)
	done := make(chan error, 1)
	go func() { done <- x.Run() }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			x.Close()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return x, s, stop
}

func spillFunctions() []FunctionDef {
	return []FunctionDef{{ID: 1, Name: blockFn.Name()}, {ID: 2, Name: sumFn.Name()}, {ID: 3, Name: gateFn.Name()}}
}

// TestSpilledValuesReadBackIdentical: with a budget of 2 MiB and spilling at half of it, eight
// blocks of 512 KiB kept on the worker spill the coldest to disk; tasks using them, the parent
// fetching them and a put value all get values identical to the originals, and the spill
// directory is gone once the executor stops.
func TestSpilledValuesReadBackIdentical(t *testing.T) {
	dir := t.TempDir()
	x, s, stop := startManaged(t, Memory{Limit: 2 << 20, Spill: 0.5, Pause: -1, Dir: dir})
	const n = 8
	var tasks []Task
	for i := range n {
		tasks = append(tasks, Task{Key: uint64(100 + i), Job: 1, Fn: 1, Args: []Arg{inline(t, i)}, Send: SendNever})
	}
	// A put value too: it spills in the type it came in.
	pv, err := wire.Encode(block(99), reflect.TypeFor[[]float64]())
	if err != nil {
		t.Fatal(err)
	}
	putV := Put{Key: 999, Type: "[]float64", Body: pv.Body, Attachments: len(pv.Attachments)}
	if err := x.Apply(&Batch{Job: 1, Functions: spillFunctions(), Puts: []Put{putV}, Tasks: tasks}, pv.Attachments); err != nil {
		t.Fatal(err)
	}
	rs := s.wait(t, n)
	for _, r := range rs {
		if r.Err != nil {
			t.Fatalf("task %d: %v", r.Key, DecodeTaskError(r.Err))
		}
		if r.Sent || r.Size < blockLen*8 {
			t.Fatalf("task %d: sent %v, size %d: want kept, with its size", r.Key, r.Sent, r.Size)
		}
	}
	rep := x.MemoryReport()
	if rep.SpilledTotal == 0 || rep.Held > 1<<20 {
		t.Fatalf("after %d blocks of 512 KiB with 1 MiB to hold them: %+v", n, *rep)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("spill directory: %v", entries)
	}
	if got := x.Held(); got != n+1 {
		t.Fatalf("Held() = %d, want %d", got, n+1)
	}

	// The parent (or a peer: they fetch the same way) fetches every value, spilled or not.
	keys := []uint64{999}
	types := []string{"[]float64"}
	for i := range n {
		keys = append(keys, uint64(100+i))
		types = append(types, "[]float64")
	}
	vals, atts := x.Fetch(&Fetch{Keys: keys, Types: types})
	for k, p := range vals.Puts {
		if p.Type == "" {
			t.Fatalf("fetch of %d: not held", p.Key)
		}
		mine := atts[:p.Attachments]
		atts = atts[p.Attachments:]
		got, err := wire.Decode(wire.Value{Body: p.Body, Attachments: mine}, reflect.TypeFor[[]float64]())
		if err != nil {
			t.Fatalf("fetch of %d: %v", p.Key, err)
		}
		want := block(99)
		if k > 0 {
			want = block(k - 1)
		}
		if !slices.Equal(got.([]float64), want) {
			t.Fatalf("fetch of %d: value differs from the original", p.Key)
		}
	}

	// Tasks read them back, in an order unlike the one they spilled in.
	var sums []Task
	for i := n - 1; i >= 0; i-- {
		sums = append(sums, Task{Key: uint64(200 + i), Job: 1, Fn: 2, Args: []Arg{{Key: uint64(100 + i)}}, Send: SendAlways})
	}
	sums = append(sums, Task{Key: 300, Job: 1, Fn: 2, Args: []Arg{{Key: 999}}, Send: SendAlways})
	if err := x.Apply(&Batch{Job: 1, Tasks: sums}, nil); err != nil {
		t.Fatal(err)
	}
	rs = s.wait(t, 2*n+1)[n:]
	for k, r := range rs {
		want := blockSum(99)
		if k < n {
			want = blockSum(n - 1 - k)
		}
		if got := decodeResult(t, r, reflect.TypeFor[float64]()); got != want {
			t.Errorf("sum of value %d = %v, want %v", r.Key, got, want)
		}
	}

	// Released values leave the disk too; the directory goes with the executor.
	release := append([]uint64{999, 300}, keys[1:]...)
	for i := range n {
		release = append(release, uint64(200+i))
	}
	if err := x.Apply(&Batch{Job: 1, Release: release}, nil); err != nil {
		t.Fatal(err)
	}
	if err := x.Apply(&Batch{Job: 1, Functions: []FunctionDef{{ID: 9, Name: incFn.Name()}}, Tasks: []Task{{Key: 1, Job: 1, Fn: 9, Args: []Arg{inline(t, 1)}, Send: SendAlways}}}, nil); err != nil {
		t.Fatal(err)
	}
	_ = s.wait(t, 2*n+2)
	if got := x.Held(); got != 1 {
		t.Errorf("Held() = %d after releasing all but one", got)
	}
	if rep := x.MemoryReport(); rep.Spilled != 0 {
		t.Errorf("released values still on disk: %+v", *rep)
	}
	stop()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("spill directory left behind: %v", entries)
	}
}

// TestSpillOff: with spilling turned off nothing goes to disk, whatever is held.
func TestSpillOff(t *testing.T) {
	dir := t.TempDir()
	x, s, _ := startManaged(t, Memory{Limit: 1 << 20, Spill: -1, Pause: -1, Dir: dir})
	var tasks []Task
	for i := range 6 {
		tasks = append(tasks, Task{Key: uint64(100 + i), Job: 1, Fn: 1, Args: []Arg{inline(t, i)}, Send: SendNever})
	}
	if err := x.Apply(&Batch{Job: 1, Functions: spillFunctions(), Tasks: tasks}, nil); err != nil {
		t.Fatal(err)
	}
	s.wait(t, 6)
	if rep := x.MemoryReport(); rep.SpilledTotal != 0 || rep.Held < 6*blockLen*8 {
		t.Fatalf("spilling off: %+v", *rep)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("spill directory made with spilling off: %v", entries)
	}
}

// TestPauseAndResume: past the pause threshold the worker reports itself paused, spills all it
// holds and starts no task; once memory falls it reports so and runs the task.
func TestPauseAndResume(t *testing.T) {
	var rss atomic.Int64
	rss.Store(100)
	x, s, _ := startManaged(t, Memory{Limit: 10 << 20, Pause: 0.8, Dir: t.TempDir(), Probe: rss.Load})
	if err := x.Apply(&Batch{Job: 1, Functions: spillFunctions(), Tasks: []Task{
		{Key: 100, Job: 1, Fn: 1, Args: []Arg{inline(t, 3)}, Send: SendNever},
	}}, nil); err != nil {
		t.Fatal(err)
	}
	s.wait(t, 1)
	rss.Store(9 << 20)
	x.CheckMemory()
	if r := s.last(); !r.Paused || r.RSS != 9<<20 || r.Held != 0 || r.Spilled == 0 {
		t.Fatalf("report past the pause threshold: %+v; want paused, everything spilled", r)
	}
	if err := x.Apply(&Batch{Job: 1, Tasks: []Task{{Key: 101, Job: 1, Fn: 2, Args: []Arg{{Key: 100}}, Send: SendAlways}}}, nil); err != nil {
		t.Fatal(err)
	}
	x.CheckMemory() // still paused
	s.sink.mu.Lock()
	ran := len(s.sink.results)
	s.sink.mu.Unlock()
	if ran != 1 {
		t.Fatalf("a task ran while the worker was paused")
	}
	rss.Store(1 << 20)
	x.CheckMemory()
	if r := s.last(); r.Paused {
		t.Fatalf("report after memory fell: %+v", r)
	}
	rs := s.wait(t, 2)
	if got := decodeResult(t, rs[1], reflect.TypeFor[float64]()); got != blockSum(3) {
		t.Errorf("sum after resuming = %v, want %v", got, blockSum(3))
	}
}

// TestTerminateNamesRunningTask: past the terminate threshold the worker reports that it ends
// for memory, naming the task running, before it ends itself.
func TestTerminateNamesRunningTask(t *testing.T) {
	var rss atomic.Int64
	ended := make(chan struct{})
	x, s, _ := startManaged(t, Memory{Limit: 1000, Terminate: 0.95, Pause: -1, Probe: rss.Load, OnTerminate: func() { close(ended) }})
	if err := x.Apply(&Batch{Job: 1, Functions: spillFunctions(), Tasks: []Task{{Key: 77, Job: 1, Fn: 3, Args: []Arg{inline(t, 1)}, Send: SendAlways}}}, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-gateEntered:
	case <-time.After(30 * time.Second):
		t.Fatal("the task did not start")
	}
	rss.Store(990)
	x.CheckMemory()
	<-ended
	r := s.last()
	if !r.Terminated || r.RSS != 990 || !strings.Contains(r.Running, gateFn.Name()) || !strings.Contains(r.Running, "77") {
		t.Errorf("last report: %+v; want terminated, naming %s (key 77)", r, gateFn.Name())
	}
	x.Cancel(1)
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"256MB": 256e6, "2GiB": 2 << 30, "1.5G": 3 << 29, "1000": 1000, "512 mib": 512 << 20, "1e9": 1e9, "64k": 64 << 10,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lots", "-1MB", "12XB", "MB"} {
		if _, err := ParseSize(bad); err == nil || !strings.Contains(err.Error(), "size") {
			t.Errorf("ParseSize(%q): error %v", bad, err)
		}
	}
}

func TestMemoryFromEnvironment(t *testing.T) {
	t.Setenv(EnvMemory, "")
	m, err := MemoryFromEnvironment(4)
	if err != nil || (TotalMemory() > 0 && m.Limit != TotalMemory()/4) {
		t.Errorf("default: %+v, %v; want a quarter of %d", m, err, TotalMemory())
	}
	t.Setenv(EnvMemory, "256MB")
	t.Setenv(EnvSpill, "off")
	t.Setenv(EnvPause, "0.9")
	m, err = MemoryFromEnvironment(2)
	if err != nil || m.Limit != 256e6 || m.Spill != -1 || m.Pause != 0.9 || m.spillAt() != 0 {
		t.Errorf("set: %+v, %v", m, err)
	}
	t.Setenv(EnvSpill, "lots")
	if _, err := MemoryFromEnvironment(2); err == nil || !strings.Contains(err.Error(), EnvSpill) {
		t.Errorf("bad spill fraction: %v", err)
	}
}

// TestSmallValuesCountedNotSpilled: a value encoded in fewer than unspilled bytes counts among
// the bytes held but is never spilled; replacing a value moves its count between the small and
// the spillable ones, and releasing it takes it off.
func TestSmallValuesCountedNotSpilled(t *testing.T) {
	x := NewExecutor(&countSink{}, nil)
	x.ManageMemory(Memory{Limit: 1 << 20, Spill: 0.5, Pause: -1, Dir: t.TempDir()})
	intType := reflect.TypeFor[int]()
	held := func() int64 { return x.mem.held + x.mem.smallHeld }
	x.mu.Lock()
	x.values[1] = 1
	x.noteHeld(1, intType, 9)
	x.values[2] = 2
	x.noteHeld(2, intType, unspilled) // spillable
	if held() != 9+unspilled || x.mem.smallHeld != 9 || x.mem.lru.Len() != 1 {
		t.Fatalf("held %d (small %d), %d ordered", held(), x.mem.smallHeld, x.mem.lru.Len())
	}
	x.noteHeld(2, intType, 3) // replaced by a small one
	x.noteHeld(1, intType, 2*unspilled)
	if held() != 3+2*unspilled || x.mem.smallHeld != 3 || x.mem.lru.Len() != 1 || x.mem.inMemory[1] == nil {
		t.Fatalf("after replacing: held %d (small %d), %d ordered", held(), x.mem.smallHeld, x.mem.lru.Len())
	}
	x.spill(true)
	if _, ok := x.values[2]; !ok || x.mem.onDisk[2] != nil || x.mem.onDisk[1] == nil {
		t.Fatalf("spilling everything: small value spilled or large one kept (%v)", x.mem.onDisk)
	}
	x.forgetHeld(2)
	x.forgetHeld(1)
	if held() != 0 || x.mem.spilled != 0 || len(x.mem.small) != 0 {
		t.Errorf("after releasing everything: held %d, spilled %d", held(), x.mem.spilled)
	}
	x.mu.Unlock()
	x.closeMemory()
}
