package dashboard_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lazygraph/lazygraph/delayed"
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

// TestBrowserOverhead times a 1e5-task wide graph (as `lazygraph bench -shape wide`) on threads
// with the dashboard open in headless chromium and without a dashboard, alternating, in one run,
// and logs the medians and their ratio. It asserts only the results (timing assertions would be
// flaky on a loaded machine).
func TestBrowserOverhead(t *testing.T) {
	if os.Getenv(EnvTestOverhead) == "" {
		t.Skipf("set %s=1 (and %s=1) to measure the dashboard's cost", EnvTestOverhead, EnvTestBrowser)
	}
	ctx, blog := startBrowser(t)
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
	run := func(opts ...delayed.Option) time.Duration {
		start := time.Now()
		xs := make([]delayed.Delayed[int], n)
		for i := range xs {
			xs[i] = addOne(delayed.Value(i))
		}
		v, err := sumInts(delayed.All(xs)).Compute(context.Background(), append(opts, delayed.WithScheduler("threads"))...)
		elapsed := time.Since(start)
		if err != nil || v != n*(n+1)/2 {
			t.Fatalf("Compute = %v, %v", v, err)
		}
		return elapsed
	}
	run() // warm up
	var with, without []time.Duration
	for range 7 {
		without = append(without, run())
		with = append(with, run(delayed.WithDashboard(addr)))
	}
	slices.Sort(with)
	slices.Sort(without)
	mw, mo := with[len(with)/2], without[len(without)/2]
	t.Logf("1e5-task wide graph on threads: median %v with the dashboard open in chromium, %v without: ratio %.3f (all with: %v; without: %v)",
		mw, mo, float64(mw)/float64(mo), with, without)
	// The page followed: it shows the last computation complete.
	waitFor(t, ctx, `[...document.querySelectorAll('#functions tbody tr')].every(r => r.dataset.percent === '100')`)

	// The collector alone: the dashboard on, no browser.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	with, without = with[:0], without[:0]
	for range 7 {
		without = append(without, run())
		with = append(with, run(delayed.WithDashboard(addr)))
	}
	slices.Sort(with)
	slices.Sort(without)
	mw, mo = with[len(with)/2], without[len(without)/2]
	t.Logf("the same with the dashboard on and no browser: median %v, %v without: ratio %.3f", mw, mo, float64(mw)/float64(mo))
	if errs := blog.list(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// BenchmarkWide computes a 1e4-task wide graph on threads without and with the dashboard (no
// browser): the collector's own cost per task.
func BenchmarkWide(b *testing.B) {
	l, _, err := dashboard.Open("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	addr := strings.TrimSuffix(strings.TrimPrefix(l.URL, "http://"), "/")
	const n = 10_000
	for _, name := range []string{"without", "with"} {
		b.Run(name, func(b *testing.B) {
			opts := []delayed.Option{delayed.WithScheduler("threads")}
			if name == "with" {
				opts = append(opts, delayed.WithDashboard(addr))
			}
			for b.Loop() {
				xs := make([]delayed.Delayed[int], n)
				for i := range xs {
					xs[i] = addOne(delayed.Value(i))
				}
				if _, err := sumInts(delayed.All(xs)).Compute(context.Background(), opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
