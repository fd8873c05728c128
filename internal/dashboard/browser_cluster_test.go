package dashboard_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/dashboard"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// checkPage waits until the page in ctx shows funcs functions all at 100% and bars task bars of
// as many distinct tasks, lets it render a few more snapshots, saves a screenshot as name in the
// artifacts directory and checks that the page logged no error.
func checkPage(t *testing.T, ctx context.Context, blog *browserLog, funcs, bars int, name string) {
	t.Helper()
	waitFor(t, ctx, `(() => {
		const rows = [...document.querySelectorAll('#functions tbody tr')];
		return rows.length === `+strconv.Itoa(funcs)+` && rows.every(r => r.dataset.percent === '100');
	})()`)
	waitFor(t, ctx, `document.querySelectorAll('#stream rect.task').length === `+strconv.Itoa(bars))
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Set([...document.querySelectorAll('#stream rect.task')].map(r => r.dataset.id)).size`))
	if err != nil {
		t.Fatal(err)
	}
	if ids != bars {
		t.Errorf("task stream: %d distinct tasks among its bars, want %d", ids, bars)
	}
	waitFor(t, ctx, `(window.__n = window.__n || Number(document.body.dataset.snapshots)) && Number(document.body.dataset.snapshots) >= window.__n + 3`)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(artifactDir(t), name)
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
	if errs := blog.list(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// TestBrowserDashboardProcesses follows a computation on the processes scheduler (3 worker
// processes) in headless chromium: the page's checks of TestBrowserDashboard, and every worker
// process's memory and CPU shown.
func TestBrowserDashboardProcesses(t *testing.T) {
	ctx, blog := startBrowser(t, 4*time.Minute)
	l, _, err := dashboard.Open("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := strings.TrimSuffix(strings.TrimPrefix(l.URL, "http://"), "/")
	if err := chromedp.Do(ctx, chromedp.Navigate(l.URL), chromedp.WaitVisible("#stream")); err != nil {
		t.Fatalf("loading %s: %v", l.URL, err)
	}
	waitFor(t, ctx, `Number(document.body.dataset.snapshots || 0) >= 1`)
	v, err := smallGraph().Compute(context.Background(), delayed.WithDashboard(addr),
		delayed.WithScheduler("processes"), delayed.WithWorkers(3))
	if err != nil || v != 36000 {
		t.Fatalf("Compute = %v, %v; want 36000", v, err)
	}
	// The Workers table: three rows, each with the worker process's resident memory and CPU
	// (reported every second), not "–".
	waitFor(t, ctx, `(() => {
		const rows = [...document.querySelectorAll('#workers tbody tr')];
		return rows.length === 3 && rows.every(r => r.cells[6].textContent !== '–' && r.cells[7].textContent !== '–');
	})()`)
	// 8 loads, 8 fits, their gathering and the total: 18 tasks of 4 functions.
	checkPage(t, ctx, blog, 4, 18, "dashboard-processes.png")
}

// TestBrowserDashboardDistributed opens the dashboard of a distributed scheduler (its status
// address; 2 worker processes) in headless chromium and follows a computation submitted in the
// scheduler's process and one, with a failure, from a client connected to it: the page's checks
// of TestBrowserDashboard, every worker's memory and CPU shown, and each computation's client.
func TestBrowserDashboardDistributed(t *testing.T) {
	ctx, blog := startBrowser(t, 4*time.Minute)
	lc, err := distributed.StartLocalCluster(context.Background(), distributed.LocalClusterOptions{Workers: 2, Status: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	url := lc.Server().DashboardURL()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible("#stream")); err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	waitFor(t, ctx, `Number(document.body.dataset.snapshots || 0) >= 1`)
	v, err := smallGraph().Compute(context.Background(), delayed.Using(lc))
	if err != nil || v != 36000 {
		t.Fatalf("Compute = %v, %v; want 36000", v, err)
	}
	// One failing task in a computation that keeps going, for the failures panel, from a
	// client connected to the scheduler (given no name).
	client, err := distributed.Connect(context.Background(), lc.Address(), distributed.ClientOptions{Token: lc.Server().Token()})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	parts := make([]delayed.Delayed[int], 6)
	for i := range parts {
		parts[i] = flaky(delayed.Value(i))
	}
	_, _ = delayed.ComputeEach(context.Background(), parts, delayed.Using(client), delayed.WithKeepGoing())
	// The failed task by its function's name and its index in the computation; the
	// computations by the program and process they came from: the scheduler's own, and the
	// client's, with its address.
	waitFor(t, ctx, `document.querySelectorAll('#failures li').length === 1`)
	failText, err := chromedp.Run(ctx, chromedp.Text("#failures"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`dashboard_test\.flaky #\d+`).MatchString(failText) || !strings.Contains(failText, "computation 2") ||
		!strings.Contains(failText, "sensor 3 returned no data") || strings.Contains(failText, "init.func") {
		t.Errorf("failures panel = %q, want dashboard_test.flaky #<index>, computation 2, and the task's error", failText)
	}
	waitFor(t, ctx, `document.querySelectorAll('#computations tbody tr').length === 2`)
	clients, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#computations tbody tr')].map(r => r.cells[1].title === r.cells[1].textContent ? r.cells[1].textContent : 'no whole name on hover: ' + r.cells[1].textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	program, pid := filepath.Base(os.Args[0]), strconv.Itoa(os.Getpid())
	want := []*regexp.Regexp{ // newest first
		regexp.MustCompile(`^` + regexp.QuoteMeta(program+" on "+host+" (pid "+pid+", ") + `127\.0\.0\.1:\d+\)$`),
		regexp.MustCompile(`^` + regexp.QuoteMeta(program+" (pid "+pid+", this process)") + `$`),
	}
	if len(clients) != 2 || !want[0].MatchString(clients[0]) || !want[1].MatchString(clients[1]) {
		t.Errorf("computations' clients %q, want them to match %s and %s", clients, want[0], want[1])
	}
	// The Workers table: two rows, each with a resident memory and a CPU figure (the workers
	// report every second), not "–".
	waitFor(t, ctx, `(() => {
		const rows = [...document.querySelectorAll('#workers tbody tr')];
		return rows.length === 2 && rows.every(r => r.cells[6].textContent !== '–' && r.cells[7].textContent !== '–');
	})()`)
	// The small graph's 18 tasks of 4 functions and flaky's 6.
	checkPage(t, ctx, blog, 5, 24, "dashboard-distributed.png")
}
