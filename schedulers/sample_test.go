package schedulers_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// spanLog records what Run tells an observer, in order.
type spanLog struct {
	mu             sync.Mutex
	sample, sizes  bool
	started        int // TaskStarted
	startedUntimed int // TaskStartedUntimed
	spans          []schedulers.TaskSpan
}

func (l *spanLog) TaskStarted(int32, int) { l.mu.Lock(); l.started++; l.mu.Unlock() }
func (l *spanLog) TaskFinished(int32, int, time.Duration, error) {
	panic("a SpanObserver is told TaskSpan")
}
func (l *spanLog) TaskSpan(s schedulers.TaskSpan) {
	l.mu.Lock()
	l.spans = append(l.spans, s)
	l.mu.Unlock()
}
func (l *spanLog) SampleTimes() bool { return l.sample }
func (l *spanLog) SpanSizes() bool   { return l.sizes }
func (l *spanLog) TaskStartedUntimed(int32, int) {
	l.mu.Lock()
	l.startedUntimed++
	l.mu.Unlock()
}

var (
	_ schedulers.SampledObserver = (*spanLog)(nil)
	_ schedulers.SizeObserver    = (*spanLog)(nil)
)

// runWide runs n tasks of a function taking d, one after another on worker 0, as the
// synchronous scheduler does, and returns the observer's log.
func runWide(t *testing.T, n int, d time.Duration, obs *spanLog) *spanLog {
	t.Helper()
	fn := graph.NewFunction(graph.FunctionSpec{
		Name: "schedulers_test.sampled",
		Impl: func(int) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) {
			if d > 0 {
				time.Sleep(d)
			}
			return args[0].(int) + 1, nil
		},
		Params: []reflect.Type{reflect.TypeFor[int]()},
		Result: reflect.TypeFor[int](),
	})
	tasks := make([]*graph.Task, n)
	for k := range tasks {
		tasks[k] = graph.NewTask(fn, []*graph.Task{graph.NewData(k)})
	}
	plan, err := graph.Compile(tasks...)
	if err != nil {
		t.Fatal(err)
	}
	job := schedulers.NewJob(plan)
	job.Observer = obs
	for k, i := range plan.Outputs() {
		if _, err := job.Run(context.Background(), i, 0, nil); err != nil {
			t.Fatal(err)
		}
		if got := job.Result(i); got != k+1 {
			t.Fatalf("task %d = %v, want %d", k, got, k+1)
		}
	}
	return obs
}

// A sampling observer hears of every task, and short tasks are timed only after SampleAfter
// of them in a row, then one in at most SampleEvery; untimed tasks are started with
// TaskStartedUntimed and their spans say so, with no time.
func TestRunSamplesShortTasks(t *testing.T) {
	const n = 2000
	log := runWide(t, n, 0, &spanLog{sample: true})
	if len(log.spans) != n || log.started+log.startedUntimed != n {
		t.Fatalf("%d spans, %d+%d starts; want %d of each", len(log.spans), log.started, log.startedUntimed, n)
	}
	untimed, run := 0, 0
	for k, s := range log.spans {
		if !s.Untimed {
			if s.Start.IsZero() {
				t.Errorf("span %d: timed without a start", k)
			}
			run = 0
			continue
		}
		untimed++
		run++
		if k < schedulers.SampleAfter {
			t.Errorf("span %d untimed: the first %d short tasks are all timed", k, schedulers.SampleAfter)
		}
		if run >= schedulers.SampleEvery {
			t.Errorf("span %d: %d untimed in a row, want fewer than %d", k, run, schedulers.SampleEvery)
		}
		if !s.Start.IsZero() || s.Elapsed != 0 || s.BytesIn != 0 || s.BytesOut != 0 {
			t.Errorf("untimed span %d has a time or sizes: %+v", k, s)
		}
	}
	if untimed != log.startedUntimed || untimed == 0 || untimed > n-n/schedulers.SampleEvery {
		t.Errorf("%d untimed spans, %d untimed starts, of %d", untimed, log.startedUntimed, n)
	}
}

// Tasks of SampleAbove or more are all timed, and an observer that does not sample times
// every task, with sizes only when it wants them.
func TestRunTimesEveryTaskUnlessSampling(t *testing.T) {
	for _, c := range []struct {
		name          string
		d             time.Duration
		sample, sizes bool
	}{
		{"long tasks sampled", schedulers.SampleAbove, true, false},
		{"not sampling, sizes", 0, false, true},
		{"not sampling, no sizes", 0, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := 3 * schedulers.SampleAfter
			log := runWide(t, n, c.d, &spanLog{sample: c.sample, sizes: c.sizes})
			if len(log.spans) != n || log.started != n || log.startedUntimed != 0 {
				t.Fatalf("%d spans, %d timed and %d untimed starts; want %d, %d and 0", len(log.spans), log.started, log.startedUntimed, n, n)
			}
			for k, s := range log.spans {
				if s.Untimed || s.Start.IsZero() || s.Elapsed < c.d {
					t.Errorf("span %d: %+v, want timed, at least %v", k, s, c.d)
				}
				if sized := s.BytesIn > 0 && s.BytesOut > 0; sized != c.sizes {
					t.Errorf("span %d: sizes %d in, %d out; want sizes %v", k, s.BytesIn, s.BytesOut, c.sizes)
				}
			}
		})
	}
}
