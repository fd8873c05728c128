package distributed_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
	"github.com/lazygraph/lazygraph/schedulers/synchronous"
)

var (
	halfOf  = delayed.Func1(func(x int) float64 { return float64(x) / 2 })
	labelOf = delayed.Func1(func(x int) string { return "#" + strconv.Itoa(x) })
)

// Gathering many results (delayed.All), which the scheduler builds itself when it holds them,
// gives what the synchronous scheduler gives: ints, float64s and strings, small and large.
func TestGatheringManyResults(t *testing.T) {
	tc := newTestCluster(t, 2)
	for _, where := range []struct {
		name string
		opts []delayed.Option
	}{
		{"local cluster", []delayed.Option{delayed.WithScheduler(distributed.Name), delayed.WithWorkers(2)}},
		{"remote scheduler", []delayed.Option{delayed.WithScheduler(distributed.Name), delayed.WithAddress(tc.file)}},
	} {
		for _, n := range []int{10, 300, 5000} {
			t.Run(where.name+"/"+strconv.Itoa(n), func(t *testing.T) {
				ints := make([]delayed.Delayed[int], n)
				halves := make([]delayed.Delayed[float64], n)
				labels := make([]delayed.Delayed[string], n)
				for k := range n {
					ints[k] = inc(delayed.Value(k - n/2))
					halves[k] = halfOf(delayed.Value(k * 1001))
					labels[k] = labelOf(delayed.Value(k))
				}
				nodes := []delayed.Node{delayed.All(ints), delayed.All(halves), delayed.All(labels), sumInts(delayed.All(ints))}
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				got, err := delayed.Compute(ctx, nodes, where.opts...)
				if err != nil {
					t.Fatal(err)
				}
				want, err := delayed.Compute(ctx, nodes, delayed.WithScheduler(synchronous.Name))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got %v\nwant %v", got, want)
				}
			})
		}
	}
}

// gatherPoint is a registered struct with an interface field, for TestGatheringManyMixedValues.
type gatherPoint struct {
	X   int
	Tag any
	At  time.Time
	Ptr *int
}

func init() { delayed.RegisterType[gatherPoint]() }

var (
	mixedOf = delayed.Func1(func(k int) any {
		switch k % 7 {
		case 0:
			return k
		case 1:
			return "s" + strconv.Itoa(k)
		case 2:
			return []any{k, "x", 2.5}
		case 3:
			return map[string]any{"k": k, "f": float64(k) / 3}
		case 4:
			return nil
		case 5:
			return gatherPoint{X: k, Tag: int64(k)}
		default:
			return []byte{byte(k), 0, 255}
		}
	})
	pointOf = delayed.Func1(func(k int) gatherPoint {
		p := gatherPoint{X: k, Tag: k, At: time.Unix(int64(k), 7).UTC()}
		if k%2 == 0 {
			p.Ptr = &k
		}
		return p
	})
)

// Gathering many values of interface, struct and pointer types gives what the synchronous
// scheduler gives, types and all (an int in an interface stays an int), however the gathered
// slice is built.
func TestGatheringManyMixedValues(t *testing.T) {
	const n = 400
	mixed := make([]delayed.Delayed[any], n)
	points := make([]delayed.Delayed[gatherPoint], n)
	for k := range n {
		mixed[k] = mixedOf(delayed.Value(k))
		points[k] = pointOf(delayed.Value(k))
	}
	nodes := []delayed.Node{delayed.All(mixed), delayed.All(points)}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	want, err := delayed.Compute(ctx, nodes, delayed.WithScheduler(synchronous.Name))
	if err != nil {
		t.Fatal(err)
	}
	got, err := delayed.Compute(ctx, nodes, delayed.WithScheduler(distributed.Name), delayed.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	for k := range want {
		if !reflect.DeepEqual(got[k], want[k]) {
			g, w := reflect.ValueOf(got[k]), reflect.ValueOf(want[k])
			if g.Type() != w.Type() || g.Len() != w.Len() {
				t.Fatalf("output %d: got a %s of %d, want a %s of %d", k, g.Type(), g.Len(), w.Type(), w.Len())
			}
			for i := range w.Len() {
				if gi, wi := g.Index(i).Interface(), w.Index(i).Interface(); !reflect.DeepEqual(gi, wi) {
					t.Errorf("output %d, element %d: got %#v, want %#v", k, i, gi, wi)
					break
				}
			}
		}
	}
}
