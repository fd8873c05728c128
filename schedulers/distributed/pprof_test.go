package distributed_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// The profiling endpoints of a status address bound beyond loopback answer only requests
// carrying the token; with it, they serve profiles that parse, the cluster's merging the
// scheduler's and each worker's.
func TestProfilingEndpoints(t *testing.T) {
	tc := newTestCluster(t, 1, func(o *distributed.ServerOptions) { o.Status = "0.0.0.0:0" })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(strings.TrimSuffix(tc.server.StatusURL(), "/status"), "http://"))
	base := "http://127.0.0.1:" + port
	get := func(path, token string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	paths := []string{"/debug/pprof/", "/debug/pprof/goroutine", "/debug/pprof/profile?seconds=0.2",
		"/debug/pprof/cluster?seconds=0.2", "/debug/pprof/trace?seconds=0.1", "/debug/pprof/cmdline"}
	for _, p := range paths {
		if resp, _ := get(p, "wrong-token"); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with a wrong token: status %d, want 401", p, resp.StatusCode)
		}
	}
	token := tc.server.Token()
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/trace?seconds=0.1"} {
		if resp, body := get(p, token); resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("%s: status %d, %d bytes", p, resp.StatusCode, len(body))
		}
	}
	for _, p := range []string{"/debug/pprof/goroutine", "/debug/pprof/heap", "/debug/pprof/profile?seconds=0.2"} {
		resp, body := get(p, token)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", p, resp.StatusCode, body)
		}
		if _, err := profile.Parse(bytes.NewReader(body)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	resp, body := get("/debug/pprof/cluster?seconds=0.2", token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("cluster: status %d: %s", resp.StatusCode, body)
	}
	if n := resp.Header.Get("X-Lazygraph-Profiles"); n != "2" {
		t.Errorf("cluster: %s profiles merged (%s; missing %s), want 2: the scheduler's and the worker's",
			n, resp.Header.Get("X-Lazygraph-Profile-Processes"), resp.Header.Get("X-Lazygraph-Profile-Missing"))
	}
	if _, err := profile.Parse(bytes.NewReader(body)); err != nil {
		t.Errorf("cluster: %v", err)
	}
	for _, p := range []string{"/debug/pprof/profile?seconds=-1", "/debug/pprof/cluster?seconds=x"} {
		if resp, _ := get(p, token); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", p, resp.StatusCode)
		}
	}
	if resp, _ := get("/debug/pprof/nonesuch", token); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown profile: status %d, want 404", resp.StatusCode)
	}
}
