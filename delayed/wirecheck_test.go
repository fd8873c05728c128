package delayed_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/lazygraph/lazygraph/delayed"
)

type notRegistered struct{ A int }

type unregisteredErr struct{ Code int }

func (e *unregisteredErr) Error() string { return fmt.Sprintf("unregistered error %d", e.Code) }

var (
	echo    = delayed.Func1(func(x any) any { return x })
	failUnr = delayed.Func1E(func(code int) (int, error) { return 0, &unregisteredErr{Code: code} })
)

// TestWireCheckFailsOnThreadsAsOnWorkers: with the check, a value workers could not rebuild
// fails on the local schedulers with the error processes and distributed give; without it, the
// local schedulers pass values as they are.
func TestWireCheckFailsOnThreadsAsOnWorkers(t *testing.T) {
	ctx := context.Background()
	bad := []any{1, notRegistered{A: 2}}
	for _, scheduler := range []string{"synchronous", "threads"} {
		got, err := echo(delayed.Value[any](bad)).Compute(ctx, delayed.WithScheduler(scheduler))
		if err != nil || !reflect.DeepEqual(got, any(bad)) {
			t.Errorf("%s without the check: %#v, %v", scheduler, got, err)
		}
		_, err = echo(delayed.Value[any](bad)).Compute(ctx, delayed.WithScheduler(scheduler), delayed.WithWireCheck())
		if !errors.Is(err, delayed.ErrUnregisteredType) || !strings.Contains(err.Error(), "notRegistered") {
			t.Errorf("%s with the check: err = %v, want ErrUnregisteredType naming the type", scheduler, err)
		}
		// Values that travel come out equal, with their types.
		good := map[string]any{"i": 1, "f": 2.5, "s": []any{"x", int8(3)}}
		got, err = echo(delayed.Value[any](good)).Compute(ctx, delayed.WithScheduler(scheduler), delayed.WithWireCheck())
		if err != nil || !reflect.DeepEqual(got, any(good)) {
			t.Errorf("%s with the check: %#v, %v; want %#v", scheduler, got, err, good)
		}
		// An unregistered error type loses its identity on workers: with the check, on
		// threads too (the message stays).
		_, err = failUnr(delayed.Value(3)).Compute(ctx, delayed.WithScheduler(scheduler), delayed.WithWireCheck())
		var ue *unregisteredErr
		if errors.As(err, &ue) || err == nil || !strings.Contains(err.Error(), "unregistered error 3") {
			t.Errorf("%s with the check: err = %v, want the message without the unregistered type", scheduler, err)
		}
	}
	t.Setenv(delayed.EnvCheck, "1")
	if _, err := echo(delayed.Value[any](bad)).Compute(ctx, delayed.WithScheduler("threads")); !errors.Is(err, delayed.ErrUnregisteredType) {
		t.Errorf("%s=1: err = %v, want ErrUnregisteredType", delayed.EnvCheck, err)
	}
}
