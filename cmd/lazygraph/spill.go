package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/internal/cluster"
	"github.com/lazygraph/lazygraph/internal/worker"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
	"github.com/lazygraph/lazygraph/schedulers/processes"
)

// The spill shape: -tasks blocks of -size float64s each are made on the workers, each block's mean
// is taken, the means give the overall mean, and each block's sum of squared deviations from it
// is summed. Every block is needed until the overall mean is known, which needs every block: all
// blocks are held at once. Sized by default to 4.5× the workers' memory ($LAZYGRAPH_WORKER_MEMORY,
// set to 256MB when unset), so that workers must spill to finish within their budget.
var (
	spillBlock  = delayed.Func2(makeBlock)
	spillMean   = delayed.Func1(blockMean)
	spillMeanOf = delayed.Func1(meanOf)
	spillSqDev  = delayed.Func2(squaredDeviations)
)

// defaultSpillLimit is the workers' budget the spill shape sets when the environment gives none.
const defaultSpillLimit = "256MB"

// spillBlockLen is the default block length: 16 MiB of float64s.
const spillBlockLen = 2 << 20

func blockValue(i, j int) float64 {
	return float64((uint64(i)*2654435761+uint64(j)*40503)%1000) / 1000
}

func makeBlock(i, n int) []float64 {
	b := make([]float64, n)
	for j := range b {
		b[j] = blockValue(i, j)
	}
	return b
}

func blockMean(b []float64) float64 { return sumFloats(b) / float64(len(b)) }

func meanOf(ms []float64) float64 { return sumFloats(ms) / float64(len(ms)) }

func squaredDeviations(b []float64, m float64) float64 {
	total := 0.0
	for _, v := range b {
		total += (v - m) * (v - m)
	}
	return total
}

func buildSpill(p params) delayed.Node {
	blocks := make([]delayed.Delayed[[]float64], p.tasks)
	means := make([]delayed.Delayed[float64], p.tasks)
	for i := range blocks {
		blocks[i] = spillBlock(delayed.Value(i), delayed.Value(p.size))
		means[i] = spillMean(blocks[i])
	}
	m := spillMeanOf(delayed.All(means))
	devs := make([]delayed.Delayed[float64], p.tasks)
	for i := range devs {
		devs[i] = spillSqDev(blocks[i], m)
	}
	return benchSumFloat(delayed.All(devs))
}

// checkSpill computes the answer here, one block at a time, the way the graph does.
func checkSpill(p params, r any) error {
	means := make([]float64, p.tasks)
	b := make([]float64, p.size)
	fill := func(i int) {
		for j := range b {
			b[j] = blockValue(i, j)
		}
	}
	for i := range means {
		fill(i)
		means[i] = blockMean(b)
	}
	m := meanOf(means)
	devs := make([]float64, p.tasks)
	for i := range devs {
		fill(i)
		devs[i] = squaredDeviations(b, m)
	}
	want := sumFloats(devs)
	if got, _ := r.(float64); got != want {
		return fmt.Errorf("result %v, want %v", got, want)
	}
	return nil
}

// spillDefaults sizes the spill shape: the workers' budget (set in the environment, which the
// workers inherit, when unset), and blocks enough to hold 4.5× the workers' memory in all.
func spillDefaults(p *params, workers int, sizeSet, tasksSet bool) (limit int64, err error) {
	s := os.Getenv(worker.EnvMemory)
	if s == "" {
		s = defaultSpillLimit
		os.Setenv(worker.EnvMemory, s)
	}
	if limit, err = worker.ParseSize(s); err != nil {
		return 0, fmt.Errorf("%s: %w", worker.EnvMemory, err)
	}
	if !sizeSet {
		p.size = spillBlockLen
	}
	if !tasksSet {
		p.tasks = int(math.Ceil(4.5 * float64(limit) * float64(max(workers, 1)) / float64(8*p.size)))
	}
	return limit, nil
}

// workerMemoryFigures returns the memory the workers of scheduler reported, waiting (at most a
// few seconds) for reports sent after the computation ended: max_worker_rss_bytes= (the largest
// peak resident memory), the peak of each, and the bytes spilled in all.
func workerMemoryFigures(scheduler string, ended time.Time) []string {
	var read func() []cluster.WorkerMemory
	switch scheduler {
	case processes.Name:
		read = processes.WorkerMemory
	case distributed.Name:
		read = distributed.WorkerMemory
	default:
		return nil
	}
	var reports []cluster.WorkerMemory
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		reports = read()
		if len(reports) > 0 && !slices.ContainsFunc(reports, func(r cluster.WorkerMemory) bool { return r.At.Before(ended) }) {
			break
		}
	}
	if len(reports) == 0 {
		return []string{"max_worker_rss_bytes=unknown"}
	}
	var peak, spilled int64
	peaks := make([]string, len(reports))
	for k, r := range reports {
		peak = max(peak, r.PeakRSS)
		spilled += r.SpilledTotal
		peaks[k] = strconv.FormatInt(r.PeakRSS, 10)
	}
	return []string{
		fmt.Sprintf("max_worker_rss_bytes=%d", peak),
		"worker_peak_rss_bytes=" + strings.Join(peaks, ","),
		fmt.Sprintf("bytes_spilled=%d", spilled),
	}
}
