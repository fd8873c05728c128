package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/schedulers/distributed"
)

func TestMain(m *testing.M) {
	if delayed.Init() {
		return
	}
	m.Run()
}

const want = "summary 0.503 over 8 fits; 16 background simulations\n"

// The program's answer on the default scheduler, the machine declaring gpu=1.
func TestRunsOnTheDefaultScheduler(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, delayed.WithResources(map[string]float64{"gpu": 1})); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
}

// One task at a time, the urgent summary and the tasks feeding it (which inherit its
// priority) all run before any background task.
func TestPriorityRunsTheSummaryFirst(t *testing.T) {
	var mu sync.Mutex
	var order []string
	cb := delayed.Callbacks{TaskEnd: func(info delayed.TaskInfo) {
		mu.Lock()
		order = append(order, info.Func)
		mu.Unlock()
	}}
	var out bytes.Buffer
	if err := run(context.Background(), &out, delayed.WithScheduler("synchronous"), delayed.WithCallbacks(cb),
		delayed.WithResources(map[string]float64{"gpu": 1})); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	sims, fits := 0, 0
	for _, f := range order {
		if strings.HasSuffix(f, ".summary") {
			break
		}
		switch {
		case strings.HasSuffix(f, ".simulateStudy"):
			sims++
		case strings.HasSuffix(f, ".fitModel"):
			fits++
		}
	}
	// Exactly the 8 simulations and 8 fits feeding the summary ran before it: no background.
	if sims != 8 || fits != 8 {
		t.Errorf("before the summary ran %d simulations and %d fits, want 8 and 8: %v", sims, fits, order)
	}
}

// The same program on an adaptive cluster of this program's workers, each declaring gpu=1.
func TestRunsOnAnAdaptiveCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a scheduler and worker processes")
	}
	stop, file, err := startAdaptive(2)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var out bytes.Buffer
	if err := run(context.Background(), &out, delayed.WithScheduler(distributed.Name), delayed.WithAddress(file)); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
}
