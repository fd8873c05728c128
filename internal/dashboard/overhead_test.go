package dashboard_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/dashboard"
)

// EnvTestOverhead enables the measurement of the dashboard's cost (with EnvTestBrowser).
const EnvTestOverhead = "LAZYGRAPH_TEST_OVERHEAD"

var addOne = delayed.Func1(func(x int) int { return x + 1 })

var sumInts = delayed.Func1(func(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
})

// wide is `lazygraph bench -shape wide`: n independent additions and their sum.
func wide(n int) delayed.Delayed[int] {
	xs := make([]delayed.Delayed[int], n)
	for i := range xs {
		xs[i] = addOne(delayed.Value(i))
	}
	return sumInts(delayed.All(xs))
}

// cpuTime is the CPU time (user and system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cost is one run's wall and CPU time.
type cost struct{ wall, cpu time.Duration }

// overhead measures runs of compute in pairs, one without and one with the dashboard, the order
// alternating from pair to pair, each after a collection (so that no run pays for the garbage
// of another), and returns the medians of the wall and CPU times of each setting.
func overhead(pairs int, compute func(dash bool) cost) (with, without cost, perRun [2][]cost) {
	for p := range pairs {
		order := []bool{false, true}
		if p%2 == 1 {
			order = []bool{true, false}
		}
		for _, dash := range order {
			runtime.GC()
			c := compute(dash)
			if dash {
				perRun[1] = append(perRun[1], c)
			} else {
				perRun[0] = append(perRun[0], c)
			}
		}
	}
	median := func(cs []cost) cost {
		walls, cpus := make([]time.Duration, len(cs)), make([]time.Duration, len(cs))
		for k, c := range cs {
			walls[k], cpus[k] = c.wall, c.cpu
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		return cost{walls[len(cs)/2], cpus[len(cs)/2]}
	}
	return median(perRun[1]), median(perRun[0]), perRun
}

// TestBrowserOverhead measures what a 1e5-task wide graph (as `lazygraph bench -shape wide`) on
// threads costs with the dashboard open in headless chromium against the same without a
// dashboard, in one process: 15 pairs of runs, interleaved, the order alternating; it logs the
// medians of the wall time and of this process's CPU time (getrusage: the collector, the
// snapshots and the event stream; chromium's own CPU is not counted), and their ratios. It
// asserts only results and that the page followed: a timing assertion would be flaky on a
// loaded machine.
func TestBrowserOverhead(t *testing.T) {
	if os.Getenv(EnvTestOverhead) == "" {
		t.Skipf("set %s=1 (and %s=1) to measure the dashboard's cost", EnvTestOverhead, EnvTestBrowser)
	}
	ctx, blog := startBrowser(t, 15*time.Minute)
	l, _, err := dashboard.Open("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := strings.TrimSuffix(strings.TrimPrefix(l.URL, "http://"), "/")
	if err := chromedp.Do(ctx, chromedp.Navigate(l.URL)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `Number(document.body.dataset.snapshots || 0) >= 1`)

	const n = 100_000
	compute := func(dash bool) cost {
		g := wide(n)
		opts := []delayed.Option{delayed.WithScheduler("threads")}
		if dash {
			opts = append(opts, delayed.WithDashboard(addr))
		}
		c0, w0 := cpuTime(), time.Now()
		v, err := g.Compute(context.Background(), opts...)
		c := cost{time.Since(w0), cpuTime() - c0}
		if err != nil || v != n*(n+1)/2 {
			t.Fatalf("Compute = %v, %v", v, err)
		}
		return c
	}
	compute(true) // warm up
	compute(false)
	const pairs = 15
	with, without, runs := overhead(pairs, compute)
	t.Logf("1e5-task wide graph on threads, %d interleaved pairs, the dashboard open in chromium:", pairs)
	t.Logf("  wall: median %v with, %v without: ratio %.3f", with.wall, without.wall, float64(with.wall)/float64(without.wall))
	t.Logf("  CPU (this process): median %v with, %v without: ratio %.3f", with.cpu, without.cpu, float64(with.cpu)/float64(without.cpu))
	t.Logf("  runs without: %v", fmtCosts(runs[0]))
	t.Logf("  runs with:    %v", fmtCosts(runs[1]))
	// The page followed: it shows the last computation complete.
	waitFor(t, ctx, `[...document.querySelectorAll('#functions tbody tr')].every(r => r.dataset.percent === '100')`)
	if errs := blog.list(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

func fmtCosts(cs []cost) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%.0f/%.0f ", float64(c.wall)/1e6, float64(c.cpu)/1e6)
	}
	return b.String() + "(ms wall/CPU)"
}

// BenchmarkWide computes a 1e4-task wide graph on threads without and with the dashboard's
// collector (no browser): what the collector costs per task, in time and allocations. The
// graph is built outside the timing; ns/task is the computation's time per task, cpu-ns/task
// the process's CPU time (getrusage) per task, steadier than wall time on a loaded machine.
func BenchmarkWide(b *testing.B) {
	l, _, err := dashboard.Open("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	addr := strings.TrimSuffix(strings.TrimPrefix(l.URL, "http://"), "/")
	const n = 10_000
	for _, name := range []string{"off", "dashboard"} {
		b.Run(name, func(b *testing.B) {
			opts := []delayed.Option{delayed.WithScheduler("threads")}
			if name == "dashboard" {
				opts = append(opts, delayed.WithDashboard(addr))
			}
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				g := wide(n)
				c0 := cpuTime()
				b.StartTimer()
				if _, err := g.Compute(context.Background(), opts...); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - c0
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/task")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/n, "cpu-ns/task")
		})
	}
}

// BenchmarkCollectorTask is the collector's own cost per task: a start and an end reported by
// each of GOMAXPROCS workers in parallel, as a scheduler's workers do, for a timed task (a lock
// and a ring record) and for an untimed one (a sampled-out short task: plain counters of the
// worker's own). Neither allocates.
func BenchmarkCollectorTask(b *testing.B) {
	plan, err := graph.Compile(wide(2047).Task())
	if err != nil {
		b.Fatal(err)
	}
	for _, timed := range []bool{true, false} {
		name := "untimed"
		if timed {
			name = "timed"
		}
		b.Run(name, func(b *testing.B) {
			c := dashboard.NewCollector("bench")
			r := c.Begin(plan, "threads", runtime.GOMAXPROCS(0), nil)
			defer r.Finish(nil)
			start := time.Now()
			var (
				mu   sync.Mutex
				next int
			)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				mu.Lock()
				w := next
				next++
				mu.Unlock()
				n := int32(plan.Len())
				i := int32(0)
				for pb.Next() {
					for plan.IsData(i) {
						i = (i + 1) % n
					}
					if timed {
						r.TaskStarted(i, w)
						r.TaskDone(i, w, start, time.Microsecond, nil)
					} else {
						r.TaskStartedUntimed(i, w)
						r.TaskUntimed(i, w, nil)
					}
					i = (i + 1) % n
				}
			})
		})
	}
}
