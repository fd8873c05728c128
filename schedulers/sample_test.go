package schedulers_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

// spanLog records what Run tells an observer, in order.
type spanLog struct {
	mu            sync.Mutex
	sample, sizes bool
	started       int // TaskStarted
	spans         []schedulers.TaskSpan
	// ran lists the tasks in the order they were reported finished, spans and batches of
	// untimed tasks alike; untimed the tasks reported in batches, batches the batches' sizes.
	ran, untimed []int32
	batches      []int
}

func (l *spanLog) TaskStarted(int32, int) { l.mu.Lock(); l.started++; l.mu.Unlock() }
func (l *spanLog) TaskFinished(int32, int, time.Duration, error) {
	panic("a SpanObserver is told TaskSpan")
}
func (l *spanLog) TaskSpan(s schedulers.TaskSpan) {
	l.mu.Lock()
	l.spans = append(l.spans, s)
	l.ran = append(l.ran, s.Task)
	l.mu.Unlock()
}
func (l *spanLog) SampleTimes() bool { return l.sample }
func (l *spanLog) SpanSizes() bool   { return l.sizes }
func (l *spanLog) TasksUntimed(_ int, tasks []int32) {
	l.mu.Lock()
	l.ran = append(l.ran, tasks...)
	l.untimed = append(l.untimed, tasks...)
	l.batches = append(l.batches, len(tasks))
	l.mu.Unlock()
}

var (
	_ schedulers.SampledObserver = (*spanLog)(nil)
	_ schedulers.SizeObserver    = (*spanLog)(nil)
)

// runWide runs n tasks of a function taking d, one after another on worker 0, as the
// synchronous scheduler does, and returns the observer's log and the job (not settled). The
// tasks whose number fail says fail.
func runWide(t *testing.T, n int, d time.Duration, obs *spanLog, fail func(k int) bool) *schedulers.Job {
	t.Helper()
	errTask := errors.New("failed as asked")
	fn := graph.NewFunction(graph.FunctionSpec{
		Name: "schedulers_test.sampled",
		Impl: func(int) int { return 0 },
		Invoke: func(_ context.Context, args []any) (any, error) {
			if d > 0 {
				time.Sleep(d)
			}
			if fail != nil && fail(args[0].(int)) {
				return nil, errTask
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
		_, err := job.Run(context.Background(), i, 0, nil)
		if fail != nil && fail(k) {
			if !errors.Is(err, errTask) {
				t.Fatalf("task %d: %v, want its failure", k, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := job.Result(i); got != k+1 {
			t.Fatalf("task %d = %v, want %d", k, got, k+1)
		}
	}
	return job
}

// A sampling observer hears of every task once, in the order they ran: short tasks are timed
// only after SampleAfter of them in a row, then one in at most SampleEvery; the untimed ones
// come in batches, each before the next timed task, the last when the job is settled.
func TestRunSamplesShortTasks(t *testing.T) {
	const n = 2000
	log := &spanLog{sample: true}
	job := runWide(t, n, 0, log, nil)
	job.Settle()
	if job.Unreported(0) {
		t.Error("tasks unreported after Settle")
	}
	if len(log.ran) != n || log.started != len(log.spans) || len(log.spans)+len(log.untimed) != n {
		t.Fatalf("%d tasks reported, %d starts, %d spans, %d untimed; want %d reported, as many starts as spans",
			len(log.ran), log.started, len(log.spans), len(log.untimed), n)
	}
	plan := job.Plan
	for k, i := range plan.Outputs() {
		if log.ran[k] != i {
			t.Fatalf("reported %d-th: task %d, want %d (the order they ran)", k, log.ran[k], i)
		}
	}
	for k, s := range log.spans {
		if s.Untimed || s.Start.IsZero() {
			t.Errorf("span %d: %+v, want timed", k, s)
		}
	}
	if len(log.untimed) == 0 || len(log.untimed) > n-n/schedulers.SampleEvery {
		t.Errorf("%d untimed of %d", len(log.untimed), n)
	}
	for k, b := range log.batches {
		if b == 0 || b >= schedulers.SampleEvery {
			t.Errorf("batch %d of %d tasks, want 1 to %d", k, b, schedulers.SampleEvery-1)
		}
	}
	for k, i := range log.ran[:schedulers.SampleAfter] {
		if slices.Contains(log.untimed, i) {
			t.Errorf("task %d untimed: the first %d short tasks are all timed", k, schedulers.SampleAfter)
		}
	}
}

// An untimed task that fails is reported alone, after the batch before it, with a start and a
// span saying Untimed and carrying the error; the run goes on sampling.
func TestRunReportsUntimedFailure(t *testing.T) {
	const n = 1000
	failing := func(k int) bool { return k%97 == 50 }
	log := &spanLog{sample: true}
	job := runWide(t, n, 0, log, failing)
	job.Settle()
	if len(log.ran) != n || log.started != len(log.spans) {
		t.Fatalf("%d tasks reported, %d starts, %d spans; want %d, a start per span", len(log.ran), log.started, len(log.spans), n)
	}
	for k, i := range job.Plan.Outputs() {
		if log.ran[k] != i {
			t.Fatalf("reported %d-th: task %d, want %d (the order they ran)", k, log.ran[k], i)
		}
	}
	failed, untimedFailed := 0, 0
	for _, s := range log.spans {
		if s.Err == nil {
			continue
		}
		failed++
		if s.Untimed {
			untimedFailed++
			if !s.Start.IsZero() || s.Elapsed != 0 {
				t.Errorf("untimed failed span with a time: %+v", s)
			}
		}
	}
	if want := (n + 96 - 50) / 97; failed != want || untimedFailed == 0 {
		t.Errorf("%d failed spans (%d untimed), want %d, some untimed", failed, untimedFailed, want)
	}
	if len(log.untimed) == 0 {
		t.Error("nothing untimed: the failures stopped the sampling")
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
			log := &spanLog{sample: c.sample, sizes: c.sizes}
			runWide(t, n, c.d, log, nil).Settle()
			if len(log.spans) != n || log.started != n || len(log.untimed) != 0 {
				t.Fatalf("%d spans, %d starts, %d untimed; want %d, %d and 0", len(log.spans), log.started, len(log.untimed), n, n)
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
