package wire

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

type sample struct {
	Name   string
	Count  int
	Values []float64
	Tags   map[string]int
	When   time.Time
}

func roundTrip[T any](t *testing.T, x T) T {
	t.Helper()
	v, err := Encode(x, reflect.TypeFor[T]())
	if err != nil {
		t.Fatalf("Encode(%T): %v", x, err)
	}
	// Through a frame, as on a connection.
	var buf bytes.Buffer
	if err := WriteFrame(&buf, &Frame{Kind: 7, Body: v.Body, Attachments: v.Attachments}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFrame(&buf, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != 7 {
		t.Fatalf("kind %d", f.Kind)
	}
	got, err := Decode(Value{Body: f.Body, Attachments: f.Attachments}, reflect.TypeFor[T]())
	if err != nil {
		t.Fatalf("Decode(%T): %v", x, err)
	}
	return got.(T)
}

func TestValuesKeepTheirTypes(t *testing.T) {
	if got := roundTrip(t, 5); got != 5 {
		t.Errorf("int: %v", got)
	}
	if got := roundTrip(t, int8(-3)); got != -3 {
		t.Errorf("int8: %v", got)
	}
	if got := roundTrip(t, math.Pi); got != math.Pi {
		t.Errorf("float64: %v", got)
	}
	if got := roundTrip(t, uint64(math.MaxUint64)); got != math.MaxUint64 {
		t.Errorf("uint64: %v", got)
	}
	s := sample{Name: "x", Count: 3, Values: []float64{1, 2, math.NaN()}, Tags: map[string]int{"a": 1}, When: time.Unix(1700000000, 5).UTC()}
	got := roundTrip(t, s)
	if got.Name != "x" || got.Count != 3 || len(got.Values) != 3 || !math.IsNaN(got.Values[2]) || got.Tags["a"] != 1 || !got.When.Equal(s.When) {
		t.Errorf("struct: %+v", got)
	}
	if got := roundTrip(t, []int32{}); got == nil || len(got) != 0 {
		t.Errorf("empty slice: %#v", got)
	}
	if got := roundTrip(t, []float32{1.5, -2}); len(got) != 2 || got[1] != -2 {
		t.Errorf("[]float32: %v", got)
	}
}

func TestLargeSlicesTravelAsAttachments(t *testing.T) {
	big := make([]float64, 1<<20)
	for i := range big {
		big[i] = float64(i) * 0.5
	}
	v, err := Encode(big, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Attachments) != 1 || len(v.Body) > 64 {
		t.Fatalf("body %d bytes, %d attachments; want a small body and one attachment", len(v.Body), len(v.Attachments))
	}
	if &v.Attachments[0][0] != &sliceBytes(reflect.ValueOf(big))[0] {
		t.Error("the attachment is a copy, not the slice's own memory")
	}
	got := roundTrip(t, big)
	if len(got) != len(big) || got[12345] != big[12345] {
		t.Error("large slice changed on the way")
	}
	if v.Size() < 8<<20 {
		t.Errorf("Size() = %d, want at least the raw data", v.Size())
	}
}

type shape interface{ Area() float64 }

type square struct{ Side float64 }

func (s square) Area() float64 { return s.Side * s.Side }

func TestInterfaceSlotsCarryTheType(t *testing.T) {
	RegisterType(reflect.TypeFor[square]())
	v, err := Encode(square{3}, reflect.TypeFor[shape]())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(v, reflect.TypeFor[shape]())
	if err != nil || got.(square).Area() != 9 {
		t.Fatalf("got %#v, %v", got, err)
	}
	// int in an any slot stays int, not int8.
	v, _ = Encode(5, reflect.TypeFor[any]())
	if got, err := Decode(v, reflect.TypeFor[any]()); err != nil || got != 5 {
		t.Fatalf("any(5) came back as %#v (%T), %v", got, got, err)
	}
	type unregistered struct{ X int }
	if _, err := Encode(unregistered{1}, reflect.TypeFor[any]()); !errors.Is(err, ErrUnregisteredType) {
		t.Errorf("unregistered type: %v", err)
	}
}

func TestUnencodableValues(t *testing.T) {
	for _, x := range []any{make(chan int), func() {}} {
		if _, err := Encode(x, nil); !errors.Is(err, ErrUnencodable) {
			t.Errorf("Encode(%T): %v, want ErrUnencodable", x, err)
		}
	}
}

type codeError struct{ Code int }

func (e *codeError) Error() string { return fmt.Sprintf("code %d", e.Code) }

var errSentinel = errors.New("sentinel")

func init() {
	RegisterError(&codeError{})
	RegisterError(errSentinel)
}

func TestErrorsKeepTheirIdentity(t *testing.T) {
	got := DecodeError(EncodeError(&codeError{Code: 7}))
	var ce *codeError
	if !errors.As(got, &ce) || ce.Code != 7 || got.Error() != "code 7" {
		t.Errorf("registered type: %#v", got)
	}
	got = DecodeError(EncodeError(fmt.Errorf("while fitting: %w", errSentinel)))
	if !errors.Is(got, errSentinel) || got.Error() != "while fitting: sentinel" {
		t.Errorf("wrapped sentinel: %#v", got)
	}
	got = DecodeError(EncodeError(errors.Join(errors.New("a"), &codeError{Code: 2})))
	if !errors.As(got, &ce) || ce.Code != 2 {
		t.Errorf("joined: %#v", got)
	}
	got = DecodeError(EncodeError(errors.New("plain")))
	var re *RemoteError
	if !errors.As(got, &re) || re.Message != "plain" {
		t.Errorf("unregistered: %#v", got)
	}
}

func TestFrameLimits(t *testing.T) {
	var buf bytes.Buffer
	_ = WriteFrame(&buf, &Frame{Kind: 1, Body: make([]byte, 1000)})
	if _, err := ReadFrame(bytes.NewReader(buf.Bytes()), 100); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := ReadFrame(bytes.NewReader(buf.Bytes()[:500]), 0); !errors.Is(err, ErrMalformedFrame) {
		t.Errorf("truncated: %v", err)
	}
}

// FuzzReadFrame feeds arbitrary bytes to the frame reader and the value decoder: they may
// refuse them, but never panic, hang or allocate beyond the limit.
func FuzzReadFrame(f *testing.F) {
	var buf bytes.Buffer
	v, _ := Encode(sample{Name: "seed", Values: make([]float64, 20000)}, nil)
	_ = WriteFrame(&buf, &Frame{Kind: 3, Body: v.Body, Attachments: v.Attachments})
	f.Add(buf.Bytes())
	buf.Reset()
	v, _ = Encode(square{2}, reflect.TypeFor[any]())
	_ = WriteFrame(&buf, &Frame{Kind: 1, Body: v.Body})
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := ReadFrame(bytes.NewReader(data), 1<<20)
		if err != nil {
			return
		}
		val := Value{Body: fr.Body, Attachments: fr.Attachments}
		for _, typ := range []reflect.Type{reflect.TypeFor[sample](), reflect.TypeFor[any](), reflect.TypeFor[[]float64](), reflect.TypeFor[map[string][]int32]()} {
			_, _ = Decode(val, typ)
		}
	})
}

