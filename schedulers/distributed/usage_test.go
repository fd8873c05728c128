package distributed_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// Worker processes without a memory budget report their resident memory and CPU time: the
// dashboard's Workers table and /metrics show them per worker.
func TestDashboardShowsWorkersMemoryAndCPU(t *testing.T) {
	tc := newTestCluster(t, 2, func(o *distributed.ServerOptions) { o.Status = "127.0.0.1:0" })
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
	type workerStats struct {
		Name string
		RSS  int64
		CPU  float64
	}
	var workers []workerStats
	// Workers report every second: wait for two reports of each (a hang guard, not a timing).
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var snap struct{ Workers []workerStats }
		if err := json.Unmarshal([]byte(get("api/snapshot")), &snap); err != nil {
			t.Fatal(err)
		}
		workers = snap.Workers
		ready := len(workers) == 2
		for _, w := range workers {
			ready = ready && w.RSS > 0 && w.CPU >= 0
		}
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("workers never showed their memory and CPU: %+v", workers)
		}
	}
	for _, w := range workers {
		// A Go worker process is resident in at least a megabyte and far less than a terabyte.
		if w.RSS < 1<<20 || w.RSS > 1<<40 || w.CPU > 64 {
			t.Errorf("worker %s: RSS %d, CPU %.3f cores: implausible", w.Name, w.RSS, w.CPU)
		}
	}
	metrics := get("metrics")
	for _, w := range workers {
		for _, name := range []string{"lazygraph_worker_resident_memory_bytes", "lazygraph_worker_cpu_cores"} {
			if want := name + `{worker="` + w.Name + `"}`; !strings.Contains(metrics, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	}
}
