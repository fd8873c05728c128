package wire

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// msgpackBody is what msgpack itself writes for x, as Encode did before its scalar shortcut.
func msgpackBody(t *testing.T, x any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseCompactInts(true)
	if err := enc.Encode(x); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func scalarSamples() ([]int, []float64) {
	ints := []int{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64,
		-1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64}
	floats := []float64{0, math.Copysign(0, -1), 1.5, -2.25, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		ints = append(ints, int(r.Int64()>>r.IntN(64)), -int(r.Int64()>>r.IntN(64)))
		floats = append(floats, r.NormFloat64()*math.Pow(10, float64(r.IntN(40)-20)))
	}
	return ints, floats
}

// TestScalarShortcutMatchesMsgpack checks that ints and float64s encode byte for byte as
// msgpack encodes them, and decode back, by the shortcut and by msgpack alike.
func TestScalarShortcutMatchesMsgpack(t *testing.T) {
	ints, floats := scalarSamples()
	check := func(x any, static reflect.Type) {
		t.Helper()
		v, err := Encode(x, static)
		if err != nil {
			t.Fatal(err)
		}
		if want := msgpackBody(t, x); !bytes.Equal(v.Body, want) {
			t.Fatalf("%v encodes as %x, msgpack writes %x", x, v.Body, want)
		}
		got, err := Decode(v, reflect.TypeOf(x))
		if err != nil {
			t.Fatal(err)
		}
		slow, err := decodeReflect(v, reflect.TypeOf(x))
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := x.(float64); ok && math.IsNaN(f) {
			if !math.IsNaN(got.(float64)) || !math.IsNaN(slow.(float64)) {
				t.Fatalf("NaN decodes as %v and %v", got, slow)
			}
			return
		}
		if got != x || slow != x || math.Signbit(toFloat(got)) != math.Signbit(toFloat(x)) {
			t.Fatalf("%v (%T) decodes as %v (%T), by msgpack as %v", x, x, got, got, slow)
		}
	}
	for _, n := range ints {
		check(n, reflect.TypeFor[int]())
		check(n, nil)
	}
	for _, f := range floats {
		check(f, reflect.TypeFor[float64]())
		check(f, nil)
	}
}

func toFloat(x any) float64 {
	if f, ok := x.(float64); ok {
		return f
	}
	return float64(x.(int))
}

// TestScalarShortcutLeavesTheRest checks that other encodings of ints and floats (written by
// other msgpack writers: wide codes, nil, floats for ints) still decode as msgpack decodes them,
// and malformed ones still fail.
func TestScalarShortcutLeavesTheRest(t *testing.T) {
	intT, floatT := reflect.TypeFor[int](), reflect.TypeFor[float64]()
	cases := []struct {
		body []byte
		t    reflect.Type
	}{
		{[]byte{0xcd, 0x00, 0x05}, intT},                   // a small int in a wide code
		{[]byte{0xc0}, intT},                               // nil
		{[]byte{0xca, 0x3f, 0xc0, 0x00, 0x00}, floatT},     // float32
		{[]byte{0x05}, floatT},                             // an int as a float
		{[]byte{0x05, 0x06}, intT},                         // trailing bytes
		{[]byte{0xcd, 0x00}, intT},                         // cut short
		{[]byte{0xa1, 'x'}, intT},                          // a string
		{[]byte{0xcb, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, intT}, // a float as an int
	}
	for _, c := range cases {
		got, err := Decode(Value{Body: c.body}, c.t)
		want, wantErr := decodeReflect(Value{Body: c.body}, c.t)
		if (err == nil) != (wantErr == nil) || got != want {
			t.Errorf("%x as %s: got %v, %v; msgpack %v, %v", c.body, c.t, got, err, want, wantErr)
		}
	}
	// Named types, interfaces and attachments go the long way.
	type celsius float64
	v, err := Encode(celsius(1.5), nil)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := Decode(v, reflect.TypeFor[celsius]()); err != nil || back != celsius(1.5) {
		t.Errorf("celsius: %v, %v", back, err)
	}
	if _, ok := decodeNumber(Value{Body: []byte{1}, Attachments: [][]byte{{2}}}, intT); ok {
		t.Error("a value with attachments took the shortcut")
	}
}

func BenchmarkScalarInt(b *testing.B) {
	t := reflect.TypeFor[int]()
	b.ReportAllocs()
	for k := 0; b.Loop(); k++ {
		v, _ := Encode(k, t)
		if _, err := Decode(v, t); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScalarIntMsgpack(b *testing.B) {
	t := reflect.TypeFor[int]()
	b.ReportAllocs()
	for k := 0; b.Loop(); k++ {
		w := &valueWriter{attach: true}
		if err := encodeInto(w, k, t); err != nil {
			b.Fatal(err)
		}
		if _, err := decodeReflect(Value{Body: w.Bytes()}, t); err != nil {
			b.Fatal(err)
		}
	}
}
