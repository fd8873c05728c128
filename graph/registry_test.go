package graph

import (
	"context"
	"errors"
	"testing"
)

//go:noinline
func adder(k int) func(int) int { return func(x int) int { return x + k } }

func double(x int) int { return 2 * x }

func registered(name string, impl any, explicit bool) *Function {
	return NewFunction(FunctionSpec{
		Name:   map[bool]string{true: name}[explicit],
		Impl:   impl,
		Invoke: func(context.Context, []any) (any, error) { return nil, nil },
	})
}

// Functions registered while the package initialises are portable; closures of one literal
// with different captures get numbered names; explicit duplicate names are refused.
var (
	regDouble      = registered("", double, false)
	regDoubleAgain = registered("", double, false)
	regAdd3        = registered("", adder(3), false)
	regAdd5        = registered("", adder(5), false)
	regNamed       = registered("test.named", double, true)
	regNamedOther  = registered("test.named", adder(1), true)
)

func TestRegistrationDuringInit(t *testing.T) {
	if !regDouble.Portable() || regDouble.Name() != "github.com/lazygraph/lazygraph/graph.double" {
		t.Errorf("double: name %q, portable %v", regDouble.Name(), regDouble.Portable())
	}
	if regDoubleAgain.Name() != regDouble.Name() || regDoubleAgain.Err() != nil {
		t.Errorf("wrapping the same function twice: %q, %v", regDoubleAgain.Name(), regDoubleAgain.Err())
	}
	if regAdd5.Name() != regAdd3.Name()+"#2" || !regAdd5.Portable() {
		t.Errorf("closures with different captures: %q and %q", regAdd3.Name(), regAdd5.Name())
	}
	if f, ok := Lookup(regAdd5.Name()); !ok || f != regAdd5 {
		t.Errorf("Lookup(%q) = %v, %v", regAdd5.Name(), f, ok)
	}
	var dup *DuplicateNameError
	if regNamed.Err() != nil || !errors.As(regNamedOther.Err(), &dup) || dup.Name != "test.named" {
		t.Errorf("explicit duplicate: %v / %v", regNamed.Err(), regNamedOther.Err())
	}
	if !errors.Is(regNamedOther.Err(), ErrInvalidGraph) {
		t.Errorf("a duplicate name should make graphs invalid: %v", regNamedOther.Err())
	}
}

func TestRegistrationAfterInitIsLocalOnly(t *testing.T) {
	late := registered("", adder(7), false)
	if late.Portable() {
		t.Error("a closure wrapped at run time must not be portable")
	}
	if _, ok := Lookup(late.Name()); ok && late.Name() != regAdd3.Name() {
		t.Errorf("late registration %q went into the registry", late.Name())
	}
	if !slicesContain(RegisteredNames(), regDouble.Name()) {
		t.Error("RegisteredNames misses double")
	}
}

func slicesContain(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
