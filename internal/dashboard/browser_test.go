package dashboard_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/dashboard"
)

// EnvTestBrowser enables the tests driving a real browser (Debian's chromium, headless).
const EnvTestBrowser = "LAZYGRAPH_TEST_BROWSER"

// EnvTestArtifacts names a directory for the screenshots the browser tests take (a temporary
// directory otherwise; the path is logged).
const EnvTestArtifacts = "LAZYGRAPH_TEST_ARTIFACTS"

// startBrowser returns a chromedp context on a headless chromium, ending after timeout (a hang
// guard), or skips the test.
func startBrowser(t *testing.T, timeout time.Duration) (context.Context, *browserLog) {
	t.Helper()
	if os.Getenv(EnvTestBrowser) == "" {
		t.Skipf("set %s=1 to run the browser tests (they need chromium)", EnvTestBrowser)
	}
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatalf("%s is set but no chromium is installed (apt-get install -y chromium)", EnvTestBrowser)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(1400, 1000),
		chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	log := &browserLog{}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	if err := chromedp.Listen(ctx, log.listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the page's errors: %q", log.list())
		}
	})
	return ctx, log
}

// browserLog keeps the console errors and uncaught exceptions of a page.
type browserLog struct {
	mu     sync.Mutex
	errors []string // the first few
}

func (b *browserLog) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) >= 10 {
		return
	}
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.errors = append(b.errors, "console."+string(ev.Type)+": "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		b.errors = append(b.errors, "exception: "+(&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
	case *cdplog.EventEntryAdded:
		// Failed requests, refused content (the page's security policy), deprecations.
		if ev.Entry.Level == cdplog.EntryLevelError {
			b.errors = append(b.errors, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	}
}

func (b *browserLog) list() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// artifactDir is where screenshots go.
func artifactDir(t *testing.T) string {
	if d := os.Getenv(EnvTestArtifacts); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

var (
	load = delayed.Func1E(func(i int) ([]float64, error) {
		time.Sleep(40 * time.Millisecond)
		return make([]float64, 1000*(i+1)), nil
	})
	fit   = delayed.Func1E(func(xs []float64) (float64, error) { time.Sleep(60 * time.Millisecond); return float64(len(xs)), nil })
	total = delayed.Func1(func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	})
	flaky = delayed.Func1E(func(i int) (int, error) {
		time.Sleep(20 * time.Millisecond)
		if i == 3 {
			return 0, errors.New("sensor 3 returned no data")
		}
		return i, nil
	})
)

// smallGraph is 8 loads, 8 fits, their gathering and one total: 18 tasks of four functions.
func smallGraph() delayed.Delayed[float64] {
	fits := make([]delayed.Delayed[float64], 8)
	for i := range fits {
		fits[i] = fit(load(delayed.Value(i)))
	}
	return total(delayed.All(fits))
}

// TestBrowserDashboard opens the dashboard in headless chromium, runs a computation and checks
// what the page shows: no console error, every function at 100%, one bar per task.
func TestBrowserDashboard(t *testing.T) {
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
	// The page is live before the computation starts.
	waitFor(t, ctx, `Number(document.body.dataset.snapshots || 0) >= 1`)

	v, err := smallGraph().Compute(context.Background(), delayed.WithDashboard(addr),
		delayed.WithScheduler("threads"), delayed.WithWorkers(3))
	if err != nil || v != 36000 {
		t.Fatalf("Compute = %v, %v; want 36000", v, err)
	}
	// One failing task in a computation that keeps going, for the failures panel.
	parts := make([]delayed.Delayed[int], 6)
	for i := range parts {
		parts[i] = flaky(delayed.Value(i))
	}
	_, _ = delayed.ComputeEach(context.Background(), parts, delayed.WithDashboard(addr),
		delayed.WithScheduler("threads"), delayed.WithWorkers(3), delayed.WithKeepGoing())

	// Every function reaches 100% (done, or failed for flaky), and the stream has one bar per
	// task: 18 + 6.
	waitFor(t, ctx, `(() => {
		const rows = [...document.querySelectorAll('#functions tbody tr')];
		return rows.length === 5 && rows.every(r => r.dataset.percent === '100');
	})()`)
	waitFor(t, ctx, `document.querySelectorAll('#stream rect.task').length === 24`)
	waitFor(t, ctx, `document.querySelectorAll('#failures li').length === 1`)
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#stream rect.task').length`))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Set([...document.querySelectorAll('#stream rect.task')].map(r => r.dataset.id)).size`))
	if err != nil {
		t.Fatal(err)
	}
	if bars != 24 || ids != 24 {
		t.Errorf("task stream: %d bars with %d distinct tasks, want 24 and 24", bars, ids)
	}
	failText, err := chromedp.Run(ctx, chromedp.Text("#failures"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(failText, "sensor 3 returned no data") {
		t.Errorf("failures panel = %q, want the task's error", failText)
	}
	// The failed task by its function's name as the rest of the page shows it, and its key's
	// number ("dashboard_test.flaky-86"), not by the symbol Go made up for the function.
	if !regexp.MustCompile(`dashboard_test\.flaky-\d+`).MatchString(failText) || strings.Contains(failText, "init.func") {
		t.Errorf("failures panel = %q, want the task named dashboard_test.flaky-<number>", failText)
	}
	// The key whole on hover: the one Compute's error names.
	keyTitle, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#failures li .key').title`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(keyTitle, "dashboard_test.init.func") {
		t.Errorf("the failed task's key on hover reads %q, want its key", keyTitle)
	}
	// A few more snapshots, to be sure the page keeps rendering without errors.
	waitFor(t, ctx, `(window.__n = window.__n || Number(document.body.dataset.snapshots)) && Number(document.body.dataset.snapshots) >= window.__n + 3`)

	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(artifactDir(t), "dashboard.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
	if errs := blog.list(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// waitFor evaluates cond in the page until it is true (the test's context bounds the wait).
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err != nil {
			t.Fatalf("waiting for %s: %v", cond, err)
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", cond, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
