package delayed_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

// used returns the scheduler and worker count a computation ran with, via the Start callback.
func used(t *testing.T, opts ...delayed.Option) (string, int, error) {
	t.Helper()
	var info delayed.ComputeInfo
	opts = append(opts, delayed.WithCallbacks(delayed.Callbacks{Start: func(i delayed.ComputeInfo) { info = i }}))
	_, err := delayed.Value(1).Compute(context.Background(), opts...)
	return info.Scheduler, info.Workers, err
}

func TestConfigurationPrecedence(t *testing.T) {
	for _, env := range []string{delayed.EnvScheduler, delayed.EnvWorkers, delayed.EnvChunksize} {
		t.Setenv(env, "")
	}
	if s, w, err := used(t); s != "threads" || w != runtime.GOMAXPROCS(0) || err != nil {
		t.Errorf("default: %s with %d workers (%v); want threads with one per core", s, w, err)
	}
	t.Setenv(delayed.EnvScheduler, "synchronous")
	t.Setenv(delayed.EnvWorkers, "5")
	if s, w, _ := used(t); s != "synchronous" || w != 5 {
		t.Errorf("environment: %s with %d workers", s, w)
	}
	restore := delayed.Configure(delayed.WithScheduler("threads"), delayed.WithWorkers(3))
	if s, w, _ := used(t); s != "threads" || w != 3 {
		t.Errorf("programmatic over environment: %s with %d workers", s, w)
	}
	if s, w, _ := used(t, delayed.WithScheduler("synchronous")); s != "synchronous" || w != 3 {
		t.Errorf("per call over programmatic: %s with %d workers", s, w)
	}
	restore()
	if s, w, _ := used(t); s != "synchronous" || w != 5 {
		t.Errorf("after restore: %s with %d workers, want the environment's again", s, w)
	}
}

func TestConfigurationErrors(t *testing.T) {
	t.Setenv(delayed.EnvScheduler, "")
	_, _, err := used(t, delayed.WithScheduler("gpu"))
	if !errors.Is(err, delayed.ErrUnknownScheduler) || !strings.Contains(err.Error(), "synchronous, threads") {
		t.Errorf("unknown scheduler: %v, want an error listing the known ones", err)
	}
	if _, _, err := used(t, delayed.WithWorkers(0)); err == nil || !strings.Contains(err.Error(), "workers") {
		t.Errorf("zero workers: %v", err)
	}
	if _, _, err := used(t, delayed.WithChunksize(-1)); err == nil || !strings.Contains(err.Error(), "chunksize") {
		t.Errorf("negative chunksize: %v", err)
	}
	t.Setenv(delayed.EnvWorkers, "many")
	if _, _, err := used(t); err == nil || !strings.Contains(err.Error(), delayed.EnvWorkers) {
		t.Errorf("bad %s: %v, want an error naming it", delayed.EnvWorkers, err)
	}
	// A bad environment value replaced by an option is not an error.
	if _, w, err := used(t, delayed.WithWorkers(2)); err != nil || w != 2 {
		t.Errorf("option over bad environment: %d workers, %v", w, err)
	}
	t.Setenv(delayed.EnvWorkers, "")
	t.Setenv(delayed.EnvChunksize, "-3")
	if _, _, err := used(t); err == nil || !strings.Contains(err.Error(), delayed.EnvChunksize) {
		t.Errorf("bad %s: %v", delayed.EnvChunksize, err)
	}
}

func TestNilContext(t *testing.T) {
	//lint:ignore SA1012 checking that a nil context is an error, not a panic
	if _, err := delayed.Value(1).Compute(nil); err == nil { //nolint:staticcheck
		t.Error("Compute(nil) gave no error")
	}
}
