package dashboard_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/dashboard"
	"github.com/lazygraph/lazygraph/schedulers"
)

// EnvTestOverhead enables the measurement of the dashboard's cost (with EnvTestBrowser).
const EnvTestOverhead = "LAZYGRAPH_TEST_OVERHEAD"

// EnvTestOverheadPairs sets the number of pairs of runs it measures (41 by default): more
// steady the median on a loaded machine.
const EnvTestOverheadPairs = "LAZYGRAPH_TEST_OVERHEAD_PAIRS"

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

// cost is one run's wall and CPU time, and the browser's CPU time meanwhile.
type cost struct{ wall, cpu, browser time.Duration }

// pair is two runs of the same computation, one after the other: without and with the dashboard.
type pair struct{ without, with cost }

// overhead measures runs of compute in pairs, one without and one with the dashboard, the order
// alternating from pair to pair.
func overhead(pairs int, compute func(dash bool) cost) []pair {
	ps := make([]pair, pairs)
	for p := range ps {
		if p%2 == 0 {
			ps[p].without = compute(false)
			ps[p].with = compute(true)
		} else {
			ps[p].with = compute(true)
			ps[p].without = compute(false)
		}
	}
	return ps
}

// spread is the median and the quartiles of some figures.
type spread struct{ q1, median, q3 float64 }

func spreadOf(xs []float64) spread {
	xs = slices.Sorted(slices.Values(xs))
	at := func(q float64) float64 { return xs[int(q*float64(len(xs)-1)+0.5)] }
	return spread{at(0.25), at(0.5), at(0.75)}
}

func (s spread) String() string {
	return fmt.Sprintf("median %.3f (quartiles %.3f–%.3f)", s.median, s.q1, s.q3)
}

// ratios are the pairs' ratios, with the dashboard to without, of wall and of CPU time.
func ratios(ps []pair) (wall, cpu spread) {
	var ws, cs []float64
	for _, p := range ps {
		ws = append(ws, float64(p.with.wall)/float64(p.without.wall))
		cs = append(cs, float64(p.with.cpu)/float64(p.without.cpu))
	}
	return spreadOf(ws), spreadOf(cs)
}

// medians are the median wall and CPU times of one setting, and the browser's mean CPU time
// per run (measured in 10ms ticks: only a mean over many runs says something).
func medians(ps []pair, with bool) cost {
	var ws, cs []float64
	var browser time.Duration
	for _, p := range ps {
		c := p.without
		if with {
			c = p.with
		}
		ws, cs = append(ws, float64(c.wall)), append(cs, float64(c.cpu))
		browser += c.browser
	}
	return cost{time.Duration(spreadOf(ws).median), time.Duration(spreadOf(cs).median), browser / time.Duration(len(ps))}
}

// loadAverage is the machine's load average over the last minute, as uptime shows it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

// maxOverhead is the dashboard's cost allowed by its target: a computation with the dashboard
// open runs within 5% of the same without it.
const maxOverhead = 1.05

// TestBrowserOverhead measures what a 1e5-task wide graph (as `lazygraph bench -shape wide`) on
// threads costs with the dashboard open in headless chromium against the same without a
// dashboard, in one process: 41 pairs of runs (LAZYGRAPH_TEST_OVERHEAD_PAIRS sets another
// number), each pair one run of each, the order alternating from pair to pair, each run's graph
// built and its garbage collected before the timing starts. It logs the median and quartiles
// of the pairs' ratios of wall time and of this process's CPU time (getrusage: the collector,
// the snapshots and the event stream; chromium's own CPU is not counted, but takes the
// machine's from the computation), the medians of each setting and the machine's load. It is a
// measurement, run only when asked (LAZYGRAPH_TEST_OVERHEAD=1, with LAZYGRAPH_TEST_BROWSER=1):
// then it fails when the median wall ratio exceeds the target, 1.05.
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
	browser := childProcesses()
	compute := func(dash bool) cost {
		g := wide(n)
		opts := []delayed.Option{delayed.WithScheduler("threads")}
		if dash {
			opts = append(opts, delayed.WithDashboard(addr))
		}
		runtime.GC() // no run pays for the garbage of another, or of building its graph
		b0, c0, w0 := processesCPU(browser), cpuTime(), time.Now()
		v, err := g.Compute(context.Background(), opts...)
		c := cost{time.Since(w0), cpuTime() - c0, 0}
		c.browser = processesCPU(browser) - b0
		if err != nil || v != n*(n+1)/2 {
			t.Fatalf("Compute = %v, %v", v, err)
		}
		return c
	}
	compute(true) // warm up
	compute(false)
	pairs := 41
	if n, err := strconv.Atoi(os.Getenv(EnvTestOverheadPairs)); err == nil && n > 0 {
		pairs = n
	}
	load := loadAverage()
	ps := overhead(pairs, compute)
	wall, cpu := ratios(ps)
	with, without := medians(ps, true), medians(ps, false)
	t.Logf("1e5-task wide graph on threads (GOMAXPROCS %d), %d pairs, the dashboard open in chromium; load average %s before, %s after:",
		runtime.GOMAXPROCS(0), pairs, load, loadAverage())
	t.Logf("  wall ratio (with/without, per pair): %v; medians %v with, %v without", wall, with.wall, without.wall)
	t.Logf("  CPU ratio (this process, per pair):  %v; medians %v with, %v without", cpu, with.cpu, without.cpu)
	t.Logf("  chromium's CPU during a run (%d processes; mean): %v with, %v without", len(browser), with.browser, without.browser)
	var runs [2][]cost
	for _, p := range ps {
		runs[0], runs[1] = append(runs[0], p.without), append(runs[1], p.with)
	}
	t.Logf("  runs without: %v", fmtCosts(runs[0]))
	t.Logf("  runs with:    %v", fmtCosts(runs[1]))
	// The page followed: it shows the last computation complete.
	waitFor(t, ctx, `[...document.querySelectorAll('#functions tbody tr')].every(r => r.dataset.percent === '100')`)
	if errs := blog.list(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
	if wall.median > maxOverhead {
		t.Errorf("with the dashboard open the computation takes %.3f times as long (median of %d pairs), over the target %.2f",
			wall.median, pairs, maxOverhead)
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
// and a ring record) and for an untimed one (a sampled-out short task: a share of a batch of
// schedulers.SampleEvery-1 tasks, counted under one lock). Neither allocates.
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
				batch := make([]int32, 0, schedulers.SampleEvery-1)
				for pb.Next() {
					for plan.IsData(i) {
						i = (i + 1) % n
					}
					if timed {
						r.TaskStarted(i, w)
						r.TaskDone(i, w, start, time.Microsecond, nil)
					} else if batch = append(batch, i); len(batch) == cap(batch) {
						r.TasksUntimed(w, batch)
						batch = batch[:0]
					}
					i = (i + 1) % n
				}
			})
		})
	}
}
