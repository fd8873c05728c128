package schedulertest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lazygraph/lazygraph/delayed"
)

// The value cases hold every scheduler to the same answer for values whose types only show at
// run time: values in interface-typed places (elements of []any and map[string]any, interface
// fields of structs, nested interfaces), one value used as any and as int, nested containers
// with delayed values in some sub-containers only, and registered errors thrown by a panic.
// Each compares, with reflect.DeepEqual, what a scheduler computes with what the function gives
// when called directly.

// Point is a registered type that travels in interface-typed places.
type Point struct {
	X, Y int
}

// Box holds values in interface-typed fields.
type Box struct {
	Name  string
	Value any
	Items []any
	Attrs map[string]any
}

// Shape is an interface of the suite's own, for a field that holds a Point.
type Shape interface{ Corner() int }

// Corner returns X.
func (p Point) Corner() int { return p.X }

// Framed is a struct with a field of a non-empty interface type.
type Framed struct {
	Shape Shape
	Tags  []string
}

// unregisteredValue is never registered: it can travel in an interface-typed place only
// where no process boundary is crossed.
type unregisteredValue struct {
	A int
}

// BadPanic is a registered error type that a task panics with.
type BadPanic struct {
	Code int
}

func (e *BadPanic) Error() string { return fmt.Sprintf("bad panic %d", e.Code) }

var (
	echoAny    = delayed.Func1(EchoAny)
	echoBox    = delayed.Func1(EchoBox)
	echoFramed = delayed.Func1(EchoFramed)
	describe   = delayed.Func1(Describe)
	sumNested  = delayed.Wrap[int](SumNested)
	sumFlat    = delayed.Wrap[int](Sum)
	panicBad   = delayed.Func1(PanicBad)
)

func init() {
	delayed.RegisterType[Point]()
	delayed.RegisterError(&BadPanic{})
}

// EchoAny returns x as it received it.
func EchoAny(x any) any { return x }

// EchoBox returns b as it received it.
func EchoBox(b Box) Box { return b }

// EchoFramed returns f as it received it.
func EchoFramed(f Framed) Framed { return f }

// Describe names x's dynamic type and value, as the task saw them.
func Describe(x any) string { return fmt.Sprintf("%T:%v", x, x) }

// SumNested sums a slice of slices.
func SumNested(xss [][]int) int {
	total := 0
	for _, xs := range xss {
		total += Sum(xs)
	}
	return total
}

// PanicBad panics with a registered error.
func PanicBad(code int) int { panic(&BadPanic{Code: code}) }

// OptionsFunc returns the options of a computation on the scheduler under test, with extra ones.
type OptionsFunc func(extra ...delayed.Option) []delayed.Option

// RunValueCases runs the value cases as subtests of t, computing with the options opts returns.
func RunValueCases(t *testing.T, opts OptionsFunc) {
	t.Run("InterfaceValuesKeepTheirTypes", func(t *testing.T) { interfaceValues(t, opts) })
	t.Run("StructInterfaceFields", func(t *testing.T) { structInterfaceFields(t, opts) })
	t.Run("UnregisteredTypeIsAnErrorBeforeRunning", func(t *testing.T) { unregisteredType(t, opts) })
	t.Run("OneValueManyParameterTypes", func(t *testing.T) { oneValueManyTypes(t, opts) })
	t.Run("NestedContainersCheckedAlike", func(t *testing.T) { nestedContainers(t, opts) })
	t.Run("RegisteredPanicErrorKeepsItsIdentity", func(t *testing.T) { registeredPanic(t, opts) })
}

func interfaceValues(t *testing.T, opts OptionsFunc) {
	values := []any{
		1,
		int8(-3),
		uint16(7),
		2.5,
		float32(1.5),
		"text",
		true,
		Point{1, 2},
		&Point{3, 4},
		[]int{1, 2, 3},
		[]float64{0.5, -1},
		[]any{1, "a", 2.5, Point{5, 6}, nil, []any{int64(2), []string{"x"}}},
		map[string]any{"i": 1, "p": Point{7, 8}, "m": map[string]any{"deep": []any{uint8(9)}}, "nil": nil},
		map[string]int{"a": 1},
		map[int]string{1: "one"},
		[2]any{1, "two"},
		[]Point{{1, 1}},
		map[string][]any{"k": {1, 2.0}},
		time.Date(2024, 3, 10, 12, 0, 0, 5, time.UTC),
		time.Date(2024, 3, 10, 12, 0, 0, 5, time.FixedZone("UTC+1", 3600)),
		[]any{time.Date(2024, 3, 10, 12, 0, 0, 5, time.UTC)},
	}
	for _, v := range values {
		got, err := echoAny(delayed.Value(v)).Compute(context.Background(), opts()...)
		if err != nil {
			t.Errorf("echo(%#v): %v", v, err)
			continue
		}
		if !reflect.DeepEqual(got, EchoAny(v)) {
			t.Errorf("echo(%#v) = %#v (%T), want %#v (%T)", v, got, got, v, v)
		}
	}
	// All of them at once, through a task result in between.
	all := echoAny(echoAny(delayed.Value[any](values)))
	got, err := all.Compute(context.Background(), opts()...)
	if err != nil || !reflect.DeepEqual(got, any(values)) {
		t.Errorf("echo(echo(values)) = %#v, %v; want %#v", got, err, values)
	}
}

