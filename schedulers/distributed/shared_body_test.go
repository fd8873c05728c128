package distributed

import (
	"bytes"
	"net"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Decoded batches and results share their frame's body (worker.DecodeBatch): a connection that
// reused or overwrote a body once the next frame arrived would change tasks queued at a worker
// and results kept by the scheduler. TestDecodedMessagesOutliveTheirFrame reads frame after
// frame of the same sizes, as a reader reusing its buffer would fill it, and checks that every
// message decoded earlier is still what was sent.
func TestDecodedMessagesOutliveTheirFrame(t *testing.T) {
	client, server := net.Pipe()
	sender, receiver := newConn(client), newConn(server)
	defer sender.Close()
	defer receiver.Close()
	sender.authenticated()
	receiver.authenticated()

	const rounds = 4
	fill := func(round, n int) []byte { return bytes.Repeat([]byte{byte('a' + round)}, n) }
	batch := func(round int) *worker.Batch {
		b := &worker.Batch{Job: 1, Puts: []worker.Put{{Key: 1, Type: "[]uint8", Body: fill(round, 300)}}}
		for k := range 100 {
			b.Tasks = append(b.Tasks, worker.Task{Key: uint64(k + 2), Job: 1, Fn: 1, Stream: fill(round, 32),
				Args: []worker.Arg{{Body: fill(round, 50)}, {Key: 1}}})
		}
		if round%2 == 1 {
			b.Puts[0].Body = fill(round, 100<<10) // a body over ReadGrowing's first buffer
		}
		return b
	}
	results := func(round int) *worker.Results {
		r := &worker.Results{}
		for k := range 100 {
			r.Items = append(r.Items, worker.Result{Key: uint64(k + 2), Job: 1, Sent: true, Body: fill(round, 40),
				Output: append(append([]byte{worker.Stdout}, fill(round, 20)...), '\n')})
		}
		if round%2 == 1 {
			r.Items[0].Body = fill(round, 100<<10)
		}
		return r
	}

	sent := make(chan error, 1)
	go func() {
		for round := range rounds {
			if err := sender.send(worker.KindBatch, batch(round), nil); err != nil {
				sent <- err
				return
			}
			if err := sender.send(worker.KindResults, results(round), nil); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()

	var (
		batches []*worker.Batch
		reports []*worker.Results
	)
	for range rounds {
		b := new(worker.Batch)
		if _, err := receiver.receiveMessage(worker.KindBatch, b); err != nil {
			t.Fatal(err)
		}
		r := new(worker.Results)
		if _, err := receiver.receiveMessage(worker.KindResults, r); err != nil {
			t.Fatal(err)
		}
		batches, reports = append(batches, b), append(reports, r)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	for round := range rounds {
		if want := batch(round); !reflect.DeepEqual(batches[round], want) {
			t.Errorf("batch %d changed after later frames were read", round)
		}
		if want := results(round); !reflect.DeepEqual(reports[round], want) {
			t.Errorf("results %d changed after later frames were read", round)
		}
	}
}
