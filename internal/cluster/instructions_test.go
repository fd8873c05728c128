package cluster

import (
	"testing"

	"github.com/lazygraph/lazygraph/internal/worker"
)

// Handling an event only changes state and lists instructions: nothing reaches a link or an
// owner until the shell carries them out.
func TestEventsProduceInstructionsWithoutIO(t *testing.T) {
	c := newCoordinator(Options{})
	link := &simWorker{}
	w := &Worker{Link: link, Name: "w"}
	c.onWorker(w)
	g, data := wideGraph(t, 3)
	o := newFakeOwner(data)
	js := &Job{Graph: g, Owner: o}
	js.init(1, 0)
	if err := js.encodeData(); err != nil {
		t.Fatal(err)
	}
	c.onJob(js)
	c.schedule()
	c.flush()
	if len(link.inbox) != 0 {
		t.Fatal("a message reached the link while the event was handled")
	}
	var kinds []string
	for _, in := range c.out {
		kinds = append(kinds, in.kind.String())
	}
	if len(c.out) != 1 || c.out[0].kind != doSend || c.out[0].out.Kind != worker.KindBatch {
		t.Fatalf("instructions %v, want one batch sent", kinds)
	}
	c.execute()
	if len(link.inbox) != 1 || len(c.out) != 0 {
		t.Fatalf("after execute: %d messages on the link, %d instructions left", len(link.inbox), len(c.out))
	}
	if s := instrKind(99).String(); s != "instruction?" {
		t.Errorf("unknown instruction named %q", s)
	}
}