func structInterfaceFields(t *testing.T, opts OptionsFunc) {
	b := Box{
		Name:  "b",
		Value: Point{1, 2},
		Items: []any{3, "four", []any{5.0, Point{6, 7}}},
		Attrs: map[string]any{"n": int32(8), "list": []int{9}},
	}
	got, err := echoBox(delayed.Value(b)).Compute(context.Background(), opts()...)
	if err != nil || !reflect.DeepEqual(got, EchoBox(b)) {
		t.Errorf("echoBox = %#v, %v; want %#v", got, err, b)
	}
	f := Framed{Shape: Point{3, 4}, Tags: []string{"t"}}
	gotF, err := echoFramed(delayed.Value(f)).Compute(context.Background(), opts()...)
	if err != nil || !reflect.DeepEqual(gotF, EchoFramed(f)) {
		t.Errorf("echoFramed = %#v, %v; want %#v", gotF, err, f)
	}
	// A struct in an any-typed place, holding values in any-typed fields.
	gotAny, err := echoAny(delayed.Value[any](b)).Compute(context.Background(), opts()...)
	if err != nil || !reflect.DeepEqual(gotAny, any(b)) {
		t.Errorf("echo(any(box)) = %#v, %v; want %#v", gotAny, err, b)
	}
}

// unregisteredType: a value of an unregistered type in an interface-typed place either arrives
// as it is (no process boundary) or fails before any task runs, with an error naming the type
// and how to register it. A different value is never acceptable.
func unregisteredType(t *testing.T, opts OptionsFunc) {
	c := newCounter()
	v := []any{1, unregisteredValue{A: 2}}
	got, err := echoAny(delayed.Value[any](v)).Compute(context.Background(), opts(delayed.WithCallbacks(c.callbacks()))...)
	if err == nil {
		if !reflect.DeepEqual(got, any(v)) {
			t.Fatalf("echo(%#v) = %#v: a silently different value", v, got)
		}
		return
	}
	if msg := err.Error(); !strings.Contains(msg, "unregisteredValue") || !strings.Contains(msg, "RegisterType") {
		t.Errorf("err = %v, want it to name the type and delayed.RegisterType", err)
	}
	if n := c.count("github.com/lazygraph/lazygraph/schedulers/schedulertest.EchoAny"); n != 0 {
		t.Errorf("%d tasks ran before the unregistered type was reported", n)
	}
}

func oneValueManyTypes(t *testing.T, opts OptionsFunc) {
	// A data node used as any and as int, in either order.
	v := delayed.Value(1)
	d, n, err := delayed.Compute2(context.Background(), describe(delayed.Of[any](v)), inc(v), opts()...)
	if err != nil || d != "int:1" || n != 2 {
		t.Errorf("describe(v), inc(v) = %q, %d, %v; want \"int:1\", 2, nil", d, n, err)
	}
	w := delayed.Value(10)
	n, d, err = delayed.Compute2(context.Background(), inc(w), describe(delayed.Of[any](w)), opts()...)
	if err != nil || d != "int:10" || n != 11 {
		t.Errorf("inc(w), describe(w) = %d, %q, %v; want 11, \"int:10\", nil", n, d, err)
	}
	// A task result used as any and as int, and a data node of a struct used as any and as
	// itself.
	r := inc(delayed.Value(4))
	parts := []delayed.Delayed[string]{describe(delayed.Of[any](r)), describe(delayed.Of[any](inc(r)))}
	got, err := delayed.All(parts).Compute(context.Background(), opts()...)
	if err != nil || !reflect.DeepEqual(got, []string{"int:5", "int:6"}) {
		t.Errorf("describe(r), describe(inc(r)) = %q, %v", got, err)
	}
	p := delayed.Value(Point{1, 2})
	s, q, err := delayed.Compute2(context.Background(), describe(delayed.Of[any](p)), echoFramed(delayed.Value(Framed{Shape: Point{1, 2}})), opts()...)
	if err != nil || s != "schedulertest.Point:{1 2}" || !reflect.DeepEqual(q, Framed{Shape: Point{1, 2}}) {
		t.Errorf("describe(point), echoFramed = %q, %#v, %v", s, q, err)
	}
}

func nestedContainers(t *testing.T, opts OptionsFunc) {
	x, y := inc(delayed.Value(1)), inc(delayed.Value(2))
	flat := sumFlat([]any{x, 7})
	nested := sumNested([][]any{{x, y}, {7}})
	if err := nested.Err(); err != nil {
		t.Fatalf("[][]any{{x, y}, {7}} for [][]int: %v (while []any{x, 7} for []int is %v)", err, flat.Err())
	}
	a, b, err := delayed.Compute2(context.Background(), flat, nested, opts()...)
	if err != nil || a != 9 || b != 12 {
		t.Errorf("sum([x, 7]), sum([[x, y], [7]]) = %d, %d, %v; want 9, 12, nil", a, b, err)
	}
	mixed := sumNested([]any{[]int{1, 2}, []any{y}, []any{int(4)}})
	if got, err := mixed.Compute(context.Background(), opts()...); err != nil || got != 10 {
		t.Errorf("sum([[1 2] [y] [4]]) = %d, %v; want 10", got, err)
	}
}

func registeredPanic(t *testing.T, opts OptionsFunc) {
	_, err := add(inc(delayed.Value(1)), panicBad(delayed.Value(42))).Compute(context.Background(), opts()...)
	var bad *BadPanic
	if !errors.As(err, &bad) || bad.Code != 42 {
		t.Fatalf("err = %v, want errors.As to find *BadPanic{42}", err)
	}
	var pe *delayed.PanicError
	if !errors.As(err, &pe) || len(pe.Stack) == 0 {
		t.Errorf("err = %v, want a *PanicError with a stack", err)
	}
	var te *delayed.TaskError
	if !errors.As(err, &te) || te.Func != "github.com/lazygraph/lazygraph/schedulers/schedulertest.PanicBad" {
		t.Errorf("err = %v, want a *TaskError naming PanicBad", err)
	}
}
