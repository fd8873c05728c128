package worker

import (
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"
)

// UsageReportInterval is how often a worker without a memory budget reports its resident memory
// and CPU time (a MemoryReport marked Usage), for dashboards and metrics. A worker with a budget
// reports them in its memory reports, every MemoryReportInterval.
var UsageReportInterval = time.Second

// ProcessCPU is the CPU time, user and system, this process has used so far (0 when unknown).
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// UsageReport is a worker's resident memory and CPU time now.
func UsageReport() *MemoryReport {
	rss, peak := ResidentMemory()
	return &MemoryReport{Usage: true, RSS: rss, PeakRSS: peak, CPU: int64(ProcessCPU())}
}

// reportUsage sends a usage report now and every UsageReportInterval until stop is closed.
func reportUsage(s MemorySink, log *zap.Logger, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	t := time.NewTicker(UsageReportInterval)
	defer t.Stop()
	for {
		if err := s.SendMemory(UsageReport()); err != nil {
			log.Debug("usage report not sent", zap.Error(err))
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}
