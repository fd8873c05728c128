package distributed

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lazygraph/lazygraph/internal/cluster"
)

// Every registered sentinel survives the trip: the code chosen for an error wrapping it gives
// back an error matching it, with the scheduler's message.
func TestRegisteredCodesRoundTrip(t *testing.T) {
	for _, r := range registeredCodes {
		err := fmt.Errorf("%w: detail", r.sentinels[0])
		if r.code == "no-worker-resources" {
			err = lackingForTest(err)
		}
		code := registeredCode(err)
		if code != r.code {
			t.Errorf("%v: code %q, want %q", err, code, r.code)
			continue
		}
		back := registeredError(code, err.Error())
		for _, s := range r.sentinels {
			if !errors.Is(back, s) {
				t.Errorf("code %q: %v does not match %v", code, back, s)
			}
		}
		if back.Error() != err.Error() {
			t.Errorf("code %q: message %q, want %q", code, back, err)
		}
	}
	if registeredCode(errors.New("plain")) != "" || registeredError("unknown", "x") != nil {
		t.Error("an unregistered error got a code, or an unknown code an error")
	}
}

// lackingForTest marks err as the coordinator marks a missing resource.
func lackingForTest(err error) error { return &lacking{err} }

type lacking struct{ error }

func (e *lacking) Unwrap() error        { return e.error }
func (e *lacking) Is(target error) bool { return target == cluster.ErrResourceUnavailable }
