package dashboard

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// procSampler measures this process's memory and CPU use between samples.
type procSampler struct {
	mu      sync.Mutex
	at      time.Time
	cpu     time.Duration
	last    ProcessStats
	samples []metrics.Sample
}

// sample returns the process's present stats; CPU is the cores used since the previous sample
// (a sample less than 200ms after the previous one repeats its CPU figure).
func (p *procSampler) sample() ProcessStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	st := ProcessStats{RSS: selfRSS(), Goroutines: runtime.NumGoroutine(), CPU: p.last.CPU}
	if p.samples == nil {
		p.samples = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	}
	metrics.Read(p.samples)
	if p.samples[0].Value.Kind() == metrics.KindUint64 {
		st.HeapBytes = int64(p.samples[0].Value.Uint64())
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		if p.at.IsZero() || now.Sub(p.at) >= 200*time.Millisecond {
			if !p.at.IsZero() {
				st.CPU = float64(cpu-p.cpu) / float64(now.Sub(p.at))
			}
			p.at, p.cpu = now, cpu
		}
	}
	p.last = st
	return st
}

// selfRSS is this process's resident set size in bytes, or -1 when unknown.
func selfRSS() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return -1
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return -1
	}
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return -1
	}
	return pages * int64(os.Getpagesize())
}
