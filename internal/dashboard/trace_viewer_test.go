package dashboard_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/tracecheck"
)

// EnvTestSpeedscope names the directory of speedscope's web build (dist/release of the npm
// package speedscope), for the test opening a trace in it.
const EnvTestSpeedscope = "LAZYGRAPH_TEST_SPEEDSCOPE"

// TestBrowserTraceInSpeedscope writes the trace of a computation on processes (3 workers) with
// delayed.WithTrace and opens it in a real trace viewer, speedscope (offline, from its npm
// package), in headless chromium: its Chrome trace-event importer reads the file, shows one
// profile per worker's lane named as the trace names it, and lists as many spans on each lane
// as the trace has (its sandwich view: a row per frame, each span's name carrying its key).
// Screenshots of the timeline and the table are saved.
//
// Why not Perfetto or chrome://tracing: Perfetto's UI is a web site, not reachable offline, and
// no package of the reachable registries carries a build of it; Debian's chromium 148 sends
// chrome://tracing to "internal debugging pages are currently disabled", and once they are
// enabled (the button of chrome://chrome-urls) the page fails to load (net::ERR_FAILED): the
// legacy trace viewer is not in this build.
func TestBrowserTraceInSpeedscope(t *testing.T) {
	dir := os.Getenv(EnvTestSpeedscope)
	if dir == "" {
		t.Skipf("set %s to speedscope's dist/release (npm install speedscope) to open a trace in it", EnvTestSpeedscope)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		t.Fatalf("%s=%s: no speedscope build there: %v", EnvTestSpeedscope, dir, err)
	}
	ctx, blog := startBrowser(t, 4*time.Minute)

	trace := filepath.Join(t.TempDir(), "trace.json")
	v, err := smallGraph().Compute(context.Background(), delayed.WithTrace(trace),
		delayed.WithScheduler("processes"), delayed.WithWorkers(3))
	if err != nil || v != 36000 {
		t.Fatalf("Compute = %v, %v; want 36000", v, err)
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := tracecheck.Check(data)
	if err != nil {
		t.Fatalf("the trace's schema: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(dir)))
	mux.HandleFunc("/trace.json", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, trace) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	perLane := map[string]int{}
	for _, sp := range tr.Spans { // as speedscope names a thread: "<name> (tid <tid>)"
		perLane[fmt.Sprintf("%s (tid %d)", tr.Lanes[sp.Tid], sp.Tid)]++
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/index.html#profileURL="+srv.URL+"/trace.json")); err != nil {
		t.Fatal(err)
	}
	// The toolbar names the profile shown, "<lane> (k/n)": one profile per worker's lane.
	const profile = `(() => { const m = document.body.innerText.match(/\n(.+) \((\d+)\/(\d+)\)\n/); return m ? [m[1], m[2], m[3]] : []; })()`
	waitFor(t, ctx, profile+`.length === 3`)
	seen := map[string]int{}
	for k := 1; k <= len(tr.Lanes); k++ {
		waitFor(t, ctx, profile+`[1] === "`+strconv.Itoa(k)+`"`)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](profile))
		if err != nil {
			t.Fatal(err)
		}
		if got[2] != strconv.Itoa(len(tr.Lanes)) {
			t.Fatalf("speedscope shows %s profiles, want one per lane: %d", got[2], len(tr.Lanes))
		}
		// The sandwich view lists the profile's frames, one per span (each has its key).
		if err := chromedp.Do(ctx, chromedp.KeyEvent("3")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `document.body.innerText.includes("Symbol Name")`)
		// "<process> (pid <pid>), <thread> (tid <tid>)"
		lane := got[0][strings.LastIndex(got[0], ", ")+2:]
		// The table's rows are drawn after its header (later on a busy machine): read until they
		// are all there, or a few seconds have passed, and keep what was read last.
		var n int
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			if n, err = chromedp.Run(ctx, chromedp.Evaluate[int](`(document.body.innerText.match(/"key":/g) || []).length`)); err != nil {
				t.Fatal(err)
			}
			if n == perLane[lane] || time.Now().After(deadline) {
				break
			}
		}
		seen[lane] = n
		if k == 1 {
			shotPNG(t, ctx, "trace-speedscope-sandwich.png")
		}
		// Back to the timeline, so that the next profile's table is drawn afresh.
		if err := chromedp.Do(ctx, chromedp.KeyEvent("1")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, `!document.body.innerText.includes("Symbol Name")`)
		if k == 1 {
			shotPNG(t, ctx, "trace-speedscope.png")
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent("n")); err != nil { // the next profile
			t.Fatal(err)
		}
	}
	if !maps.Equal(seen, perLane) {
		t.Errorf("speedscope shows spans per lane %v; the trace has %v", seen, perLane)
	}
	t.Logf("speedscope read %d lanes, spans per lane %v (%d spans)", len(seen), seen, len(tr.Spans))
	if errs := blog.list(); len(errs) > 0 {
		t.Errorf("the viewer logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// shotPNG saves a screenshot of the page as name in the artifacts directory.
func shotPNG(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(artifactDir(t), name)
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
}
