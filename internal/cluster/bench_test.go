package cluster

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU returns the CPU time the calling OS thread has used (Linux), 0 if unknown.
func threadCPU() int64 {
	const rusageThread = 1
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkCoordinatorWorkers runs a wide graph of 1e5 tasks through a real coordinator and
// fake in-process workers (no sockets; tasks finish at once), at 10, 100 and 1,000 workers.
func BenchmarkCoordinatorWorkers(b *testing.B) {
	const n = 100_000
	g, data := wideGraph(b, n)
	want := evaluate(g, data)
	values := newFakeOwner(data).data
	for _, workers := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			c := newCoordinator(Options{})
			c.stepClock = threadCPU
			c.super.start(c)
			go c.loop()
			defer c.Close()
			fakes := make([]*fakeWorker, workers)
			for k := range fakes {
				fakes[k] = newFakeWorker(c, fmt.Sprintf("w%d", k))
				fakes[k].start()
			}
			defer func() {
				for _, f := range fakes {
					f.stop()
				}
			}()
			b.ResetTimer()
			start, cpu0, busy0 := time.Now(), cpuTime(), c.busy.Load()
			for range b.N {
				o := &fakeOwner{data: values, outputs: map[int32]int64{}, done: make(chan error, 1)}
				c.Submit(&Job{Graph: g, Owner: o})
				if err := <-o.done; err != nil {
					b.Fatal(err)
				}
				for k, v := range want {
					if o.outputs[k] != v {
						b.Fatalf("output %d = %d, want %d", k, o.outputs[k], v)
					}
				}
			}
			elapsed, cpu := time.Since(start), cpuTime()-cpu0
			// The coordinator's own share: CPU time of its goroutine's thread handling events.
			b.ReportMetric(float64(c.busy.Load()-busy0)/float64(n*b.N), "coord-ns/task")
			var in, out int64
			for _, f := range fakes {
				in += f.received.Load()
				out += f.reported.Load()
			}
			b.ReportMetric(float64(in)/float64(b.N), "msgs-in/op")
			b.ReportMetric(float64(out)/float64(b.N), "msgs-out/op")
			b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "tasks/s")
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(n*b.N), "ns/task")
			// CPU time of the whole process (coordinator, fake workers, GC) per task: unlike the
			// wall time, it does not depend on what else the machine runs.
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(n*b.N), "cpu-ns/task")
		})
	}
}
