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
