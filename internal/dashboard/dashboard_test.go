package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/dashboard"
)

// openLocal starts a dashboard on a free loopback port for the test.
func openLocal(t *testing.T) (*dashboard.Local, string) {
	t.Helper()
	l, _, err := dashboard.Open("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, strings.TrimSuffix(strings.TrimPrefix(l.URL, "http://"), "/")
}

// The collector counts every task of every function, on every local scheduler, and a cursor
// gets each finished task once.
func TestCollectorCounts(t *testing.T) {
	for _, sched := range []string{"synchronous", "threads", "processes", "distributed"} {
		t.Run(sched, func(t *testing.T) {
			l, addr := openLocal(t)
			v, err := smallGraph().Compute(context.Background(), delayed.WithDashboard(addr), delayed.WithScheduler(sched))
			if err != nil || v != 36000 {
				t.Fatalf("Compute = %v, %v", v, err)
			}
			var cur dashboard.Cursor
			s := l.Collector.Snapshot(&cur)
			var total, done int64
			for _, f := range s.Functions {
				total += f.Total
				done += f.Done
				if f.Running != 0 || f.Queued != 0 || f.Failed != 0 {
					t.Errorf("%s: %+v after the computation", f.Name, f)
				}
			}
			if len(s.Functions) != 4 || total != 18 || done != 18 {
				t.Errorf("%d functions, %d of %d tasks done; want 4, 18 of 18", len(s.Functions), done, total)
			}
			ids := map[uint64]bool{}
			for _, sp := range s.Stream {
				ids[sp.ID] = true
				if sp.Func == "" { // keys are shown only while the computation runs
					t.Errorf("span without function: %+v", sp)
				}
			}
			if len(s.Stream) != 18 || len(ids) != 18 {
				t.Errorf("%d spans (%d distinct), want 18", len(s.Stream), len(ids))
			}
			if again := l.Collector.Snapshot(&cur); len(again.Stream) != 0 {
				t.Errorf("the cursor's second snapshot repeats %d tasks", len(again.Stream))
			}
			if len(s.Computations) != 1 || s.Computations[0].State != "done" || s.Computations[0].Tasks != 18 {
				t.Errorf("computations: %+v", s.Computations)
			}
		})
	}
}

// A failed task is listed with its key and its own error; its function counts it as failed.
func TestCollectorFailures(t *testing.T) {
	l, addr := openLocal(t)
	parts := make([]delayed.Delayed[int], 6)
	for i := range parts {
		parts[i] = flaky(delayed.Value(i))
	}
	_, err := delayed.ComputeEach(context.Background(), parts, delayed.WithDashboard(addr), delayed.WithKeepGoing())
	var failures *delayed.Failures
	if !errors.As(err, &failures) {
		t.Fatalf("err = %v, want *Failures", err)
	}
	// A task needing the failed one is skipped: counted so, not left queued.
	_, _ = delayed.All(parts).Compute(context.Background(), delayed.WithDashboard(addr), delayed.WithKeepGoing())
	s := l.Collector.Snapshot(nil)
	for _, f := range s.Functions {
		if strings.HasPrefix(f.Name, "lazygraph.slice") && (f.Skipped != 1 || f.Queued != 0) {
			t.Errorf("the gathering skipped after a failure: %+v", f)
		}
	}
	s.Functions = slices.DeleteFunc(s.Functions, func(f dashboard.FunctionStats) bool { return strings.HasPrefix(f.Name, "lazygraph.slice") })
	// Both computations ran flaky six times: two failures.
	if len(s.Failures) != 2 || len(s.Computations) != 2 {
		t.Errorf("%d failures, %d computations; want 2 and 2", len(s.Failures), len(s.Computations))
	}
	s.Computations = s.Computations[:1]
	s.Failures = s.Failures[:1]
	if len(s.Failures) != 1 || s.Failures[0].Error != "sensor 3 returned no data" || s.Failures[0].Key == "" {
		t.Errorf("failures: %+v", s.Failures)
	}
	// The page names the task as it names functions, by the variable the function literal was
	// assigned to, and tells which of flaky's tasks it was by its key's number; the key stays
	// whole (it is the one Compute's error names).
	fl := s.Failures[0]
	_, num, _ := strings.Cut(fl.Key, ".init.func")
	_, num, _ = strings.Cut(num, "-")
	if !strings.Contains(fl.Key, "dashboard_test.init.func") || num == "" || fl.Task != "dashboard_test.flaky-"+num ||
		fl.Func != "dashboard_test.flaky" || fl.Computation != s.Computations[0].ID {
		t.Errorf("failure shown as %q (function %q, computation %d) for key %q; want dashboard_test.flaky-%s, computation %d",
			fl.Task, fl.Func, fl.Computation, fl.Key, num, s.Computations[0].ID)
	}
	if len(s.Functions) != 1 || s.Functions[0].Failed != 2 || s.Functions[0].Done != 10 {
		t.Errorf("functions: %+v", s.Functions)
	}
	if len(s.Computations) != 1 || s.Computations[0].State != "failed" {
		t.Errorf("computations: %+v", s.Computations)
	}
}

// The page, its assets, a snapshot, the event stream and /metrics are served.
func TestServed(t *testing.T) {
	l, addr := openLocal(t)
	if _, err := smallGraph().Compute(context.Background(), delayed.WithDashboard(addr)); err != nil {
		t.Fatal(err)
	}
	get := func(path string) (*http.Response, string) {
		resp, err := http.Get(l.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /%s: %s", path, resp.Status)
		}
		return resp, string(body)
	}
	if _, page := get(""); !strings.Contains(page, `src="assets/app.js"`) || strings.Contains(page, "https://") {
		t.Errorf("page: %.300s", page)
	}
	for _, asset := range []string{"assets/app.js", "assets/style.css"} {
		if _, body := get(asset); len(body) < 1000 || strings.Contains(body, "https://") {
			t.Errorf("%s: %d bytes, or it fetches from the network", asset, len(body))
		}
	}
	_, metrics := get("metrics")
	for _, want := range []string{`lazygraph_tasks{function="dashboard_test.fit",state="done"} 8`,
		`lazygraph_task_duration_seconds_count{function="dashboard_test.load"} 8`,
		`lazygraph_computations{state="done"} 1`, "go_goroutines"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// The first event is a whole snapshot.
	resp, err := http.Get(l.URL + "events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var s dashboard.Snapshot
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &s); err != nil {
		t.Fatalf("event %.200q: %v", line, err)
	}
	if len(s.Stream) != 18 || len(s.Functions) != 4 {
		t.Errorf("first event: %d spans, %d functions; want 18 and 4", len(s.Stream), len(s.Functions))
	}
}

// Guard lets through requests with the token (header, query, cookie) and refuses the others.
func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	srv := httptest.NewServer(dashboard.Guard("s3cret", true)(ok))
	defer srv.Close()
	cases := []struct {
		path, auth string
		want       int
	}{
		{"/metrics", "", 401},
		{"/metrics", "Bearer nope", 401},
		{"/metrics?token=nope", "", 401},
		{"/metrics", "Bearer s3cret", 200},
		{"/metrics?token=s3cret", "", 200},
		{"/?token=s3cret", "", 303},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s (%q): %d, want %d", c.path, c.auth, resp.StatusCode, c.want)
		}
	}
	open := httptest.NewServer(dashboard.Guard("s3cret", false)(ok))
	defer open.Close()
	if resp, err := http.Get(open.URL + "/metrics"); err != nil || resp.StatusCode != 200 {
		t.Errorf("on loopback the guard lets everything through: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
