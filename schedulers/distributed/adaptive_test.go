package distributed_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

// An adaptive scheduler with no worker starts workers (up to Max) when a computation arrives,
// and retires them all once they are idle; the result is right and no task runs twice.
func TestAdaptiveScalesUpAndDownToZero(t *testing.T) {
	file := filepath.Join(t.TempDir(), "scheduler.json")
	launcher := &distributed.CommandLauncher{
		Command: []string{os.Args[0], "-test.run=^$"},
		Env:     []string{schedulers.EnvWorkerRole + "=" + distributed.Name, distributed.EnvSchedulerFile + "=" + file},
		Prefix:  "adaptive",
	}
	defer launcher.Close()
	var mu sync.Mutex
	var timeline []distributed.AdaptiveStatus
	changed := make(chan struct{}, 1)
	s, err := distributed.NewServer(distributed.ServerOptions{Listen: "127.0.0.1:0", SchedulerFile: file,
		Adaptive: &distributed.Adaptive{Min: 0, Max: 3, Launcher: launcher, Interval: 100 * time.Millisecond, IdleAfter: 500 * time.Millisecond,
			OnChange: func(st distributed.AdaptiveStatus) {
				mu.Lock()
				timeline = append(timeline, st)
				mu.Unlock()
				select {
				case changed <- struct{}{}:
				default:
				}
			}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	count := filepath.Join(t.TempDir(), "executions")
	const n = 30
	parts := make([]delayed.Delayed[[]float64], n)
	want := 0.0
	for i := range parts {
		parts[i] = bigPart(delayed.Value(count), delayed.Value(150), delayed.Value(i))
		want += float64(i)
	}
	got, err := sumFirst(delayed.All(parts)).Compute(ctx, delayed.WithScheduler(distributed.Name), delayed.WithAddress(file))
	if err != nil || got != want {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	// Back to no worker.
	for {
		st := s.AdaptiveStatus()
		if st.Serving == 0 && st.Starting == 0 && st.Retiring == 0 && s.Workers() == 0 && st.Retired > 0 {
			break
		}
		select {
		case <-changed:
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			t.Fatalf("the adaptive scheduler did not scale back to zero: %+v, %d connected", st, s.Workers())
		}
	}
	mu.Lock()
	defer mu.Unlock()
	peak := 0
	start := timeline[0].Time
	for _, st := range timeline {
		peak = max(peak, st.Serving)
		t.Logf("%6.2fs target %d starting %d serving %d retiring %d tasks %d", st.Time.Sub(start).Seconds(), st.Target, st.Starting, st.Serving, st.Retiring, st.Tasks)
	}
	if peak != 3 {
		t.Errorf("peak of %d serving workers, want Max = 3", peak)
	}
	data, _ := os.ReadFile(count)
	if runs := bytes.Count(data, []byte("\n")); runs != n {
		t.Errorf("%d executions of %d tasks", runs, n)
	}
	t.Logf("retirements %+v", s.RetireStats())
}
