package dashboard

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MetricsHandler serves src's figures in the Prometheus text format, with the Go runtime's and
// this process's. Nothing is counted for it between scrapes: each scrape takes one snapshot.
func MetricsHandler(src Source) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(&metricsCollector{src: src},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

var (
	descTasks = prometheus.NewDesc("lazygraph_tasks",
		"Tasks of the computations shown, by function and state (done, running, queued, failed, skipped).",
		[]string{"function", "state"}, nil)
	descDuration = prometheus.NewDesc("lazygraph_task_duration_seconds",
		"How long tasks that succeeded ran, by function: every task on processes and distributed; where tasks run in this process every task of 64µs or more and a sample of shorter ones (one in up to 64 per worker).", []string{"function"}, nil)
	descBytesSent = prometheus.NewDesc("lazygraph_bytes_sent_total",
		"Bytes that crossed into worker processes.", nil, nil)
	descHeld = prometheus.NewDesc("lazygraph_worker_held_bytes",
		"Bytes of results a worker holds.", []string{"worker"}, nil)
	descWorkerQueue = prometheus.NewDesc("lazygraph_worker_queued_tasks",
		"Tasks assigned to a worker and not finished.", []string{"worker"}, nil)
	descWorkerRunning = prometheus.NewDesc("lazygraph_worker_running_tasks",
		"Tasks running on a worker.", []string{"worker"}, nil)
	descWorkerRSS = prometheus.NewDesc("lazygraph_worker_resident_memory_bytes",
		"A worker process's resident memory, as it last reported it.", []string{"worker"}, nil)
	descWorkerCPU = prometheus.NewDesc("lazygraph_worker_cpu_cores",
		"The CPU a worker process used between its last two reports, in cores (1 is one core busy).", []string{"worker"}, nil)
	descWorkers = prometheus.NewDesc("lazygraph_workers", "Workers connected (or in use).", nil, nil)
	descQueued  = prometheus.NewDesc("lazygraph_queued_tasks",
		"Tasks of running computations not finished and not running.", nil, nil)
	descComps = prometheus.NewDesc("lazygraph_computations",
		"Computations shown, by state (running, done, failed).", []string{"state"}, nil)
)

type metricsCollector struct{ src Source }

var _ prometheus.Collector = (*metricsCollector)(nil)

func (m *metricsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTasks, descDuration, descBytesSent, descHeld, descWorkerQueue,
		descWorkerRunning, descWorkerRSS, descWorkerCPU, descWorkers, descQueued, descComps} {
		ch <- d
	}
}

func (m *metricsCollector) Collect(ch chan<- prometheus.Metric) {
	s := m.src.Snapshot(nil)
	var queued int64
	for _, f := range s.Functions {
		for _, st := range []struct {
			name string
			n    int64
		}{{"done", f.Done}, {"running", f.Running}, {"queued", f.Queued}, {"failed", f.Failed}, {"skipped", f.Skipped}} {
			ch <- prometheus.MustNewConstMetric(descTasks, prometheus.GaugeValue, float64(st.n), f.Name, st.name)
		}
		queued += f.Queued
		buckets := make(map[float64]uint64, NumBuckets-1)
		var cum uint64
		for k := range NumBuckets - 1 {
			cum += uint64(f.Buckets[k])
			buckets[BucketBound(k).Seconds()] = cum
		}
		ch <- prometheus.MustNewConstHistogram(descDuration, uint64(f.Timed), float64(f.TotalNs)/1e9, buckets, f.Name)
	}
	ch <- prometheus.MustNewConstMetric(descBytesSent, prometheus.CounterValue, float64(s.BytesSent))
	ch <- prometheus.MustNewConstMetric(descWorkers, prometheus.GaugeValue, float64(len(s.Workers)))
	ch <- prometheus.MustNewConstMetric(descQueued, prometheus.GaugeValue, float64(queued))
	for _, w := range s.Workers {
		ch <- prometheus.MustNewConstMetric(descHeld, prometheus.GaugeValue, float64(w.HeldBytes), w.Name)
		ch <- prometheus.MustNewConstMetric(descWorkerQueue, prometheus.GaugeValue, float64(w.Queued), w.Name)
		ch <- prometheus.MustNewConstMetric(descWorkerRunning, prometheus.GaugeValue, float64(w.Running), w.Name)
		if w.RSS >= 0 {
			ch <- prometheus.MustNewConstMetric(descWorkerRSS, prometheus.GaugeValue, float64(w.RSS), w.Name)
		}
		if w.CPU >= 0 {
			ch <- prometheus.MustNewConstMetric(descWorkerCPU, prometheus.GaugeValue, w.CPU, w.Name)
		}
	}
	states := map[string]int{"running": 0, "done": 0, "failed": 0}
	for _, c := range s.Computations {
		states[c.State]++
	}
	for st, n := range states {
		ch <- prometheus.MustNewConstMetric(descComps, prometheus.GaugeValue, float64(n), st)
	}
}
