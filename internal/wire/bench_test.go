package wire

import (
	"reflect"
	"testing"
)

// The benchmarks measure what a task pays per argument and result: small concrete values,
// numeric slices (raw memory), plain structs, and values with interface-typed places.
func BenchmarkEncodeDecode(b *testing.B) {
	big := make([]float64, 1<<20)
	anys := make([]any, 1000)
	for i := range anys {
		anys[i] = i
	}
	cases := []struct {
		name   string
		x      any
		static reflect.Type
	}{
		{"int", 5, reflect.TypeFor[int]()},
		{"any(int)", 5, reflect.TypeFor[any]()},
		{"[]float64x1Mi", big, reflect.TypeFor[[]float64]()},
		{"struct", sample{Name: "s", Count: 3, Values: []float64{1, 2, 3}, Tags: map[string]int{"a": 1}}, reflect.TypeFor[sample]()},
		{"[]any(int)x1000", anys, reflect.TypeFor[[]any]()},
		{"map[string]any", map[string]any{"a": 1, "b": "two", "c": 3.0, "d": []int{4}}, reflect.TypeFor[map[string]any]()},
	}
	for _, c := range cases {
		b.Run("encode/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Encode(c.x, c.static); err != nil {
					b.Fatal(err)
				}
			}
		})
		v, err := Encode(c.x, c.static)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("decode/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Decode(v, c.static); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
