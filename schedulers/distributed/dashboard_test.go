package distributed_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// The status address serves the dashboard's snapshot and /metrics, fed by the coordinator:
// per-function counts, the computation and its client, one stream entry per task.
func TestDashboardOnStatusAddress(t *testing.T) {
	tc := newTestCluster(t, 2, func(o *distributed.ServerOptions) { o.Status = "127.0.0.1:0" })
	xs := make([]delayed.Delayed[int], 10)
	for i := range xs {
		xs[i] = inc(delayed.Value(i))
	}
	if _, err := delayed.ComputeEach(context.Background(), xs, delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file)); err != nil {
		t.Fatal(err)
	}
	base := tc.server.DashboardURL()
	get := func(path string) string {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
		}
		return string(body)
	}
	if page := get(""); !strings.Contains(page, "lazygraph") || !strings.Contains(page, "assets/app.js") {
		t.Errorf("the dashboard page is not served: %.200s", page)
	}
	var snap struct {
		Functions []struct {
			Name        string
			Total, Done int64
		}
		Computations []struct {
			Client string
			State  string
			Tasks  int64
		}
		Workers []struct{ Name string }
		Stream  []struct {
			ID string
			F  string
		}
	}
	if err := json.Unmarshal([]byte(get("api/snapshot")), &snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Functions) != 1 || snap.Functions[0].Total != 10 || snap.Functions[0].Done != 10 {
		t.Errorf("functions: %+v, want one with 10 of 10 done", snap.Functions)
	}
	if len(snap.Computations) != 1 || snap.Computations[0].State != "done" || snap.Computations[0].Client == "" {
		t.Errorf("computations: %+v", snap.Computations)
	}
	// A client that was given no name is known by its program, its process, its machine and
	// its address.
	host, _ := os.Hostname()
	wantClient := regexp.MustCompile(`^` + regexp.QuoteMeta(filepath.Base(os.Args[0])+" on "+host+" (pid "+strconv.Itoa(os.Getpid())) +
		`, 127\.0\.0\.1:\d+\)$`)
	if len(snap.Computations) == 1 && !wantClient.MatchString(snap.Computations[0].Client) {
		t.Errorf("the computation's client reads %q, want it to match %s", snap.Computations[0].Client, wantClient)
	}
	ids := map[string]bool{}
	for _, s := range snap.Stream {
		ids[s.ID] = true
	}
	if len(snap.Stream) != 10 || len(ids) != 10 || len(snap.Workers) != 2 {
		t.Errorf("%d tasks (%d distinct) in the stream, %d workers; want 10, 10 and 2", len(snap.Stream), len(ids), len(snap.Workers))
	}
	metrics := get("metrics")
	for _, want := range []string{`state="done"} 10`, "lazygraph_task_duration_seconds_count", "lazygraph_workers 2",
		"lazygraph_worker_held_bytes", "lazygraph_queued_tasks"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// Beyond loopback the dashboard and /metrics need the token: a bearer header, or ?token= once,
// which sets a cookie for the browser's later requests.
func TestDashboardBeyondLoopbackNeedsTheToken(t *testing.T) {
	tc := newTestCluster(t, 1, func(o *distributed.ServerOptions) { o.Status = "0.0.0.0:0" })
	_, port, _ := net.SplitHostPort(strings.TrimSuffix(strings.TrimPrefix(tc.server.DashboardURL(), "http://"), "/"))
	base := "http://127.0.0.1:" + port + "/"
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(path, auth string, cookie *http.Cookie) *http.Response {
		req, _ := http.NewRequest("GET", base+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, path := range []string{"", "metrics", "api/snapshot", "assets/app.js", "events"} {
		if code := do(path, "", nil).StatusCode; code != http.StatusUnauthorized {
			t.Errorf("/%s without the token: status %d, want 401", path, code)
		}
		if code := do(path+"?token=wrong", "Bearer wrong", nil).StatusCode; code != http.StatusUnauthorized {
			t.Errorf("/%s with a wrong token: status %d, want 401", path, code)
		}
	}
	if code := do("metrics", "Bearer "+tc.server.Token(), nil).StatusCode; code != http.StatusOK {
		t.Errorf("/metrics with the token: status %d, want 200", code)
	}
	resp := do("?token="+tc.server.Token(), "", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("/?token=: status %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		cookie = c
	}
	if cookie == nil || !cookie.HttpOnly {
		t.Fatalf("/?token= set no HttpOnly cookie: %v", resp.Cookies())
	}
	for _, path := range []string{"", "api/snapshot", "assets/style.css"} {
		if code := do(path, "", cookie).StatusCode; code != http.StatusOK {
			t.Errorf("/%s with the cookie: status %d, want 200", path, code)
		}
	}
}
