package cluster

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/internal/wire"
	"github.com/lazygraph/lazygraph/internal/worker"
)

// wireOwner owns a computation whose data are wire-encoded values of one type.
type wireOwner struct {
	fakeOwner
	typ     string
	values  []any
	mu      sync.Mutex
	encoded map[int32]wire.Value
}

func (o *wireOwner) Data(i int32) (*Encoded, error) {
	v, err := wire.Encode(o.values[i], reflect.TypeOf(o.values[i]))
	if err != nil {
		return nil, err
	}
	return NewEncoded(v, o.typ), nil
}

func (o *wireOwner) Output(i int32, v *Encoded, _ uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.encoded[i] = wire.Value{Body: v.Value.Body, Attachments: v.Value.Attachments}
}

// sliceGraph is n data nodes gathered into a slice of elem (the graph's only output).
func sliceGraph(t *testing.T, n int, elem, result string) *Graph {
	t.Helper()
	argStart, funcs := []int32{0}, []int32{}
	var args []int32
	for k := range n {
		funcs = append(funcs, -1)
		argStart = append(argStart, 0)
		args = append(args, int32(k))
	}
	funcs = append(funcs, 0)
	argStart = append(argStart, int32(n))
	g, err := NewGraph(argStart, args, funcs, []Function{{Name: graph.SliceFunctionName, Elem: elem, Result: result}}, []int32{int32(n)})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// A gathering task whose inputs the coordinator holds is built there, into the value a worker's
// would be: the fake workers do not know the function, so a task sent to them would fail.
func TestGatheringTaskIsBuiltAtTheCoordinator(t *testing.T) {
	for _, tc := range []struct {
		name, elem string
		value      func(k int) any
		want       func(n int) any
	}{
		{"int", "int", func(k int) any { return k*1000 - 7 }, func(n int) any {
			s := make([]int, n)
			for k := range s {
				s[k] = k*1000 - 7
			}
			return s
		}},
		{"float64", "float64", func(k int) any { return float64(k) / 3 }, func(n int) any {
			s := make([]float64, n)
			for k := range s {
				s[k] = float64(k) / 3
			}
			return s
		}},
		{"string", "string", func(k int) any { return strings.Repeat("x", k%5) }, func(n int) any {
			s := make([]string, n)
			for k := range s {
				s[k] = strings.Repeat("x", k%5)
			}
			return s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChecked(t, Options{})
			startFakes(t, c, 2)
			n := gatherHereMin + 50
			result, ok := wire.SliceOfType(tc.elem)
			if !ok {
				t.Fatalf("no slice type of %s", tc.elem)
			}
			g := sliceGraph(t, n, tc.elem, result)
			o := &wireOwner{fakeOwner: *newFakeOwner(nil), typ: tc.elem, encoded: map[int32]wire.Value{}}
			for k := range n {
				o.values = append(o.values, tc.value(k))
			}
			c.Submit(&Job{Graph: g, Owner: o})
			if err := wait(t, &o.fakeOwner); err != nil {
				t.Fatal(err)
			}
			st, _ := wire.TypeByName(result)
			got, err := wire.Decode(o.encoded[int32(n)], st)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.want(n); !reflect.DeepEqual(got, want) {
				t.Errorf("gathered %v, want %v", got, want)
			}
			if o.tasks != 1 {
				t.Errorf("%d tasks reported done, want the gathering task", o.tasks)
			}
		})
	}
}

// A gathering task whose element type this process does not know (a standalone scheduler) goes
// to a worker, as do small ones.
func TestGatheringTaskGoesToAWorkerOtherwise(t *testing.T) {
	for _, tc := range []struct {
		name         string
		n            int
		elem, result string
	}{
		{"unknown type", gatherHereMin + 1, "example.com/p.T", "[]example.com/p.T"},
		{"small", gatherHereMin - 1, "int", "[]int"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChecked(t, Options{})
			startFakes(t, c, 2)
			g := sliceGraph(t, tc.n, tc.elem, tc.result)
			o := &wireOwner{fakeOwner: *newFakeOwner(nil), typ: tc.elem, encoded: map[int32]wire.Value{}}
			for k := range tc.n {
				o.values = append(o.values, k)
			}
			c.Submit(&Job{Graph: g, Owner: o})
			err := wait(t, &o.fakeOwner)
			if err == nil || !strings.Contains(err.Error(), "fails") {
				t.Fatalf("got %v, want the fake worker's failure (the task was sent to it)", err)
			}
		})
	}
}

// wireKept counts the results of "incw" kept on fake workers.
var wireKept atomic.Int64

// runWire runs "incw": an inc of a wire-encoded int (gather_test.go's graphs), holding its result
// unless it was sent with worker.SendInstead.
func (f *fakeWorker) runWire(t *worker.Task, r worker.Result) worker.Result {
	var body []byte
	if a := t.Args[0]; a.Key == 0 {
		body = a.Body
	} else if body = f.vals[a.Key]; body == nil {
		r.Err = &wire.ErrorRecord{Message: fmt.Sprintf("value %d missing", a.Key)}
		return r
	}
	x, err := wire.Decode(wire.Value{Body: body}, reflect.TypeFor[int]())
	if err != nil {
		r.Err = &wire.ErrorRecord{Message: err.Error()}
		return r
	}
	v, _ := wire.Encode(x.(int)+1, reflect.TypeFor[int]())
	r.Size = int64(len(v.Body))
	if t.Send != worker.SendInstead {
		f.vals[t.Key] = v.Body
		wireKept.Add(1)
	}
	if t.Send != worker.SendNever {
		r.Sent, r.Body = true, v.Body
	}
	return r
}

// Results a gathering task at the coordinator takes come back sent instead of kept on their
// workers; the gathered value is right, and the coordinator's holder records (validated after
// every event) say no worker holds them.
func TestResultsGatheredHereAreNotKeptOnWorkers(t *testing.T) {
	c := newChecked(t, Options{})
	startFakes(t, c, 2)
	wireKept.Store(0)
	n := gatherHereMin + 100
	argStart, funcs := []int32{0}, []int32{}
	var args []int32
	for range n { // data nodes 0..n-1, incs n..2n-1
		funcs = append(funcs, -1)
		argStart = append(argStart, 0)
	}
	for k := range n {
		funcs = append(funcs, 0)
		args = append(args, int32(k))
		argStart = append(argStart, int32(len(args)))
	}
	for k := range n {
		args = append(args, int32(n+k))
	}
	funcs = append(funcs, 1)
	argStart = append(argStart, int32(len(args)))
	g, err := NewGraph(argStart, args, funcs, []Function{{Name: "incw", Result: "int"},
		{Name: graph.SliceFunctionName, Elem: "int", Result: "[]int"}}, []int32{int32(2 * n)})
	if err != nil {
		t.Fatal(err)
	}
	o := &wireOwner{fakeOwner: *newFakeOwner(nil), typ: "int", encoded: map[int32]wire.Value{}}
	for k := range n {
		o.values = append(o.values, k)
	}
	c.Submit(&Job{Graph: g, Owner: o})
	if err := wait(t, &o.fakeOwner); err != nil {
		t.Fatal(err)
	}
	got, err := wire.Decode(o.encoded[int32(2*n)], reflect.TypeFor[[]int]())
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int, n)
	for k := range want {
		want[k] = k + 1
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("gathered %v, want %v", got, want)
	}
	if n := wireKept.Load(); n != 0 {
		t.Errorf("%d results kept on workers, want none", n)
	}
}
