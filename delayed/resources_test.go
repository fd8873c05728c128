package delayed_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
	"github.com/lazygraph/lazygraph/graph"
	"github.com/lazygraph/lazygraph/schedulers"
)

var badResources = delayed.Func1(func(x int) int { return x }, delayed.Resources(map[string]float64{"gpu": math.NaN()}))

func TestResourcesMisdeclared(t *testing.T) {
	ctx := context.Background()
	_, err := badResources(delayed.Value(1)).Compute(ctx, delayed.WithScheduler("synchronous"))
	var be *graph.BuildError
	if !errors.As(err, &be) || !errors.Is(err, graph.ErrResources) {
		t.Errorf("NaN gpu: err = %v, want a BuildError matching graph.ErrResources", err)
	}
	_, err = train(delayed.Value(1)).Compute(ctx, delayed.WithResources(map[string]float64{"gpu": -1}))
	if err == nil || !strings.Contains(err.Error(), "gpu=-1") {
		t.Errorf("WithResources(gpu=-1): err = %v", err)
	}
}

func TestResourcesFromEnvironment(t *testing.T) {
	ctx := context.Background()
	t.Setenv(delayed.EnvResources, "gpu=1")
	if v, err := train(delayed.Value(3)).Compute(ctx, delayed.WithScheduler("threads")); err != nil || v != "model after 3 epochs" {
		t.Errorf("with %s=gpu=1: %q, %v", delayed.EnvResources, v, err)
	}
	t.Setenv(delayed.EnvResources, "gpu=0.5")
	_, err := train(delayed.Value(3)).Compute(ctx, delayed.WithScheduler("synchronous"))
	if !errors.Is(err, schedulers.ErrNoResources) || !strings.Contains(err.Error(), "gpu=0.5") {
		t.Errorf("with gpu=0.5 declared: err = %v, want ErrNoResources naming both amounts", err)
	}
	t.Setenv(delayed.EnvResources, "gpu")
	if _, err := train(delayed.Value(3)).Compute(ctx); err == nil || !strings.Contains(err.Error(), delayed.EnvResources) {
		t.Errorf("malformed %s: err = %v", delayed.EnvResources, err)
	}
}
