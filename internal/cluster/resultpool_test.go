package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// A report emptied for reuse keeps its list's room but nothing of what it said: decoding the
// next report into it leaves the fields that report omits as their zero, not as the last one
// set them.
func TestEmptiedResultsSayNothing(t *testing.T) {
	r := NewResults()
	defer resultReports.Put(r)
	r.Items = append(r.Items[:0], worker.Result{Key: 1, Err: &wire.ErrorRecord{Message: "x"}, Body: []byte{1}}, worker.Result{Key: 2})
	r.Stopping = true
	r.Dropped = []worker.TaskRef{{Job: 1, Key: 3}}
	items := r.Items
	resetResults(r)
	if len(r.Items) != 0 || r.Stopping || r.Dropped != nil {
		t.Fatalf("emptied report still says %+v", r)
	}
	if cap(r.Items) < 2 {
		t.Fatalf("emptied report lost its list's room: %d", cap(r.Items))
	}
	if items[0].Err != nil || items[0].Body != nil {
		t.Fatal("emptied report's list still references what it carried")
	}
	body, err := wire.EncodeMessage(&worker.Results{Items: []worker.Result{{Key: 5, Job: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := wire.DecodeMessage(body, r); err != nil {
		t.Fatal(err)
	}
	if len(r.Items) != 1 || r.Items[0].Key != 5 || r.Items[0].Err != nil || r.Stopping || r.Dropped != nil {
		t.Fatalf("report decoded into a reused one: %+v", r)
	}
}
