package wire

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type point struct{ X, Y int }

type holder struct {
	Name  string
	Value any
	Items []any
	Attrs map[string]any
	Shape shape
	Next  *holder
	Skip  any `msgpack:"-"`
}

type unregisteredPoint struct{ X int }

func init() {
	RegisterType(reflect.TypeFor[point]())
	RegisterType(reflect.TypeFor[holder]())
	RegisterType(reflect.TypeFor[square]())
}

// TestInterfacePlacesKeepDynamicTypes: a value inside an interface-typed place comes back with
// exactly its dynamic type, at any depth. Before the typed codec, msgpack turned ints in []any
// into int64 or int8 and structs into map[string]interface{}.
func TestInterfacePlacesKeepDynamicTypes(t *testing.T) {
	values := []any{
		1, int8(-3), uint16(7), uint64(1 << 63), 2.5, float32(1.5), "s", true, []byte("raw"),
		3 * time.Second,
		point{1, 2}, &point{3, 4}, square{2},
		[]int{1, 2}, []float64{0.5}, []string{"a"}, []point{{1, 1}},
		[]any{1, "a", point{5, 6}, nil, []any{int64(2), []string{"x"}}},
		map[string]any{"i": 1, "p": point{7, 8}, "m": map[string]any{"deep": []any{uint8(9)}}, "nil": nil},
		map[int]string{1: "one"}, [2]any{1, "two"}, map[string][]any{"k": {1, 2.0}},
		map[any]any{1: "x", "y": 2}, []*point{{1, 2}, nil},
		holder{Name: "h", Value: point{1, 2}, Items: []any{int32(3)}, Attrs: map[string]any{"f": 1.5},
			Shape: square{4}, Next: &holder{Value: []any{"inner"}}},
	}
	for _, x := range values {
		for _, static := range []reflect.Type{reflect.TypeOf(x), reflect.TypeFor[any]()} {
			v, err := Encode(x, static)
			if err != nil {
				t.Errorf("Encode(%#v as %s): %v", x, static, err)
				continue
			}
			got, err := Decode(v, static)
			if err != nil {
				t.Errorf("Decode(%#v as %s): %v", x, static, err)
				continue
			}
			if !reflect.DeepEqual(got, x) {
				t.Errorf("%s: %#v (%T) came back as %#v (%T)", static, x, x, got, got)
			}
		}
	}
	// All at once, in one []any (type names are shared within the value).
	if got := roundTrip(t, values); !reflect.DeepEqual(got, values) {
		t.Errorf("all values: %#v", got)
	}
}

func TestFieldsTaggedOutDoNotTravel(t *testing.T) {
	got := roundTrip(t, holder{Name: "n", Skip: 5})
	if got.Skip != nil || got.Name != "n" {
		t.Errorf("got %#v", got)
	}
}

// TestUnregisteredTypesFailWithTheirName: an unregistered type in an interface-typed place is an
// error naming it and how to register it, both when checking and when encoding, never a value
// of another type.
func TestUnregisteredTypesFailWithTheirName(t *testing.T) {
	for _, x := range []any{
		unregisteredPoint{1},
		[]any{1, unregisteredPoint{2}},
		map[string]any{"k": []any{&unregisteredPoint{3}}},
		holder{Value: unregisteredPoint{4}},
	} {
		for _, err := range []error{CheckValue(x, reflect.TypeFor[any]()), func() error {
			_, err := Encode(x, reflect.TypeFor[any]())
			return err
		}()} {
			if !errors.Is(err, ErrUnregisteredType) || !errors.Is(err, ErrUnencodable) {
				t.Errorf("%#v: err = %v, want ErrUnregisteredType", x, err)
				continue
			}
			if msg := err.Error(); !strings.Contains(msg, "unregisteredPoint") || !strings.Contains(msg, "delayed.RegisterType") {
				t.Errorf("err = %q, want it to name the type and delayed.RegisterType", msg)
			}
		}
	}
	if err := CheckValue([]any{1, point{}, map[string]any{"x": []int{1}}}, nil); err != nil {
		t.Errorf("registered types: %v", err)
	}
	if err := CheckValue([]float64{1, 2}, nil); err != nil {
		t.Errorf("plain type: %v", err)
	}
	if err := CheckValue([]any{func() {}}, nil); !errors.Is(err, ErrUnencodable) {
		t.Errorf("func in []any: %v", err)
	}
	// A name the receiver does not know.
	v, err := Encode([]any{point{1, 2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v.Body = []byte(strings.Replace(string(v.Body), "wire.point", "wire.pOint", 1))
	if _, err := Decode(v, reflect.TypeFor[[]any]()); !errors.Is(err, ErrUnregisteredType) || !strings.Contains(err.Error(), "wire.pOint") {
		t.Errorf("unknown name: %v", err)
	}
}

func TestCompositeTypeNamesResolve(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[[]point](), reflect.TypeFor[map[string][]*point](), reflect.TypeFor[[3][]any](),
		reflect.TypeFor[map[[2]int]map[string]point](), reflect.TypeFor[any](), reflect.TypeFor[shape](),
		reflect.TypeFor[*[]map[int]bool](),
	} {
		RegisterType(reflect.TypeFor[shape]())
		name, err := TypeName(typ)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := TypeByName(name)
		if !ok || got != typ {
			t.Errorf("TypeByName(%q) = %v, %v; want %s", name, got, ok, typ)
		}
	}
	for _, name := range []string{"map[int", "[99999999999999]int", "[-1]int", "map[[]int]int", "[]nothing.Here", "*", "[]"} {
		if typ, ok := TypeByName(name); ok {
			t.Errorf("TypeByName(%q) = %s, want unknown", name, typ)
		}
	}
}

// TestConcreteTypesPayNothing: a type without interface-typed places encodes exactly as msgpack
// encodes it, without type names.
func TestConcreteTypesPayNothing(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[[]float64](), reflect.TypeFor[sample](), reflect.TypeFor[map[string][]int]()} {
		if HasInterfaces(typ) {
			t.Errorf("%s has no interface-typed places", typ)
		}
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[[]any](), reflect.TypeFor[holder](), reflect.TypeFor[map[string]shape]()} {
		if !HasInterfaces(typ) {
			t.Errorf("%s has interface-typed places", typ)
		}
	}
	ints := make([]any, 1000)
	for i := range ints {
		ints[i] = i % 100
	}
	v, err := Encode(ints, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Body) > 3*len(ints)+16 {
		t.Errorf("[]any of %d small ints took %d bytes: the type name is repeated", len(ints), len(v.Body))
	}
}

func TestPointerCyclesAreRefused(t *testing.T) {
	h := &holder{Name: "loop"}
	h.Next = h
	if _, err := Encode(h, nil); !errors.Is(err, ErrUnencodable) {
		t.Errorf("cycle: %v", err)
	}
}
