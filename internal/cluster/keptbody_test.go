package cluster

import (
	"bytes"
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// A result kept by the coordinator does not hold its frame: a body of up to keptCopyLimit bytes is
// its own copy, which later writes to the frame (or its being collected) do not touch.
func TestKeptBodyLetsItsFrameGo(t *testing.T) {
	frame := bytes.Repeat([]byte{7}, 64<<10)
	body := frame[100:5100:5100] // 5,000 bytes: above smallLimit, so kept as an Encoded
	kept := keptBody(body)
	clear(frame)
	if !bytes.Equal(kept, bytes.Repeat([]byte{7}, 5000)) {
		t.Fatal("the kept body changed with its frame: it still shares the frame's memory")
	}

	large := make([]byte, keptCopyLimit+1)
	if got := keptBody(large); &got[0] != &large[0] {
		t.Fatal("a body larger than keptCopyLimit was copied; it is most of its frame")
	}
	if got := keptBody(nil); got != nil {
		t.Fatalf("keptBody(nil) = %v, want nil", got)
	}
}

// A value fetched from a worker and kept by the coordinator does not hold the frame it came in:
// decoded values share their frame's memory (worker.DecodeValues), so the coordinator keeps a
// copy, as it does for results.
func TestFetchedValueLetsItsFrameGo(t *testing.T) {
	s := newSim(t, Options{})
	w := s.addWorker("")
	w.keep = true // results stay on the worker: the coordinator fetches what it needs
	b := newGraphBuilder()
	x := b.call("inc", false, b.datum(1))
	y := b.call("local", true, x) // runs at the coordinator: x is fetched
	b.outputs = []int32{y}
	j := s.submit(b.build(t), b.data, "")
	for len(w.values) == 0 {
		if !w.deliver() && !w.run() && !w.report(false) {
			t.Fatal("the coordinator never fetched x")
		}
	}
	// The answer as DecodeValues gives it: each put's body a slice of one frame.
	frame := make([]byte, 0, 64<<10)
	puts := w.values
	w.values = nil
	for k := range puts {
		start := len(frame)
		frame = append(frame, puts[k].Body...)
		puts[k].Body = frame[start:len(frame):len(frame)]
	}
	s.event(evValues{w.w, &worker.Values{Puts: puts}, nil})
	e := j.js.enc(x)
	if e == nil {
		t.Fatal("the fetched value is not kept")
	}
	if body := e.Value.Body; len(body) == 0 || &body[0] == &frame[:1][0] {
		t.Fatalf("the kept value %x shares its frame's memory", body)
	}
	s.settle()
	s.check()
}
