package cli

import (
	"fmt"
	"io"

	"github.com/lazygraph/lazygraph/delayed"
)

// Report returns an option printing one line on w when a computation succeeds: how many tasks
// ran, where, how long it took and how many bytes were sent to worker processes, e.g.
//
//	cv: 40 tasks, threads scheduler, 2 workers: 1.234 s
//	cv: 40 tasks, processes scheduler, 2 workers: 1.531 s, 8.1 MB sent to workers
func Report(program string, w io.Writer) delayed.Option {
	return delayed.WithCallbacks(delayed.Callbacks{Finish: func(info delayed.ComputeInfo) {
		if info.Failed {
			return // the error is reported by whoever called Compute
		}
		fmt.Fprintf(w, "%s: %d tasks, %s scheduler", program, info.Tasks, info.Scheduler)
		if info.Scheduler != "synchronous" { // which runs one task at a time, whatever the workers
			fmt.Fprintf(w, ", %d workers", info.Workers)
		}
		fmt.Fprintf(w, ": %.3f s", info.Elapsed.Seconds())
		if info.FromStore > 0 {
			fmt.Fprintf(w, ", %d from the result store", info.FromStore)
		}
		if info.BytesSent > 0 {
			fmt.Fprintf(w, ", %s sent to workers", Bytes(info.BytesSent))
		}
		fmt.Fprintln(w)
	}})
}

// Bytes formats a byte count in decimal units: 950 B, 8.1 MB, 1.20 GB.
func Bytes(n int64) string {
	switch {
	case n < 1e3:
		return fmt.Sprintf("%d B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	default:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	}
}
