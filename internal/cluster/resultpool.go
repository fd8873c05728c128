package cluster

import (
	"sync"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Workers' reports are decoded into result lists that are reused once the coordinator has
// handled them: a million-task run otherwise allocated a list of about 120 bytes per result,
// after the batches' arrays (batchpool.go) the largest of the coordinator's garbage.
//
// Coordinator.Results takes the report it is given; once onResults has handled it, nothing of
// the list is kept: bodies and outputs are the frame's bytes, error records their own
// allocations, and the rest is copied out. Only the list's array is reused: the report's
// other fields are reset, as decoding into it would leave a field absent from the next
// report as the last one set it.
var resultReports = sync.Pool{New: func() any { return new(worker.Results) }}

// NewResults returns an empty report for a link's reader to decode a worker's results into and
// hand to Coordinator.Results, which reuses it: the reader must keep nothing of it after.
func NewResults() *worker.Results { return resultReports.Get().(*worker.Results) }

// recycleResults empties r and puts it back for another report.
func recycleResults(r *worker.Results) {
	resetResults(r)
	resultReports.Put(r)
}

// resetResults empties r, keeping its list's room.
func resetResults(r *worker.Results) {
	clear(r.Items) // no error records or frame bytes kept alive by a pooled list
	*r = worker.Results{Items: r.Items[:0]}
}
