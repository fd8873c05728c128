package distributed

import "github.com/lazygraph/lazygraph/internal/cluster"

// Each result is written into the client's result store once: by the worker that computed it
// when the worker sees the directory, else by the scheduler when it does, else by the client.
// The scheduler remembers which results are in the store already and says so with each output,
// so that the client does not write them again.

var _ cluster.KeptReporter = (*remoteJob)(nil)

// Kept records that result i is in the client's result store: its worker kept it there, or
// Keep wrote it. Called from the coordinator's goroutine, as Keep and Output are.
func (rj *remoteJob) Kept(i int32) {
	n := rj.job.Graph.Len()
	if i < 0 || int(i) >= n {
		return
	}
	if rj.kept == nil {
		rj.kept = make([]bool, n)
	}
	rj.kept[i] = true
}

// isKept reports whether result i is in the client's result store already.
func (rj *remoteJob) isKept(i int32) bool {
	return i >= 0 && int(i) < len(rj.kept) && rj.kept[i]
}
