package main

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// startHeapSampler samples the live heap every few milliseconds from now on; the function it
// returns stops sampling and returns the largest growth seen over the heap at the start.
func startHeapSampler() (stop func() uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return sample[0].Value.Uint64()
	}
	base := read()
	var (
		mu   sync.Mutex
		high = base
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v := read()
				mu.Lock()
				high = max(high, v)
				mu.Unlock()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		high = max(high, read())
		return high - base
	}
}
