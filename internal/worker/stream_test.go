package worker

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
)

// streamOf returns the stream key its task's context carries.
var streamOf = graph.NewFunction(graph.FunctionSpec{
	Name: "worker_test.streamOf",
	Impl: func(context.Context, int) ([]byte, error) { return nil, nil },
	Invoke: func(ctx context.Context, _ []any) (any, error) {
		key, err := graph.TaskStreamKey(ctx)
		return key[:], err
	},
	Params:       []reflect.Type{reflect.TypeFor[int]()},
	Result:       reflect.TypeFor[[]byte](),
	TakesContext: true,
})

// TestTaskStreamReachesTheFunction: the key sent with a task is the one its context carries.
func TestTaskStreamReachesTheFunction(t *testing.T) {
	RegisterTypesOf(streamOf)
	arg, err := wire.Encode(7, reflect.TypeFor[int]())
	if err != nil {
		t.Fatal(err)
	}
	want := graph.StreamKey(42, "some-pure-key")
	sink := newSink()
	x := NewExecutor(sink, nil)
	done := make(chan error, 1)
	go func() { done <- x.Run() }()
	err = x.Apply(&Batch{
		Job:       1,
		Functions: []FunctionDef{{ID: 1, Name: streamOf.Name()}},
		Tasks: []Task{
			{Key: 1, Job: 1, Fn: 1, Args: []Arg{{Body: arg.Body}}, Send: SendAlways, Stream: want[:]},
			{Key: 2, Job: 1, Fn: 1, Args: []Arg{{Body: arg.Body}}, Send: SendAlways},
		},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	results := sink.wait(t, 2) // woken by each result; 30 s hang guard
	x.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	n := len(sink.results)
	sink.mu.Unlock()
	if n != 2 {
		t.Fatalf("%d results, want 2", n)
	}
	first, second := results[0], results[1]
	if first.Err != nil {
		t.Fatalf("task with a stream: %v", first.Err.Message)
	}
	got, err := wire.Decode(wire.Value{Body: first.Body}, reflect.TypeFor[[]byte]())
	if err != nil || !bytes.Equal(got.([]byte), want[:]) {
		t.Errorf("the task saw %x (%v), want %x", got, err, want)
	}
	if second.Err == nil {
		t.Error("a task sent without a stream got one")
	}
}