// FuzzDecode decodes arbitrary bodies into typical parameter types.
func FuzzDecode(f *testing.F) {
	for _, x := range []any{sample{Name: "s", Values: []float64{1}}, []int64{1, 2}, "text", map[string]any{"k": 1}} {
		v, _ := Encode(x, nil)
		f.Add(v.Body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, typ := range []reflect.Type{reflect.TypeFor[sample](), reflect.TypeFor[any](), reflect.TypeFor[[]int64](), reflect.TypeFor[*sample]()} {
			_, _ = Decode(Value{Body: body, Attachments: [][]byte{make([]byte, 24)}}, typ)
		}
		rec := ErrorRecord{Message: "m", Chain: []EncodedError{{Name: "sentinel:0:sentinel"}, {Name: "*github.com/lazygraph/lazygraph/internal/wire.codeError", Data: body}}}
		_ = DecodeError(rec)
	})
}

func TestHostileLengthsAreRefused(t *testing.T) {
	cases := [][]byte{
		{0xdd, 0xff, 0xff, 0xff, 0xff},                  // array of 4 billion elements
		{0x85, 0xc6, 0xce, 0x58, 0x87, 0xd3},            // map whose first key claims 3 GB
		{0xdf, 0x7f, 0xff, 0xff, 0xff, 0xc0},            // map of 2 billion entries
		append(bytes.Repeat([]byte{0x91}, 10000), 0xc0), // nested 10000 deep
	}
	for _, body := range cases {
		for _, typ := range []reflect.Type{reflect.TypeFor[[]int64](), reflect.TypeFor[any](), reflect.TypeFor[sample]()} {
			if _, err := Decode(Value{Body: body}, typ); !errors.Is(err, ErrMalformedValue) {
				t.Errorf("% x as %s: %v, want ErrMalformedValue", body[:min(len(body), 6)], typ, err)
			}
		}
	}
}

func TestGonumMatricesTravel(t *testing.T) {
	small := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	if got := roundTrip(t, small); !mat.Equal(got, small) {
		t.Errorf("small matrix: %v", mat.Formatted(got))
	}
	big := mat.NewDense(300, 300, nil)
	for i := range 300 {
		big.Set(i, i, float64(i))
	}
	v, err := Encode(big, nil)
	if err != nil || len(v.Attachments) != 1 {
		t.Fatalf("large matrix: %d attachments, %v", len(v.Attachments), err)
	}
	if got := roundTrip(t, big); !mat.Equal(got, big) {
		t.Error("large matrix changed")
	}
	view := big.Slice(10, 20, 5, 8).(*mat.Dense) // strided
	if got := roundTrip(t, view); !mat.Equal(got, view) {
		t.Error("matrix view changed")
	}
	vec := mat.NewVecDense(3, []float64{7, 8, 9})
	if got := roundTrip(t, vec); !mat.Equal(got, vec) {
		t.Errorf("vector: %v", got)
	}
	type model struct {
		Beta *mat.VecDense
		X    *mat.Dense
	}
	if got := roundTrip(t, model{Beta: vec, X: small}); !mat.Equal(got.X, small) || !mat.Equal(got.Beta, vec) {
		t.Error("matrices inside a struct changed")
	}
}

func TestUnexportedFieldsAreRefused(t *testing.T) {
	type secretive struct {
		Name  string
		count int
	}
	_, err := Encode(secretive{Name: "x", count: 3}, nil)
	if !errors.Is(err, ErrUnencodable) || !strings.Contains(err.Error(), "count") {
		t.Errorf("err = %v, want ErrUnencodable naming the field", err)
	}
	if _, err := Encode([]secretive{}, nil); !errors.Is(err, ErrUnencodable) {
		t.Errorf("slice of such structs: %v", err)
	}
	if _, err := Encode(time.Now(), nil); err != nil {
		t.Errorf("time.Time: %v", err)
	}
}
